import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { loadModelFromDir } from '../trainer/save-model';
import { runsRoot } from '../storage/runs';
import { importModelFile } from './import-model';

/**
 * Weights of a model.json written by stock TF.js (its own layer names, weights split over two
 * shard files, one weight quantized to uint8 as tensorflowjs_converter does): read, assigned
 * by name, checked by shape.
 */

beforeAll(async () => {
  await tf.setBackend('cpu');
});
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'netwright-weights-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Saves `model` as model.json with its weights in two shards (`group1-shard1of2.bin`, `...2of2.bin`). */
async function saveSharded(model: tf.LayersModel, dir: string): Promise<{ json: Record<string, unknown> }> {
  fs.mkdirSync(dir, { recursive: true });
  let json: Record<string, unknown> = {};
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      const data = new Uint8Array(a.weightData as ArrayBuffer);
      const half = Math.floor(data.byteLength / 8) * 4;
      fs.writeFileSync(path.join(dir, 'group1-shard1of2.bin'), data.subarray(0, half));
      fs.writeFileSync(path.join(dir, 'group1-shard2of2.bin'), data.subarray(half));
      json = { format: 'layers-model', modelTopology: a.modelTopology, weightsManifest: [{ paths: ['group1-shard1of2.bin', 'group1-shard2of2.bin'], weights: a.weightSpecs }] };
      fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify(json));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return { json };
}

function stockModel(): tf.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [6], units: 5, activation: 'relu' }),
      tf.layers.batchNormalization(),
      tf.layers.dense({ units: 3, activation: 'softmax' }),
    ],
  });
}

describe('TF.js weights on import', () => {
  it('reads weights split over two shards, assigns them by layer name and predicts like the original (1e-6)', async () => {
    const model = stockModel();
    const dir = path.join(tmp, 'sharded');
    await saveSharded(model, dir);
    const home = path.join(tmp, 'home1');
    const result = await importModelFile(path.join(dir, 'model.json'), { outPath: path.join(tmp, 'sharded.nwproj'), dataDir: home });
    const imported = await loadModelFromDir(path.join(runsRoot(home, result.path), result.runId as string));
    try {
      const x = tf.randomUniform([4, 6], 0, 1, 'float32', 3);
      const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(model.predict(x) as tf.Tensor, imported.predict(x) as tf.Tensor))).dataSync()[0] as number);
      x.dispose();
      expect(diff).toBeLessThanOrEqual(1e-6);
      expect(imported.countParams()).toBe(model.countParams());
    } finally {
      imported.dispose();
      model.dispose();
    }
  });

  it('dequantizes uint8 weights (tensorflowjs_converter --quantize_uint8)', async () => {
    const model = stockModel();
    const dir = path.join(tmp, 'quantized');
    const { json } = await saveSharded(model, dir);
    // Re-write the first kernel quantized: value = min + scale * q.
    const manifest = (json['weightsManifest'] as { paths: string[]; weights: { name: string; shape: number[]; dtype: string; quantization?: unknown }[] }[])[0];
    if (!manifest) throw new Error('no manifest');
    const kernel = manifest.weights[0];
    if (!kernel) throw new Error('no kernel');
    const q = Uint8Array.from({ length: 30 }, (_, i) => (i * 7) % 256);
    const rest = Buffer.concat(manifest.paths.map((p) => fs.readFileSync(path.join(dir, p)))).subarray(30 * 4);
    kernel.quantization = { dtype: 'uint8', min: -1, scale: 0.01 };
    fs.writeFileSync(path.join(dir, 'group1-shard1of2.bin'), Buffer.concat([Buffer.from(q), rest]));
    fs.writeFileSync(path.join(dir, 'group1-shard2of2.bin'), Buffer.alloc(0));
    fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify(json));
    const home = path.join(tmp, 'home2');
    const result = await importModelFile(path.join(dir, 'model.json'), { outPath: path.join(tmp, 'quantized.nwproj'), dataDir: home });
    const imported = await loadModelFromDir(path.join(runsRoot(home, result.path), result.runId as string));
    try {
      const got = imported.layers.find((l) => l.getClassName() === 'Dense')?.getWeights()[0]?.dataSync() as Float32Array;
      expect(Array.from(got).map((v) => Math.round(v * 1e4) / 1e4)).toEqual(Array.from(q).map((v) => Math.round((-1 + 0.01 * v) * 1e4) / 1e4));
    } finally {
      imported.dispose();
      model.dispose();
    }
  });

  it('names the layer, the weight and both shapes when a weight does not fit, and writes nothing', async () => {
    const model = stockModel();
    const dir = path.join(tmp, 'misfit');
    const { json } = await saveSharded(model, dir);
    model.dispose();
    // The topology says 4 units where the weights hold 5.
    const layers = ((json['modelTopology'] as { config: { layers: { config: { units?: number } }[] } }).config.layers);
    (layers[0] as { config: { units?: number } }).config.units = 4;
    fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify(json));
    const out = path.join(tmp, 'misfit.nwproj');
    await expect(importModelFile(path.join(dir, 'model.json'), { outPath: out, dataDir: path.join(tmp, 'home3') })).rejects.toThrow(/^Layer "dense_Dense\d+": weight kernel must be \[6, 4\] but the file's kernel is \[6, 5\]\.$/);
    expect(fs.existsSync(out)).toBe(false);
    expect(fs.existsSync(path.join(tmp, 'misfit.runs'))).toBe(false);
  });

  it('imports the topology alone, with a warning, when the shards are not beside the model.json', async () => {
    const model = stockModel();
    const dir = path.join(tmp, 'noshards');
    await saveSharded(model, dir);
    model.dispose();
    fs.rmSync(path.join(dir, 'group1-shard2of2.bin'));
    const result = await importModelFile(path.join(dir, 'model.json'), { outPath: path.join(tmp, 'noshards.nwproj'), dataDir: path.join(tmp, 'home4') });
    expect(result.runId).toBeNull();
    expect(result.warnings).toContain('The weights were not imported: group1-shard2of2.bin is not beside model.json.');
  });
});
