import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { OnnxGraph } from '../export/onnx-graph';
import { seededRandom } from '../trainer/random';
import { pythonModuleMissing, runPython } from '../export/python';
import { loadModelFromDir } from '../trainer/save-model';
import { runsRoot } from '../storage/runs';
import { importModelFile } from './import-model';
import { importOnnx } from './onnx';
import { convWeights, depthwiseWeights, flatRowOrder } from './onnx-helpers';

/**
 * ONNX models that are channels-first (as PyTorch makes them): imported, the project's model
 * (channels last, fed the same images transposed) must predict what onnxruntime does.
 */

beforeAll(async () => {
  await tf.setBackend('cpu');
});
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'netwright-onnx-import-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const rand = seededRandom(5);
const uniform = (n: number, scale = 0.5) => Float32Array.from({ length: n }, () => (rand() * 2 - 1) * scale);

/** NCHW images → NHWC. */
function toNhwc(data: Float32Array, [n, c, h, w]: readonly number[]): Float32Array {
  const out = new Float32Array(data.length);
  for (let b = 0; b < (n as number); b++)
    for (let ch = 0; ch < (c as number); ch++)
      for (let y = 0; y < (h as number); y++)
        for (let x = 0; x < (w as number); x++) out[((b * (h as number) + y) * (w as number) + x) * (c as number) + ch] = data[((b * (c as number) + ch) * (h as number) + y) * (w as number) + x] as number;
  return out;
}

async function onnxruntime(file: string, input: string, data: Float32Array, dims: readonly number[]): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(file, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  try {
    const out = await session.run({ [input]: new ort.Tensor('float32', data, [...dims]) });
    const first = out[session.outputNames[0] as string];
    if (!first) throw new Error('no output');
    return Float32Array.from(first.data as Float32Array);
  } finally {
    await session.release();
  }
}

/** Imports `file` and predicts `data` (already in the project's layout) with the imported run's model. */
async function importAndPredict(file: string, data: Float32Array, shape: readonly number[]): Promise<{ out: Float32Array; params: number; types: string[] }> {
  const home = path.join(tmp, `home-${path.basename(file)}`);
  const result = await importModelFile(file, { outPath: path.join(tmp, `${path.basename(file)}.nwproj`), dataDir: home });
  const model = await loadModelFromDir(path.join(runsRoot(home, result.path), result.runId as string));
  try {
    const out = tf.tidy(() => Float32Array.from((model.predict(tf.tensor(data, [...shape])) as tf.Tensor).dataSync()));
    return { out, params: model.countParams(), types: result.doc.graph.nodes.map((n) => n.type) };
  } finally {
    model.dispose();
  }
}

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
};

describe('layout helpers', () => {
  it('OIHW → HWIO, depthwise [c*m,1,h,w] → [h,w,c,m], and the C,H,W → H,W,C flattening order', () => {
    // o=2, i=1, 1x2 kernel: W[o][0][0][x] = 10*o + x.
    expect([...convWeights([0, 1, 10, 11], 2, 1, 1, 2)]).toEqual([0, 10, 1, 11]);
    // c=2, m=1, 1x1: depthwise is the identity reorder.
    expect([...depthwiseWeights([5, 6], 2, 1, 1, 1)]).toEqual([5, 6]);
    // h=1, w=2, c=2: ours (y0x0c0, y0x0c1, y0x1c0, y0x1c1) are ONNX's (0, 2, 1, 3).
    expect([...flatRowOrder([1, 2, 2])]).toEqual([0, 2, 1, 3]);
  });
});

describe('a channels-first CNN built by hand', () => {
  it('Conv (same and asymmetric pads), depthwise, BatchNorm, Add, MaxPool, Flatten → Gemm: same predictions as onnxruntime (1e-4)', async () => {
    const g = new OnnxGraph();
    const x = g.input('image', 'float32', ['batch', 2, 12, 12]);
    const c1 = g.op1('Conv', [x, g.weight('c1/w', [4, 2, 3, 3], uniform(72)), g.weight('c1/b', [4], uniform(4))], { pads: { ints: [1, 1, 1, 1] } }, 'c1');
    const r1 = g.op1('Relu', [c1], {}, 'r1');
    const c2 = g.op1('Conv', [r1, g.weight('c2/w', [4, 4, 3, 3], uniform(144))], { pads: { ints: [1, 0, 1, 2] } }, 'c2');
    const dw = g.op1('Conv', [r1, g.weight('dw/w', [8, 1, 3, 3], uniform(72)), g.weight('dw/b', [8], uniform(8))], { group: { i: 4 }, pads: { ints: [1, 1, 1, 1] } }, 'dw');
    const dwr = g.op1('LeakyRelu', [dw], { alpha: { f: 0.2 } }, 'dwr');
    const sq = g.op1('Conv', [dwr, g.weight('sq/w', [4, 8, 1, 1], uniform(32))], {}, 'sq');
    const bn = g.op1('BatchNormalization', [sq, g.weight('bn/s', [4], Float32Array.from(uniform(4), (v) => 1 + v)), g.weight('bn/b', [4], uniform(4)), g.weight('bn/m', [4], uniform(4)), g.weight('bn/v', [4], Float32Array.from(uniform(4), (v) => 1 + Math.abs(v)))], { epsilon: { f: 1e-5 } }, 'bn');
    // c2 shifts the image by its asymmetric pads (13 wide after padding 1+2, 3x3 valid → 12).
    const sum = g.op1('Add', [c2, bn], {}, 'sum');
    const pool = g.op1('MaxPool', [sum], { kernel_shape: { ints: [2, 2] }, strides: { ints: [2, 2] } }, 'pool');
    const flat = g.op1('Flatten', [pool], { axis: { i: 1 } }, 'flat');
    const fc = g.op1('Gemm', [flat, g.weight('fc/w', [5, 144], uniform(720, 0.2)), g.weight('fc/b', [5], uniform(5))], { transB: { i: 1 } }, 'fc');
    const out = g.op1('Softmax', [fc], { axis: { i: 1 } }, 'probs');
    g.output(out, 'float32', ['batch', 5]);
    const file = path.join(tmp, 'hand-cnn.onnx');
    fs.writeFileSync(file, g.encode('hand', ''));

    const dims = [3, 2, 12, 12];
    const data = Float32Array.from({ length: 3 * 2 * 144 }, () => rand());
    const expected = await onnxruntime(file, 'image', data, dims);
    const got = await importAndPredict(file, toNhwc(data, dims), [3, 12, 12, 2]);
    const diff = maxDiff(got.out, expected);
    console.log(`hand-built CNN: ${got.types.join(' → ')}; max difference ${diff.toExponential(2)}`);
    expect(diff).toBeLessThanOrEqual(1e-4);
    expect(got.params).toBe(g.paramCount());
    expect(got.types).toContain('DepthwiseConv2D');
    expect(got.types).toContain('ZeroPadding2D');
    // The flatten of NCHW is matched by the Dense's rows, not by a Permute layer.
    expect(got.types).not.toContain('Permute');
  }, 60_000);
});

describe('unsupported operations', () => {
  it('are named in one error (op type and node), nothing dropped', () => {
    const g = new OnnxGraph();
    const x = g.input('x', 'float32', ['batch', 4]);
    const s = g.op1('Shape', [x], {}, 'shape_of_x');
    const e = g.op1('Cos', [s], {}, 'wave');
    const y = g.op1('Relu', [e], {}, 'y');
    g.output(y, 'float32', ['batch', 4]);
    expect(() => importOnnx(g.encode('bad', ''))).toThrow('Netwright has no layer for these 2 ONNX operations: Shape (node "node/shape_of_x"), Cos (node "node/wave"). Nothing was imported.');
  });

  it('explains attributes Netwright cannot express (LeakyRelu alpha 0.01)', () => {
    const g = new OnnxGraph();
    const x = g.input('x', 'float32', ['batch', 4]);
    const d = g.op1('Gemm', [x, g.weight('w', [4, 3], uniform(12))], {}, 'fc');
    g.output(g.op1('LeakyRelu', [d], { alpha: { f: 0.01 } }, 'act'), 'float32', ['batch', 3]);
    expect(() => importOnnx(g.encode('alpha', ''))).toThrow(/LeakyRelu \(node "node\/act"\): alpha 0\.01\d* is not supported: Netwright's leakyRelu has alpha 0\.2\./);
  });
});

describe('models exported by PyTorch (torch.onnx.export)', () => {
  const script = `
import sys, inspect, torch, torch.nn as nn
kw = {'dynamo': False} if 'dynamo' in inspect.signature(torch.onnx.export).parameters else {}
torch.manual_seed(0)
out = sys.argv[1]
mlp = nn.Sequential(nn.Flatten(), nn.Linear(784, 64), nn.ReLU(), nn.Dropout(0.2), nn.Linear(64, 32), nn.Tanh(), nn.Linear(32, 10), nn.Softmax(dim=1)).eval()
torch.onnx.export(mlp, torch.rand(1, 1, 28, 28), out + '/mlp.onnx', input_names=['x'], output_names=['y'], dynamic_axes={'x': {0: 'batch'}, 'y': {0: 'batch'}}, **kw)
cnn = nn.Sequential(
    nn.Conv2d(1, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(8, 16, 3, stride=2, padding=1), nn.ReLU(),
    nn.Conv2d(16, 16, 3, padding=1, groups=16), nn.Sigmoid(),
    nn.Flatten(), nn.Linear(16 * 7 * 7, 10)).eval()
with torch.no_grad():
    cnn[1].running_mean.uniform_(-0.5, 0.5); cnn[1].running_var.uniform_(0.5, 1.5)
torch.onnx.export(cnn, torch.rand(1, 1, 28, 28), out + '/cnn.onnx', input_names=['x'], output_names=['y'], dynamic_axes={'x': {0: 'batch'}, 'y': {0: 'batch'}}, **kw)
print('ok')
`;
  let missing: string | null = null;
  beforeAll(async () => {
    missing = (await pythonModuleMissing('torch')) ?? (await pythonModuleMissing('onnx'));
    if (missing) return;
    const r = await runPython(['-c', script, tmp], { timeoutMs: 180_000 });
    if (!r.stdout.includes('ok')) throw new Error(`torch.onnx.export failed: ${r.stderr.slice(-2000)}`);
  }, 200_000);

  it.each(['mlp', 'cnn'])('%s: imported, predicts what onnxruntime does (1e-4)', async (name) => {
    if (missing) return console.warn(`skipped: ${missing}`);
    const file = path.join(tmp, `${name}.onnx`);
    const dims = [4, 1, 28, 28];
    const data = Float32Array.from({ length: 4 * 784 }, () => rand());
    const expected = await onnxruntime(file, 'x', data, dims);
    const got = await importAndPredict(file, toNhwc(data, dims), [4, 28, 28, 1]);
    const diff = maxDiff(got.out, expected);
    console.log(`PyTorch ${name}: ${got.types.join(' → ')}; max difference ${diff.toExponential(2)}`);
    expect(diff).toBeLessThanOrEqual(1e-4);
  }, 60_000);
});
