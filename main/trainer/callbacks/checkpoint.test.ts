import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { loadModelFromDir } from '../save-model';
import { TrainingError } from '../training-error';
import { createBestCheckpoint, modelSaver, saveStepCheckpoint, type ModelSaver, type SaveKind } from './checkpoint';
import { epochLogs } from './test-context';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'nw-ckpt-'));

function tinyModel(): tf.LayersModel {
  return tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3] })] });
}

/** A saver that only records what it was asked to save. */
function recordingSaver(): { save: ModelSaver; calls: { dir: string; what: SaveKind }[] } {
  const calls: { dir: string; what: SaveKind }[] = [];
  return {
    calls,
    save: async (_model, dir, what) => {
      calls.push({ dir, what });
      return [path.join(dir, 'model.json'), path.join(dir, 'weights.bin')];
    },
  };
}

describe('best checkpoint callback', () => {
  it('saves into best/ after each best epoch only, and lists the files relative to the run folder', async () => {
    const { save, calls } = recordingSaver();
    const model = tinyModel();
    const cb = createBestCheckpoint(model, '/runs/r1', save);
    expect(cb.files).toEqual([]);
    await cb.onEpochEnd?.(epochLogs(0, 1, { best: true }));
    await cb.onEpochEnd?.(epochLogs(1, 2));
    await cb.onEpochEnd?.(epochLogs(2, 0.5, { best: true }));
    expect(calls).toEqual([
      { dir: path.join('/runs/r1', 'best'), what: 'best checkpoint' },
      { dir: path.join('/runs/r1', 'best'), what: 'best checkpoint' },
    ]);
    expect(cb.files).toEqual(['best/model.json', 'best/weights.bin']);
    model.dispose();
  });

  it('a live checkpoint goes to checkpoints/step-N and loads back with the weights of that moment', async () => {
    const runDir = tmp();
    const model = tinyModel();
    const dir = await saveStepCheckpoint(modelSaver('r1'), model, runDir, 42);
    expect(dir).toBe('checkpoints/step-42');
    const loaded = await loadModelFromDir(path.join(runDir, dir));
    const a = model.getWeights().map((t) => Array.from(t.dataSync()));
    const b = loaded.getWeights().map((t) => Array.from(t.dataSync()));
    expect(b).toEqual(a);
    loaded.dispose();
    model.dispose();
  });

  it('a failed save becomes a TrainingError naming the run, what was saved and the folder', async () => {
    const model = tinyModel();
    const full = () => {
      throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
    };
    const dir = path.join(tmp(), 'best');
    const error = await modelSaver('run-7', full)(model, dir, 'best checkpoint').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TrainingError);
    const message = (error as Error).message;
    expect(message).toContain('run-7');
    expect(message).toContain('best-epoch checkpoint');
    expect(message).toContain(dir);
    model.dispose();
  });
});
