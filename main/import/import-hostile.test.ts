import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { onnx } from 'onnx-proto';
import { importModelFile } from './import-model';
import { ImportError } from './keras-json';
import { loadExportSource } from '../export/source';
import { onnxModel } from '../export/onnx';
import { randomizedRun } from '../export/test-support';
import { chain, docWithGraph } from '../trainer/test-helpers';

/**
 * Model files made to attack the importer (issue 14): weight shards that point outside the
 * model's folder, ONNX tensors kept in external files or declaring sizes they do not hold, graphs
 * too large to convert, and paths that are not files at all. Each is refused with an ImportError
 * that names the problem, quickly, and reads nothing outside the model's folder.
 */

beforeAll(async () => {
  await tf.setBackend('cpu');
});
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'netwright-import-hostile-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const smallDoc = () => docWithGraph(chain(['in', 'Input', { shape: [4] }], ['h', 'Dense', { units: 3 }], ['o', 'Dense', { units: 2, activation: 'softmax' }]));

async function importError(file: string): Promise<ImportError> {
  const home = fs.mkdtempSync(path.join(tmp, 'home-'));
  const error = await importModelFile(file, { dataDir: home, outPath: path.join(home, 'p.nwproj') }).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ImportError);
  return error as ImportError;
}

describe('model.json weight shards stay in the model folder', () => {
  let json: { weightsManifest: { paths: string[] }[] } & Record<string, unknown>;
  let weights: Buffer;
  beforeAll(async () => {
    const run = await randomizedRun(smallDoc(), 4);
    json = JSON.parse(fs.readFileSync(path.join(run, 'model.json'), 'utf8')) as typeof json;
    weights = fs.readFileSync(path.join(run, 'weights.bin'));
    fs.rmSync(run, { recursive: true, force: true });
  });

  /** A model folder whose model.json names `shard`; the "secret" outside holds bytes that would decode as the weights. */
  function modelWithShard(name: string, shard: (dir: string, secret: string) => string): string {
    const dir = path.join(tmp, name, 'model');
    const secret = path.join(tmp, name, 'secret.bin');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(secret, weights);
    const manifest = json.weightsManifest.map((g) => ({ ...g, paths: [shard(dir, secret)] }));
    fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify({ ...json, weightsManifest: manifest }));
    return path.join(dir, 'model.json');
  }

  it('refuses a shard path with .. that leaves the folder, naming it', async () => {
    const e = await importError(modelWithShard('dotdot', () => '../secret.bin'));
    expect(e.message).toMatch(/Weight shard "\.\.\/secret\.bin" is outside the model's folder/);
  });

  it('refuses an absolute shard path', async () => {
    const e = await importError(modelWithShard('absolute', (_dir, secret) => secret));
    expect(e.message).toContain(`Weight shard "${path.join(tmp, 'absolute', 'secret.bin')}" is not a file name beside the model.json`);
  });

  it('refuses a shard that is a symbolic link to a file outside the folder', async () => {
    const e = await importError(
      modelWithShard('linked', (dir, secret) => {
        fs.symlinkSync(secret, path.join(dir, 'weights.bin'));
        return 'weights.bin';
      }),
    );
    expect(e.message).toMatch(/Weight shard "weights\.bin" is outside the model's folder/);
  });

  it('refuses a manifest that declares more weights than its shards hold, before decoding', async () => {
    const dir = path.join(tmp, 'declared', 'model');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'weights.bin'), weights.subarray(0, 16));
    fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify({ ...json, weightsManifest: json.weightsManifest.map((g) => ({ ...g, paths: ['weights.bin'] })) }));
    const e = await importError(path.join(dir, 'model.json'));
    expect(e.message).toMatch(/declares [\d,]+ bytes of weights but its shards \(weights\.bin\) hold 16/);
  });

  it('still imports the same model when its shard is beside it', async () => {
    const file = modelWithShard('fine', (dir, secret) => {
      fs.copyFileSync(secret, path.join(dir, 'weights.bin'));
      return 'weights.bin';
    });
    const home = fs.mkdtempSync(path.join(tmp, 'home-'));
    const r = await importModelFile(file, { dataDir: home, outPath: path.join(home, 'p.nwproj') });
    expect(r.runId).not.toBeNull();
  });
});

describe('ONNX files that declare what they do not hold', () => {
  let model: onnx.ModelProto;
  beforeAll(async () => {
    const source = await loadExportSource(smallDoc(), null);
    try {
      model = onnx.ModelProto.decode(onnxModel(source.info, 'm').bytes);
    } finally {
      source.model.dispose();
    }
  });
  const write = (name: string, m: onnx.IModelProto) => {
    const file = path.join(tmp, `${name}.onnx`);
    fs.writeFileSync(file, onnx.ModelProto.encode(onnx.ModelProto.create(m)).finish());
    return file;
  };
  const weightIndex = () => (model.graph?.initializer ?? []).findIndex((t) => !(t.name ?? '').startsWith('const/'));

  it('refuses a weight kept in an external file (the path is never opened)', async () => {
    const m = onnx.ModelProto.decode(onnx.ModelProto.encode(model).finish());
    const t = m.graph?.initializer?.[weightIndex()] as onnx.TensorProto;
    t.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
    t.externalData = [onnx.StringStringEntryProto.create({ key: 'location', value: '../../../../etc/passwd' })];
    t.rawData = new Uint8Array();
    const e = await importError(write('external', m));
    expect(e.message).toMatch(/keeps its data in an external file/);
  });

  it('refuses an initializer that declares a huge shape with no data, without allocating it', async () => {
    const m = onnx.ModelProto.decode(onnx.ModelProto.encode(model).finish());
    const t = m.graph?.initializer?.[weightIndex()] as onnx.TensorProto;
    t.dims = [100_000, 100_000];
    const e = await importError(write('huge', m));
    expect(e.message).toMatch(/declares 10,000,000,000 values; Netwright imports tensors of at most/);
    t.dims = [4000, 4000]; // within the limit, but the file holds only the original few values
    const e2 = await importError(write('short', m));
    expect(e2.message).toMatch(/declares 16,000,000 values \[4000, 4000\] but the file holds \d+/);
  });

  it('refuses a graph of 50,000 operations at the start', async () => {
    const m = onnx.ModelProto.decode(onnx.ModelProto.encode(model).finish());
    const g = m.graph as onnx.GraphProto;
    const first = g.input[0]?.name as string;
    g.node = Array.from({ length: 50_000 }, (_, i) => onnx.NodeProto.create({ opType: 'Relu', input: [i === 0 ? first : `r${i - 1}`], output: [`r${i}`], name: `relu${i}` }));
    const e = await importError(write('many-nodes', m));
    expect(e.message).toMatch(/has 50,000 operations; Netwright imports graphs of at most 5,000/);
  });
});

describe('model.json too large to convert', () => {
  it('refuses a model.json listing 50,000 layers at the start', async () => {
    const layers: unknown[] = [{ name: 'x', class_name: 'InputLayer', config: { batch_input_shape: [null, 4], dtype: 'float32', name: 'x' }, inbound_nodes: [] }];
    for (let i = 0; i < 50_000; i++) {
      layers.push({ name: `a${i}`, class_name: 'Activation', config: { name: `a${i}`, activation: 'relu' }, inbound_nodes: [[[i === 0 ? 'x' : `a${i - 1}`, 0, 0, {}]]] });
    }
    const file = path.join(tmp, 'many-layers.json');
    fs.writeFileSync(file, JSON.stringify({ modelTopology: { class_name: 'Model', config: { name: 'm', layers, input_layers: [['x', 0, 0]], output_layers: [['a49999', 0, 0]] } } }));
    const started = Date.now();
    const e = await importError(file);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(e.message).toMatch(/The model lists 50,001 layers; a project holds at most 5,000\. Nothing was imported/);
  });
});

describe('paths that are not files', () => {
  it('a FIFO given as the model is refused at once instead of blocking the read', async () => {
    const fifo = path.join(tmp, 'model.onnx');
    execFileSync('mkfifo', [fifo]);
    const e = await importError(fifo);
    expect(e.message).toMatch(/is a named pipe \(FIFO\), not a file/);
  });

  it('/dev/zero given as the model is refused instead of read forever', async () => {
    const e = await importError('/dev/zero');
    expect(e.message).toMatch(/\/dev\/zero is a device, not a file/);
  });
});
