import * as path from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { saveErrorMessage, saveModelToDir, type SaveWriter } from '../save-model';
import { TrainingError } from '../training-error';
import type { TrainingCallback } from './callback';

export type SaveKind = 'model' | 'best checkpoint' | 'checkpoint';

/** Saves a model into a folder; returns the files written. */
export type ModelSaver = (model: tf.LayersModel, dir: string, what: SaveKind) => Promise<string[]>;

/** Saves with `writeFile` (tests inject a full disk); a failure becomes a TrainingError naming the run, the folder and what was saved. */
export function modelSaver(runId: string, writeFile?: SaveWriter): ModelSaver {
  return async (model, dir, what) => {
    try {
      return await saveModelToDir(model, dir, writeFile);
    } catch (error) {
      throw new TrainingError(saveErrorMessage(error, runId, what, dir));
    }
  };
}

/** A checkpoint asked for during the run (live control): the weights now, in `checkpoints/step-<step>`; returns that folder relative to the run's. */
export async function saveStepCheckpoint(save: ModelSaver, model: tf.LayersModel, runDir: string, step: number): Promise<string> {
  const dir = `checkpoints/step-${step}`;
  await save(model, path.join(runDir, dir), 'checkpoint');
  return dir;
}

export interface BestCheckpointCallback extends TrainingCallback {
  /** The best checkpoint's files, relative to the run folder (`best/...`); empty while none was saved. */
  readonly files: readonly string[];
}

/** Like Keras's ModelCheckpoint with `save_best_only`: after each best epoch, the model in `<runDir>/best`. */
export function createBestCheckpoint(model: tf.LayersModel, runDir: string, save: ModelSaver): BestCheckpointCallback {
  let files: string[] = [];
  return {
    get files() {
      return files;
    },
    async onEpochEnd({ best }) {
      if (!best) return;
      files = (await save(model, path.join(runDir, 'best'), 'best checkpoint')).map((f) => `best/${path.basename(f)}`);
    },
  };
}
