import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { netwrightKernelNames, stockKernel, withStockKernels } from './index';
import { maxRelDiff, prepareBackends, randomArray, rng, runOn, type KernelInput } from './test-support';

beforeAll(async () => {
  await prepareBackends();
});

const f32 = (values: Float32Array, shape: number[]): KernelInput => ({ values, shape, dtype: 'float32' });

/** Our kernel on wasm and on cpu, each against stock tfjs cpu. */
function expectMatchesStockCpu(kernelName: string, inputs: Record<string, KernelInput>, attrs: Record<string, unknown>, tol = 1e-5): void {
  const reference = withStockKernels('cpu', () => runOn('cpu', kernelName, inputs, attrs));
  for (const backend of ['wasm', 'cpu']) {
    const ours = runOn(backend, kernelName, inputs, attrs);
    expect(ours.length, `${kernelName} on ${backend}: output count`).toBe(reference.length);
    ours.forEach((o, i) => {
      const ref = reference[i] as { values: Float32Array; shape: number[] };
      expect(o.shape, `${kernelName} on ${backend}: shape`).toEqual(ref.shape);
      expect(maxRelDiff(o.values, ref.values), `${kernelName} on ${backend} ${JSON.stringify(attrs)}`).toBeLessThanOrEqual(tol);
    });
  }
}

interface ConvCase {
  n: number;
  h: number;
  w: number;
  c: number;
  o: number;
  fh: number;
  fw: number;
  strides: [number, number];
  dilations: [number, number];
  pad: 'same' | 'valid';
}

/** Random conv geometries, always including batch 1, odd sizes, strides 1-3 and both paddings. */
function convCases(seed: number, count: number, allowDilation: boolean): ConvCase[] {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const cases: ConvCase[] = [];
  while (cases.length < count) {
    const strides: [number, number] = pick([[1, 1], [2, 2], [1, 2], [3, 3], [2, 1]] as const).slice() as [number, number];
    const dil = allowDilation && strides[0] === 1 && strides[1] === 1 && r() < 0.4 ? 2 : 1;
    const c: ConvCase = {
      n: cases.length === 0 ? 1 : pick([1, 2, 3]),
      h: 3 + Math.floor(r() * 8),
      w: 3 + Math.floor(r() * 8),
      c: pick([1, 2, 3, 5]),
      o: pick([1, 2, 4, 7]),
      fh: pick([1, 2, 3]),
      fw: pick([1, 3, 5]),
      strides,
      dilations: [dil, dil],
      pad: cases.length % 2 === 0 ? 'same' : 'valid',
    };
    const effH = (c.fh - 1) * dil + 1;
    const effW = (c.fw - 1) * dil + 1;
    if (c.pad === 'valid' && (effH > c.h || effW > c.w)) continue;
    cases.push(c);
  }
  return cases;
}

function outSize(c: ConvCase, depthwise: boolean, m = 1): number[] {
  const info = tf.backend_util.computeConv2DInfo([c.n, c.h, c.w, c.c], [c.fh, c.fw, c.c, depthwise ? m : c.o], c.strides, c.dilations, c.pad, undefined, depthwise);
  return [c.n, info.outHeight, info.outWidth, info.outChannels];
}

describe('Netwright kernels match stock tfjs cpu', () => {
  it('registers what stock wasm lacks', () => {
    for (const name of ['Conv2DBackpropFilter', 'DepthwiseConv2dNativeBackpropFilter', 'DepthwiseConv2dNativeBackpropInput', 'UnsortedSegmentSum']) {
      expect(stockKernel(name, 'wasm'), `${name} should be missing from stock wasm`).toBeNull();
      expect(netwrightKernelNames('wasm')).toContain(name);
      expect(tf.getKernel(name, 'wasm')).toBeDefined();
    }
  });

  it('Conv2DBackpropFilter and Conv2DBackpropInput', () => {
    const r = rng(1);
    for (const c of convCases(11, 16, false)) {
      const dyShape = outSize(c, false);
      const x = f32(randomArray(c.n * c.h * c.w * c.c, r), [c.n, c.h, c.w, c.c]);
      const dy = f32(randomArray(dyShape.reduce((a, b) => a * b, 1), r), dyShape);
      const filterShape = [c.fh, c.fw, c.c, c.o];
      const filter = f32(randomArray(filterShape.reduce((a, b) => a * b, 1), r), filterShape);
      const common = { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', dimRoundingMode: undefined };
      expectMatchesStockCpu('Conv2DBackpropFilter', { x, dy }, { ...common, filterShape });
      expectMatchesStockCpu('Conv2DBackpropInput', { dy, filter }, { ...common, inputShape: [c.n, c.h, c.w, c.c] });
    }
  });

  it('depthwise backprop filter and input, with depth multipliers', () => {
    const r = rng(2);
    // Stock cpu ignores dilations in these kernels (tfjs's gradient refuses dilated depthwise
    // convolutions before reaching them), so there is no stock reference for dilation.
    for (const c of convCases(12, 16, false)) {
      const m = 1 + Math.floor(r() * 3);
      const dyShape = outSize(c, true, m);
      const x = f32(randomArray(c.n * c.h * c.w * c.c, r), [c.n, c.h, c.w, c.c]);
      const dy = f32(randomArray(dyShape.reduce((a, b) => a * b, 1), r), dyShape);
      const filterShape = [c.fh, c.fw, c.c, m];
      const filter = f32(randomArray(filterShape.reduce((a, b) => a * b, 1), r), filterShape);
      const common = { strides: c.strides, dilations: c.dilations, pad: c.pad, dimRoundingMode: undefined };
      expectMatchesStockCpu('DepthwiseConv2dNativeBackpropFilter', { x, dy }, { ...common, filterShape });
      expectMatchesStockCpu('DepthwiseConv2dNativeBackpropInput', { dy, filter }, { ...common, inputShape: [c.n, c.h, c.w, c.c] });
    }
  });

  it('MaxPoolGrad', () => {
    const r = rng(3);
    for (const c of convCases(13, 12, false)) {
      const size = [Math.min(c.fh + 1, c.h), Math.min(c.fw, c.w)];
      const x = f32(randomArray(c.n * c.h * c.w * c.c, r), [c.n, c.h, c.w, c.c]);
      const attrs = { filterSize: size, strides: c.strides, pad: c.pad, dimRoundingMode: undefined };
      const [pooled] = runOn('cpu', 'MaxPool', { x }, attrs);
      if (!pooled) throw new Error('no pooled output');
      const dy = f32(randomArray(pooled.values.length, r), pooled.shape);
      expectMatchesStockCpu('MaxPoolGrad', { dy, input: x, output: f32(pooled.values, pooled.shape) }, attrs);
    }
  });

  it('UnsortedSegmentSum with repeated and missing ids', () => {
    const r = rng(4);
    for (const [rows, inner, numSegments, idsShape] of [
      [1, 1, 1, [1]],
      [7, 3, 5, [7]],
      [12, 4, 50, [12]],
      [33, 1, 4, [33]],
      [64, 16, 1000, [64]],
    ] as const) {
      const ids = new Int32Array(rows);
      for (let i = 0; i < rows; i++) ids[i] = Math.floor(r() * Math.min(numSegments, 1 + rows / 2));
      const x = f32(randomArray(rows * inner, r), [...idsShape, inner]);
      expectMatchesStockCpu('UnsortedSegmentSum', { x, segmentIds: { values: ids, shape: [...idsShape], dtype: 'int32' } }, { numSegments });
    }
  });

  it('Slice, Unpack and Tile on wasm match cpu for ranks 1-5, partial and whole dims', () => {
    const r = rng(5);
    for (let k = 0; k < 40; k++) {
      const rank = 1 + (k % 5);
      const shape = Array.from({ length: rank }, () => 1 + Math.floor(r() * 5));
      const begin = shape.map((d) => Math.floor(r() * d));
      const size = shape.map((d, i) => (r() < 0.3 ? -1 : 1 + Math.floor(r() * (d - (begin[i] as number)))));
      const x = f32(randomArray(shape.reduce((a, b) => a * b, 1), r), shape);
      expectMatchesStockCpu('Slice', { x }, { begin, size }, 0);
      const axis = Math.floor(r() * rank) - (k % 3 === 0 ? rank : 0);
      expectMatchesStockCpu('Unpack', { value: x }, { axis }, 0);
      const reps = shape.map(() => 1 + Math.floor(r() * 3));
      expectMatchesStockCpu('Tile', { x }, { reps }, 0);
    }
  });
});

describe('BatchMatMul with transposed operands', () => {
  // _FusedMatMul takes the same path; the layer matrix covers it through Dense layers' gradients.
  it('matches stock cpu for every transpose combination, batched and broadcast', () => {
    const r = rng(9);
    for (const [aShape, bShape] of [
      [[5, 7], [7, 3]],
      [[2, 4, 6], [2, 6, 5]],
      [[1, 1], [1, 9]],
      [[3, 8, 2], [1, 2, 4]],
    ] as const) {
      for (const transposeA of [false, true]) {
        for (const transposeB of [false, true]) {
          const swap = (s: readonly number[], t: boolean): number[] => (t ? [...s.slice(0, -2), s[s.length - 1] as number, s[s.length - 2] as number] : [...s]);
          const as = swap(aShape, transposeA);
          const bs = swap(bShape, transposeB);
          const a = f32(randomArray(as.reduce((x, y) => x * y, 1), r), as);
          const b = f32(randomArray(bs.reduce((x, y) => x * y, 1), r), bs);
          expectMatchesStockCpu('BatchMatMul', { a, b }, { transposeA, transposeB });
        }
      }
    }
  });
});

describe('GatherV2', () => {
  it('matches stock cpu on every axis, with repeated indices and 2-D index tensors', () => {
    const r = rng(8);
    for (const [shape, axis, idxShape] of [
      [[10, 3], 0, [7]],
      [[4, 5, 6], 1, [2, 3]],
      [[3, 4, 70], 0, [5]],
      [[2, 3, 4], 2, [4]],
      [[1], 0, [1]],
    ] as const) {
      const dim = shape[axis] as number;
      const idx = Int32Array.from({ length: idxShape.reduce((a: number, b: number) => a * b, 1) }, () => Math.floor(r() * dim));
      const x = f32(randomArray((shape as readonly number[]).reduce((a, b) => a * b, 1), r), [...shape]);
      expectMatchesStockCpu('GatherV2', { x, indices: { values: idx, shape: [...idxShape], dtype: 'int32' } }, { axis, batchDims: 0 }, 0);
    }
  });
});

describe('ResizeNearestNeighborGrad', () => {
  it('is the adjoint of the forward resize: <resize(x), dy> = <x, grad(dy)>, on both backends', () => {
    const r = rng(7);
    const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
      let s = 0;
      for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
      return s;
    };
    for (const [inH, inW, outH, outW] of [[3, 3, 6, 6], [2, 5, 4, 10], [3, 4, 7, 5], [1, 1, 3, 2]] as const) {
      for (const alignCorners of [false, true]) {
        for (const halfPixelCenters of alignCorners ? [false] : [false, true]) {
          const images = f32(randomArray(2 * inH * inW * 3, r), [2, inH, inW, 3]);
          const dy = f32(randomArray(2 * outH * outW * 3, r), [2, outH, outW, 3]);
          const attrs = { alignCorners, halfPixelCenters };
          for (const backend of ['wasm', 'cpu']) {
            const [y] = runOn(backend, 'ResizeNearestNeighbor', { images }, { ...attrs, size: [outH, outW] });
            const [dx] = runOn(backend, 'ResizeNearestNeighborGrad', { images, dy }, attrs);
            const lhs = dot(y?.values ?? [], dy.values);
            const rhs = dot(images.values, dx?.values ?? []);
            expect(Math.abs(lhs - rhs), `${backend} ${JSON.stringify({ inH, inW, outH, outW, ...attrs })}`).toBeLessThan(1e-4 * (1 + Math.abs(lhs)));
          }
        }
      }
    }
  });
});

describe('Tile gradient', () => {
  it('equals the sum of dy over the repetitions, on both backends', () => {
    const r = rng(6);
    for (const [shape, reps] of [
      [[3], [4]],
      [[2, 3], [1, 5]],
      [[2, 1, 3], [3, 4, 1]],
      [[1, 2, 1, 2, 3], [2, 1, 3, 1, 2]],
    ] as const) {
      const x = randomArray((shape as readonly number[]).reduce((a, b) => a * b, 1), r);
      const outShape = shape.map((d, i) => d * (reps[i] as number));
      const w = randomArray(outShape.reduce((a, b) => a * b, 1), r);
      // Reference: dx[j] = Σ over output positions that copy x[j] of w.
      const expected = new Float32Array(x.length);
      const outStrides = tf.util.computeStrides(outShape);
      const inStrides = tf.util.computeStrides([...shape]);
      for (let o = 0; o < w.length; o++) {
        let rem = o;
        let src = 0;
        for (let d = 0; d < shape.length; d++) {
          const stride = outStrides[d] ?? 1;
          const idx = Math.floor(rem / stride);
          rem -= idx * stride;
          src += (idx % (shape[d] as number)) * (inStrides[d] ?? 1);
        }
        expected[src] = (expected[src] as number) + (w[o] as number);
      }
      for (const backend of ['wasm', 'cpu']) {
        tf.setBackend(backend);
        const got = tf.tidy(() => {
          const wt = tf.tensor(w, outShape);
          return tf.grad((xt: tf.Tensor) => tf.sum(tf.mul(tf.tile(xt, [...reps]), wt)))(tf.tensor(x, [...shape])).dataSync();
        });
        expect(maxRelDiff(got, expected), `${backend} ${JSON.stringify(reps)}`).toBeLessThan(1e-5);
      }
    }
  });
});
