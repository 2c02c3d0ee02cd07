import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { registerCustomLayers } from './custom-layers';

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

/** Saves a model as `model.json` + `weights.bin` in `dir` (created if needed). Returns the file paths. */
export async function saveModelToDir(model: tf.LayersModel, dir: string): Promise<string[]> {
  fs.mkdirSync(dir, { recursive: true });
  const files = MODEL_FILES.map((f) => path.join(dir, f));
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weights = weightBytes(artifacts.weightData);
      writeFileAtomic(files[1] as string, weights);
      writeFileAtomic(files[0] as string, JSON.stringify(modelJson(artifacts)));
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
  const json = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8')) as {
    modelTopology: object;
    weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[];
  };
  const bin = fs.readFileSync(path.join(dir, 'weights.bin'));
  const weightData = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength);
  return tf.loadLayersModel(
    tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest.flatMap((m) => m.weights), weightData }),
  );
}
