import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { registerCustomLayers } from './custom-layers';
import { readOwnFile, MAX_SAVED_WEIGHTS_BYTES } from '../storage/safe-read';

export const MODEL_FILES = ['model.json', 'weights.bin'] as const;

/** Writes `data` to `file` via a temporary file and a rename, so readers never see half a file. */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}

/** The `model.json` of a TF.js LayersModel whose weights are in `weights.bin`. */
export function modelJson(artifacts: tf.io.ModelArtifacts): Record<string, unknown> {
  return {
    format: 'layers-model',
    generatedBy: `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
    convertedBy: 'Netwright',
    modelTopology: artifacts.modelTopology,
    weightsManifest: [{ paths: ['./weights.bin'], weights: artifacts.weightSpecs ?? [] }],
    ...(artifacts.trainingConfig ? { trainingConfig: artifacts.trainingConfig } : {}),
  };
}

function weightBytes(data: tf.io.ModelArtifacts['weightData']): Uint8Array {
  if (data === undefined) return new Uint8Array(0);
  const buffers = Array.isArray(data) ? data : [data];
  const total = buffers.reduce((n, b) => n + b.byteLength, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const b of buffers) {
    out.set(new Uint8Array(b), offset);
    offset += b.byteLength;
  }
  return out;
}

/** The file write a model save uses; tests inject one that fails (a full disk) without filling a disk. */
export type SaveWriter = (file: string, data: string | Uint8Array) => void;

const DISK_PROBLEMS: Record<string, string> = {
  ENOSPC: 'The disk is full',
  EDQUOT: 'The disk quota is used up',
  EACCES: 'Netwright may not write to the run folder',
  EPERM: 'Netwright may not write to the run folder',
  EROFS: 'The disk is read-only',
};

/** The error code of a failed file operation (`ENOSPC`, …), if any. */
function errorCode(error: unknown): string | null {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : null;
}

/**
 * One line for people on why a run's model (or checkpoint) could not be saved,
 * naming the folder it was saved to when given (the disk to free space on).
 */
export function saveErrorMessage(error: unknown, runId: string, what: 'model' | 'best checkpoint' | 'checkpoint', folder?: string): string {
  const code = errorCode(error);
  const problem = code ? DISK_PROBLEMS[code] : undefined;
  const saved = what === 'model' ? 'the model' : what === 'checkpoint' ? 'the checkpoint' : 'the best-epoch checkpoint';
  const where = folder ? ` to ${folder}` : '';
  const kept = 'Its earlier checkpoints are intact.';
  if (problem) {
    const fix = code === 'ENOSPC' || code === 'EDQUOT' ? 'Free some space and train again.' : 'Check the folder\'s permissions and train again.';
    return `${problem}: ${saved} of run ${runId} could not be saved${where} (${code}). ${kept} ${fix}`;
  }
  const detail = ((error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '').trim();
  return `${saved[0]?.toUpperCase()}${saved.slice(1)} of run ${runId} could not be saved${where}: ${detail}. ${kept}`;
}

/**
 * Saves a model as `model.json` + `weights.bin` in `dir` (created if needed). Returns the file paths.
 * Both files are written to temporary names first and renamed only once both are complete, so a
 * failed write (a full disk) leaves the model saved there before untouched.
 */
export async function saveModelToDir(model: tf.LayersModel, dir: string, write: SaveWriter = fs.writeFileSync): Promise<string[]> {
  fs.mkdirSync(dir, { recursive: true });
  const files = MODEL_FILES.map((f) => path.join(dir, f));
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weights = weightBytes(artifacts.weightData);
      const stamp = `${process.pid}.${Date.now()}.tmp`;
      const [jsonFile, binFile] = files as [string, string];
      const tmps: [string, string | Uint8Array, string][] = [
        [`${binFile}.${stamp}`, weights, binFile],
        [`${jsonFile}.${stamp}`, JSON.stringify(modelJson(artifacts)), jsonFile],
      ];
      try {
        for (const [tmp, data] of tmps) write(tmp, data);
      } catch (error) {
        for (const [tmp] of tmps) fs.rmSync(tmp, { force: true });
        throw error;
      }
      for (const [tmp, , file] of tmps) fs.renameSync(tmp, file);
      return {
        modelArtifactsInfo: {
          dateSaved: new Date(),
          modelTopologyType: 'JSON',
          weightDataBytes: weights.byteLength,
        },
      };
    }),
  );
  return files;
}

/** Loads a model saved by `saveModelToDir` (used by tests and re-export checks). */
export async function loadModelFromDir(dir: string): Promise<tf.LayersModel> {
  registerCustomLayers();
  const json = JSON.parse(readOwnFile(path.join(dir, 'model.json')).toString('utf8')) as {
    modelTopology: object;
    weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[];
  };
  const bin = readOwnFile(path.join(dir, 'weights.bin'), MAX_SAVED_WEIGHTS_BYTES);
  const weightData = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength);
  return tf.loadLayersModel(
    tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest.flatMap((m) => m.weights), weightData }),
  );
}
