import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { netwrightKernelNames, stockKernel, withStockKernels } from './index';
import { maxRelDiff, prepareNativeBackend, randomArray, rng, runOn } from './test-support';

let native = false;
beforeAll(async () => {
  native = await prepareNativeBackend();
});

const input = (values: number[]) => ({ x: { values: Float32Array.from(values), shape: [values.length], dtype: 'float32' as const } });

describe("the native backend's Step kernel", () => {
  it('is registered for tensorflow only', () => {
    expect(netwrightKernelNames('tensorflow')).toContain('Step');
    expect(netwrightKernelNames('wasm')).not.toContain('Step');
  });

  it("gives stock tfjs's step: 1 above 0, 0 at and below, NaN kept; alpha other than 0 goes to the stock kernel", (ctx) => {
    if (!native) ctx.skip();
    const values = [-3, -0, 0, 1e-30, 2.5, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
    const [ours] = runOn('tensorflow', 'Step', input(values), { alpha: 0 });
    expect(Array.from(ours!.values)).toEqual([0, 0, 0, 1, 1, Number.NaN, 1, 0]);
    const [cpu] = runOn('cpu', 'Step', input(values), { alpha: 0 });
    expect(Array.from(ours!.values)).toEqual(Array.from(cpu!.values));
    const [leaky] = runOn('tensorflow', 'Step', input(values), { alpha: 0.25 });
    expect(Array.from(leaky!.values)).toEqual([0.25, 0.25, 0.25, 1, 1, Number.NaN, 1, 0.25]);
    expect(stockKernel('Step', 'tensorflow')).not.toBeNull();
    expect(tf.getKernel('Step', 'tensorflow')?.kernelFunc).not.toBe(stockKernel('Step', 'tensorflow')?.kernelFunc);
  });
});

describe("the native backend's MaxPool and MaxPoolGrad (oneDNN)", () => {
  it("gives TensorFlow's own gradient: pool sizes, strides, both paddings, odd sizes and ties", (ctx) => {
    if (!native) ctx.skip();
    tf.setBackend('tensorflow');
    const rand = rng(21);
    const cases = [
      { shape: [4, 26, 26, 16], filterSize: 2, strides: 2, pad: 'valid' as const, ties: false },
      { shape: [4, 11, 11, 8], filterSize: 2, strides: 2, pad: 'valid' as const, ties: true },
      { shape: [2, 9, 7, 3], filterSize: 3, strides: 2, pad: 'same' as const, ties: false },
      { shape: [2, 9, 7, 3], filterSize: 2, strides: 2, pad: 'same' as const, ties: true },
      { shape: [2, 9, 7, 3], filterSize: 3, strides: 2, pad: 'same' as const, ties: true },
      { shape: [2, 8, 8, 5], filterSize: [3, 2], strides: [1, 2], pad: 'valid' as const, ties: false },
    ];
    for (const c of cases) {
      const size = c.shape.reduce((a, b) => a * b, 1);
      // Ties: rounded values with many zeros, as after a ReLU.
      const values = randomArray(size, rand).map((v) => (c.ties ? Math.max(0, Math.round(v * 3)) : v));
      const x = tf.tensor4d(values, c.shape as [number, number, number, number]);
      const y = tf.maxPool(x, c.filterSize as [number, number], c.strides as [number, number], c.pad);
      const dy = tf.tensor(randomArray(y.size, rand), y.shape);
      const attrs = { filterSize: c.filterSize, strides: c.strides, pad: c.pad };
      const run = () => {
        const g = tf.engine().runKernel('MaxPoolGrad', { dy, input: x, output: y }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
        const out = Array.from(g.dataSync());
        g.dispose();
        return out;
      };
      const ours = run();
      const stock = withStockKernels('tensorflow', run);
      // The forward pool through oneDNN: the same maxima as TensorFlow's MaxPool.
      const yStock = withStockKernels('tensorflow', () => tf.maxPool(x, c.filterSize as [number, number], c.strides as [number, number], c.pad));
      expect(Array.from(y.dataSync()), JSON.stringify(c)).toEqual(Array.from(yStock.dataSync()));
      yStock.dispose();
      // Overlapping windows add up gradients in another order: equal to rounding.
      if (c.filterSize === c.strides) expect(ours, JSON.stringify(c)).toEqual(stock);
      else expect(maxRelDiff(ours, stock), JSON.stringify(c)).toBeLessThan(1e-6);
      tf.dispose([x, y, dy]);
    }
  });
});

describe("the native backend's _FusedMatMul", () => {
  it("gives tfjs-node's result for each activation, with and without bias and transposes", (ctx) => {
    if (!native) ctx.skip();
    tf.setBackend('tensorflow');
    const rand = rng(33);
    for (const activation of ['linear', 'relu', 'relu6', 'elu', 'sigmoid', 'leakyrelu', 'prelu'] as const) {
      for (const [transposeA, transposeB] of [
        [false, false],
        [true, false],
        [false, true],
      ] as const) {
        const a = tf.tensor(randomArray(2 * 6 * 5, rand), transposeA ? [2, 5, 6] : [2, 6, 5]);
        const b = tf.tensor(randomArray(2 * 5 * 4, rand), transposeB ? [2, 4, 5] : [2, 5, 4]);
        const bias = tf.tensor1d(randomArray(4, rand));
        const alpha = tf.tensor1d(randomArray(4, rand));
        for (const withBias of [true, false]) {
          const run = () => {
            const inputs: Record<string, tf.Tensor> = { a, b, ...(withBias ? { bias } : {}), ...(activation === 'prelu' ? { preluActivationWeights: alpha } : {}) };
            const out = tf.engine().runKernel('_FusedMatMul', inputs, { transposeA, transposeB, activation, leakyreluAlpha: 0.3 } as unknown as tf.NamedAttrMap) as tf.Tensor;
            const values = { shape: out.shape, values: Array.from(out.dataSync()) };
            out.dispose();
            return values;
          };
          const ours = run();
          const stock = withStockKernels('tensorflow', run);
          const label = `${activation} tA=${transposeA} tB=${transposeB} bias=${withBias}`;
          expect(ours.shape, label).toEqual(stock.shape);
          expect(maxRelDiff(ours.values, stock.values), label).toBeLessThan(1e-6);
        }
        tf.dispose([a, b, bias, alpha]);
      }
    }
  });
});
