import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { loadBestBackend } from './backend-loader';
import { registerCustomLayers } from './custom-layers';
import { l2, traceModel } from './trace';
import { perSampleLoss } from './optimizers';
import { nodeIdsByLayer } from './explain';
import { buildModelFromDoc } from './build-model';
import { residualCnnDoc } from './test-helpers';
import { modelGraph } from '../../shared/graph/analyze-blocks';

/**
 * Step mode's numbers: the loss's gradient norm at each layer's output and at
 * each weight, against central differences of the loss computed with `predict`.
 */

beforeAll(async () => {
  await loadBestBackend();
  registerCustomLayers();
});

const Y = Float32Array.from([0, 1, 0]);
const X = Float32Array.from([0.4, -0.7, 1.1, 0.2]);

/** in(4) -> d1(tanh) -> d2(tanh); Add(d1, d2) -> out(softmax 3): a merge, so d1's gradient arrives by two paths. */
function residualMlp(): { model: tf.LayersModel; d2: tf.layers.Layer; out: tf.layers.Layer } {
  const input = tf.input({ shape: [4], name: 'x' });
  const d1 = tf.layers.dense({ units: 5, activation: 'tanh', name: 'd1' }).apply(input) as tf.SymbolicTensor;
  const d2Layer = tf.layers.dense({ units: 5, activation: 'tanh', name: 'd2' });
  const d2 = d2Layer.apply(d1) as tf.SymbolicTensor;
  const sum = tf.layers.add({ name: 'sum' }).apply([d1, d2]) as tf.SymbolicTensor;
  const outLayer = tf.layers.dense({ units: 3, activation: 'softmax', name: 'out' });
  const model = tf.model({ inputs: input, outputs: outLayer.apply(sum) as tf.SymbolicTensor });
  let s = 7;
  const r = () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32) * 1.2 - 0.6;
  model.setWeights(model.getWeights().map((w) => tf.tensor(Float32Array.from({ length: w.size }, r), w.shape)));
  return { model, d2: d2Layer, out: outLayer };
}

function lossOf(model: tf.LayersModel, x: Float32Array): number {
  return tf.tidy(() => tf.mean(perSampleLoss('categoricalCrossentropy', tf.tensor2d(Y, [1, 3]), model.predict(tf.tensor2d(x, [1, 4])) as tf.Tensor)).dataSync()[0] as number);
}

const EPS = 1e-2;
const close = (actual: number, expected: number) => expect(Math.abs(actual - expected), `${actual} against ${expected}`).toBeLessThanOrEqual(1e-3 + 2e-2 * Math.abs(expected));

describe('stepping one example through a model', () => {
  it('runs forward in graph order, each output as predict gives it, and the loss as training computes it', () => {
    const { model } = residualMlp();
    const x = tf.tensor2d(X, [1, 4]);
    const t = traceModel(model, x, Y, 'categoricalCrossentropy');
    expect(t.layers.map((l) => [l.layer, l.inputs])).toEqual([
      ['x', []],
      ['d1', ['x']],
      ['d2', ['d1']],
      ['sum', ['d1', 'd2']],
      ['out', ['sum']],
    ]);
    expect(t.loss).toBeCloseTo(lossOf(model, X), 5);
    const predicted = tf.tidy(() => Array.from((model.predict(x) as tf.Tensor).dataSync()));
    t.output.forEach((v, i) => expect(v).toBeCloseTo(predicted[i] as number, 6));
    const out = t.layers.at(-1)?.output;
    expect(out?.kind === 'vector' ? out.values : []).toEqual(t.output.map((v) => expect.closeTo(v, 6)));
    x.dispose();
    model.dispose();
  });

  it('gives ∂loss/∂input and ∂loss/∂weight norms that match finite differences', () => {
    const { model, d2 } = residualMlp();
    const x = tf.tensor2d(X, [1, 4]);
    const t = traceModel(model, x, Y, 'categoricalCrossentropy');
    // The input: perturb each value.
    const gx = Array.from(X, (_, i) => {
      const plus = X.slice();
      const minus = X.slice();
      plus[i] = (plus[i] as number) + EPS;
      minus[i] = (minus[i] as number) - EPS;
      return (lossOf(model, plus) - lossOf(model, minus)) / (2 * EPS);
    });
    close(t.layers[0]?.gradientNorm ?? NaN, l2(gx));
    // d2's kernel and bias: perturb each weight value.
    const weights = d2.getWeights();
    const fdNorms = weights.map((w, wi) => {
      const values = w.dataSync().slice();
      const g = Array.from(values, (_, i) => {
        const at = (delta: number) => {
          const v = values.slice();
          v[i] = (v[i] as number) + delta;
          d2.setWeights(weights.map((o, oi) => (oi === wi ? tf.tensor(v, w.shape) : o)));
          return lossOf(model, X);
        };
        return (at(EPS) - at(-EPS)) / (2 * EPS);
      });
      d2.setWeights(weights);
      return l2(g);
    });
    const traced = t.layers.find((l) => l.layer === 'd2');
    expect(traced?.weightGradients.map((w) => w.name)).toEqual(['kernel', 'bias']);
    close(traced?.weightGradients[0]?.norm ?? NaN, fdNorms[0] as number);
    close(traced?.weightGradients[1]?.norm ?? NaN, fdNorms[1] as number);
    expect(t.layers.find((l) => l.layer === 'sum')?.weightGradients).toEqual([]);
    x.dispose();
    model.dispose();
  });

  it('gives ∂loss/∂output of an inner layer that feeds a merge by two paths, matching finite differences', () => {
    const { model } = residualMlp();
    const x = tf.tensor2d(X, [1, 4]);
    const t = traceModel(model, x, Y, 'categoricalCrossentropy');
    // The rest of the network after d1, as a model over the same layers' weights.
    const headIn = tf.input({ shape: [5] });
    const h2 = tf.layers.dense({ units: 5, activation: 'tanh' });
    const hOut = tf.layers.dense({ units: 3, activation: 'softmax' });
    const head = tf.model({ inputs: headIn, outputs: hOut.apply(tf.layers.add().apply([headIn, h2.apply(headIn) as tf.SymbolicTensor])) as tf.SymbolicTensor });
    h2.setWeights(model.getLayer('d2').getWeights());
    hOut.setWeights(model.getLayer('out').getWeights());
    const a = tf.tidy(() => (model.getLayer('d1').apply(x) as tf.Tensor).dataSync().slice() as Float32Array);
    const headLoss = (v: Float32Array) => tf.tidy(() => tf.mean(perSampleLoss('categoricalCrossentropy', tf.tensor2d(Y, [1, 3]), head.predict(tf.tensor2d(v, [1, 5])) as tf.Tensor)).dataSync()[0] as number);
    const g = Array.from(a, (_, i) => {
      const plus = a.slice();
      const minus = a.slice();
      plus[i] = (plus[i] as number) + EPS;
      minus[i] = (minus[i] as number) - EPS;
      return (headLoss(plus) - headLoss(minus)) / (2 * EPS);
    });
    close(t.layers.find((l) => l.layer === 'd1')?.gradientNorm ?? NaN, l2(g));
    // The Add passes the same gradient to both inputs: ∂loss/∂sum = ∂loss/∂d2 (before d2's own path is added).
    expect(t.layers.find((l) => l.layer === 'sum')?.gradientNorm).toBeGreaterThan(0);
    x.dispose();
    model.dispose();
    head.dispose();
  });

  it('names the graph node of every layer, inside blocks too', () => {
    const doc = residualCnnDoc();
    const { model } = buildModelFromDoc(doc);
    const ids = nodeIdsByLayer(modelGraph(doc));
    const nodes = model.layers.map((l) => ids.get(l.name));
    expect(nodes.every((n) => n !== undefined)).toBe(true);
    expect(nodes).toContain('in');
    expect(nodes.filter((n) => n?.startsWith('r1/')).length).toBeGreaterThan(2);
    expect(nodes.filter((n) => n?.startsWith('r2/')).length).toBe(nodes.filter((n) => n?.startsWith('r1/')).length);
    model.dispose();
  });

  it('steps through a graph with residual blocks: every layer has an output and a gradient', () => {
    const { model } = buildModelFromDoc(residualCnnDoc());
    const x = tf.randomUniform([1, 8, 8, 1], 0, 1, 'float32', 3);
    const y = new Float32Array(10);
    y[4] = 1;
    const t = traceModel(model, x, y, 'categoricalCrossentropy');
    expect(t.layers.length).toBe(model.layers.length);
    for (const l of t.layers) {
      expect(l.gradientNorm, l.layer).not.toBeNull();
      expect(Number.isFinite(l.gradientNorm)).toBe(true);
    }
    expect(t.layers.filter((l) => l.className === 'Add').length).toBe(2);
    expect(t.layers.find((l) => l.className === 'Conv2D')?.output.kind).toBe('maps');
    x.dispose();
    model.dispose();
  });
});
