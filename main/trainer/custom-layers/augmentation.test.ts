import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it } from 'vitest';
import { AUGMENTATION_SPECS } from '../../../shared/layers/specs/augmentation';
import { withDefaults } from '../../../shared/layers/params';
import { seededRandom } from '../random';
import { affineSample, mapCoordinate, type Affine } from './augmentation';
import { customFactoryFor } from './index';
import fixture from './fixtures/keras-affine.json';

/**
 * The augmentation layers against Keras's. fixtures/keras-affine.json was written by Keras 3.15
 * (TensorFlow backend): keras.ops.image.affine_transform of one 6x5x2 image under five affines,
 * every fill mode and interpolation, fill value 0.25.
 */

const realRandom = Math.random;
afterEach(() => {
  Math.random = realRandom;
});

function layerOf(type: string, params: Record<string, unknown> = {}): tf.layers.Layer {
  const spec = AUGMENTATION_SPECS.find((s) => s.type === type);
  if (!spec) throw new Error(type);
  const call = spec.tfjs(withDefaults(spec.params, params as never));
  if (!call) throw new Error(type);
  const factory = customFactoryFor(call.factory, call.config);
  return factory ? factory({ ...call.config }) : (tf.layers as unknown as Record<string, (c: unknown) => tf.layers.Layer>)[call.factory]!({ ...call.config });
}

const run = (layer: tf.layers.Layer, x: tf.Tensor, training: boolean) => layer.apply(x, { training }) as tf.Tensor;

function withSeed<T>(seed: number, f: () => T): T {
  Math.random = seededRandom(seed);
  try {
    return f();
  } finally {
    Math.random = realRandom;
  }
}

const images = (b: number, h: number, w: number, c: number, seed = 1) => {
  const r = seededRandom(seed);
  return tf.tensor4d(Array.from({ length: b * h * w * c }, () => r()), [b, h, w, c]);
};

const ALL: [string, Record<string, unknown>][] = [
  ['RandomFlip', {}],
  ['RandomRotation', { factor: 0.3 }],
  ['RandomZoom', { heightFactor: 0.3, widthFactor: 0.2 }],
  ['RandomTranslation', { heightFactor: 0.2, widthFactor: 0.3 }],
  ['RandomContrast', { factor: 0.5, valueRange: [0, 1] }],
  ['GaussianDropout', { rate: 0.3 }],
];

describe('augmentation layers: inference, seeds, shapes', () => {
  it.each(ALL)('%s is the identity at inference, bit for bit', (type, params) => {
    const x = images(3, 6, 5, 2);
    const y = run(layerOf(type, params), x, false);
    expect(Array.from(y.dataSync())).toEqual(Array.from(x.dataSync()));
  });

  it.each(ALL)('%s changes the images while training, the same way for the same seed', (type, params) => {
    const x = images(4, 6, 5, 2);
    const layer = layerOf(type, params);
    const a = withSeed(7, () => Array.from(run(layer, x, true).dataSync()));
    const b = withSeed(7, () => Array.from(run(layer, x, true).dataSync()));
    const c = withSeed(8, () => Array.from(run(layer, x, true).dataSync()));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(a).not.toEqual(Array.from(x.dataSync()));
  });

  it.each([...ALL, ['RandomCrop', { height: 4, width: 3 }]] as [string, Record<string, unknown>][])('%s has no weights and the shape its spec infers', (type, params) => {
    const spec = AUGMENTATION_SPECS.find((s) => s.type === type)!;
    const p = withDefaults(spec.params, params as never);
    const shape = type === 'GaussianDropout' ? [null, 7] : [null, 6, 5, 2];
    const inferred = spec.inferShape([shape], p);
    expect(spec.countParams([shape], p)).toBe(0);
    const input = tf.input({ shape: shape.slice(1) as number[] });
    const out = layerOf(type, params).apply(input) as tf.SymbolicTensor;
    expect(inferred).toEqual({ ok: true, shape: out.shape });
    expect(tf.model({ inputs: input, outputs: out }).countParams()).toBe(0);
  });

  it.each(ALL)('%s keeps its parameters in its config, and the same layer comes back from it', (type, params) => {
    const layer = layerOf(type, params);
    const config = layer.getConfig();
    expect(config).toMatchObject(params);
    const LayerClass = layer.constructor as unknown as new (c: tf.serialization.ConfigDict) => tf.layers.Layer;
    expect(new LayerClass(config).getConfig()).toEqual(config);
  });

  it('refuses what is not an image with a known size, with a fix', () => {
    const spec = AUGMENTATION_SPECS.find((s) => s.type === 'RandomRotation')!;
    const p = withDefaults(spec.params, {});
    const flat = spec.inferShape([[null, 10]], p);
    expect(flat.ok).toBe(false);
    const unknown = spec.inferShape([[null, null, 5, 1]], p);
    expect(unknown.ok ? '' : unknown.error.code).toBe('UNKNOWN_DIMENSION');
  });
});

describe('sampling as Keras (TensorFlow ImageProjectiveTransformV3)', () => {
  const x = tf.tensor4d(fixture.image, fixture.shape as [number, number, number, number]);
  it.each(fixture.cases.map((c) => [`${c.name} ${c.fillMode} ${c.interpolation}`, c] as const))('%s', (_name, c) => {
    const y = affineSample(x, [c.affine as unknown as Affine], c.fillMode as 'reflect', c.interpolation as 'bilinear', c.fillValue);
    const got = Array.from(y.dataSync());
    const worst = Math.max(...got.map((v, i) => Math.abs(v - (c.expected[i] as number))));
    expect(worst).toBeLessThan(1e-5);
  });

  it('maps coordinates outside the image as TensorFlow does', () => {
    expect([-1, -2, 5, 6, 9, -7].map((v) => mapCoordinate(v, 5, 'reflect'))).toEqual([0, 1, 4, 3, 0, 3]);
    expect([-1, -2, 5, 6].map((v) => mapCoordinate(v, 5, 'wrap'))).toEqual([4, 3, 0, 1]);
    expect([-3, 7].map((v) => mapCoordinate(v, 5, 'nearest'))).toEqual([0, 4]);
    expect(mapCoordinate(-3, 5, 'constant')).toBe(-3);
  });
});

describe('training-time behaviour, statistically as Keras', () => {
  const N = 400;
  /** Per image: which of identity, left-right, upside-down, both it equals. */
  function flips(mode: string): Record<string, number> {
    const x = images(N, 4, 3, 1, 5);
    const y = withSeed(11, () => run(layerOf('RandomFlip', { mode }), x, true));
    const kinds = { none: tf.clone(x), h: tf.reverse(x, 2), v: tf.reverse(x, 1), hv: tf.reverse(x, [1, 2]) };
    const count: Record<string, number> = { none: 0, h: 0, v: 0, hv: 0, other: 0 };
    const ys = y.arraySync() as number[][][][];
    const ks = Object.entries(kinds).map(([k, t]) => [k, t.arraySync() as number[][][][]] as const);
    for (let i = 0; i < N; i++) {
      const k = ks.find(([, t]) => JSON.stringify(t[i]) === JSON.stringify(ys[i]));
      count[k ? k[0] : 'other'] = (count[k ? k[0] : 'other'] as number) + 1;
    }
    return count;
  }

  it('RandomFlip horizontal mirrors only left-right, about half the images', () => {
    const c = flips('horizontal');
    expect(c['v'] ?? 0).toBe(0);
    expect(c['hv'] ?? 0).toBe(0);
    expect(c['other']).toBe(0);
    expect(c['h']).toBeGreaterThan(N * 0.4);
    expect(c['h']).toBeLessThan(N * 0.6);
  });

  it('RandomFlip vertical mirrors only upside down, about half the images', () => {
    const c = flips('vertical');
    expect((c['h'] ?? 0) + (c['hv'] ?? 0) + (c['other'] ?? 0)).toBe(0);
    expect(c['v']).toBeGreaterThan(N * 0.4);
    expect(c['v']).toBeLessThan(N * 0.6);
  });

  it('RandomFlip horizontal_and_vertical gives each of the four about a quarter of the time', () => {
    const c = flips('horizontal_and_vertical');
    expect(c['other']).toBe(0);
    for (const k of ['none', 'h', 'v', 'hv']) {
      expect(c[k]).toBeGreaterThan(N * 0.17);
      expect(c[k]).toBeLessThan(N * 0.33);
    }
  });

  /** Where a single bright pixel at (r, c) of a 21x21 image lands. */
  function landings(type: string, params: Record<string, unknown>, r: number, c: number): [number, number][] {
    const buf = tf.buffer([N, 21, 21, 1]);
    for (let i = 0; i < N; i++) buf.set(1, i, r, c, 0);
    const y = withSeed(3, () => run(layerOf(type, { fillMode: 'constant', interpolation: 'nearest', ...params }), buf.toTensor(), true));
    const data = y.dataSync();
    const out: [number, number][] = [];
    for (let i = 0; i < N; i++) {
      let best = -1;
      let at: [number, number] = [-1, -1];
      for (let p = 0; p < 21 * 21; p++) {
        const v = data[i * 441 + p] as number;
        if (v > best) [best, at] = [v, [Math.floor(p / 21), p % 21]];
      }
      if (best > 0.5) out.push(at);
    }
    return out;
  }

  it('RandomTranslation shifts by up to the factor times the size, both ways, only along the axes asked', () => {
    const moves = landings('RandomTranslation', { heightFactor: 0.2, widthFactor: 0 }, 10, 10);
    expect(moves.length).toBeGreaterThan(N * 0.9);
    expect(moves.every(([, c]) => c === 10)).toBe(true);
    const dy = moves.map(([r]) => r - 10);
    expect(Math.max(...dy)).toBeLessThanOrEqual(Math.ceil(0.2 * 21));
    expect(Math.min(...dy)).toBeGreaterThanOrEqual(-Math.ceil(0.2 * 21));
    expect(Math.max(...dy)).toBeGreaterThanOrEqual(3);
    expect(Math.min(...dy)).toBeLessThanOrEqual(-3);
  });

  it('RandomRotation turns about the centre by up to factor x 360 degrees, both ways', () => {
    const moves = landings('RandomRotation', { factor: 0.125 }, 10, 18);
    const angles = moves.map(([r, c]) => (Math.atan2(r - 10, c - 10) * 180) / Math.PI);
    expect(Math.max(...angles.map(Math.abs))).toBeLessThanOrEqual(45 + 8);
    expect(Math.max(...angles)).toBeGreaterThan(30);
    expect(Math.min(...angles)).toBeLessThan(-30);
    const radii = moves.map(([r, c]) => Math.hypot(r - 10, c - 10));
    expect(radii.every((d) => Math.abs(d - 8) <= 1)).toBe(true);
  });

  it('RandomZoom moves a point from the centre by 1 ± factor (out: towards the centre)', () => {
    const moves = landings('RandomZoom', { heightFactor: 0, widthFactor: 0.25 }, 10, 18);
    expect(moves.every(([r]) => r === 10)).toBe(true);
    const ratio = moves.map(([, c]) => (c - 10) / 8);
    // Output x' samples input zx·(x' - centre) + centre: the point lands at 8 / zx from the centre.
    expect(Math.min(...ratio)).toBeGreaterThanOrEqual(1 / 1.25 - 0.13);
    expect(Math.max(...ratio)).toBeLessThanOrEqual(1 / 0.75 + 0.13);
    expect(Math.min(...ratio)).toBeLessThan(0.9);
    expect(Math.max(...ratio)).toBeGreaterThan(1.15);
  });

  it('RandomContrast scales each image about its mean by a factor in [1, 1 + factor] (Keras 3), clipped to the range', () => {
    const x = tf.add(tf.mul(images(N, 4, 4, 1, 9), 0.2), 0.4);
    const y = withSeed(5, () => run(layerOf('RandomContrast', { factor: 0.5, valueRange: [0, 1] }), x, true));
    const std = (t: tf.Tensor) => tf.sqrt(tf.mean(tf.square(tf.sub(t, tf.mean(t, [1, 2], true))), [1, 2, 3])).dataSync();
    const sx = std(x);
    const sy = std(y);
    const ratios = Array.from(sy, (v, i) => v / (sx[i] as number));
    expect(Math.min(...ratios)).toBeGreaterThan(0.999);
    expect(Math.max(...ratios)).toBeLessThan(1.501);
    expect(Math.max(...ratios)).toBeGreaterThan(1.4);
    const meanGap = tf.max(tf.abs(tf.sub(tf.mean(x, [1, 2]), tf.mean(y, [1, 2])))).dataSync()[0] as number;
    expect(meanGap).toBeLessThan(1e-5);
    const clipped = withSeed(5, () => run(layerOf('RandomContrast', { factor: 1, valueRange: [0, 1] }), tf.mul(images(20, 4, 4, 1), 1.2), true));
    expect(tf.max(clipped).dataSync()[0]).toBeLessThanOrEqual(1);
  });

  it('GaussianDropout multiplies by noise of mean 1 and variance rate / (1 - rate)', () => {
    const x = tf.ones([200, 50]);
    const y = withSeed(4, () => run(layerOf('GaussianDropout', { rate: 0.2 }), x, true));
    const { mean, variance } = tf.moments(y);
    expect(Math.abs((mean.dataSync()[0] as number) - 1)).toBeLessThan(0.02);
    expect(Math.abs((variance.dataSync()[0] as number) - 0.25)).toBeLessThan(0.02);
  });

  it('RandomCrop cuts one window of the batch while training, the centre (resized) at inference', () => {
    const x = images(2, 10, 8, 1);
    const layer = layerOf('RandomCrop', { height: 8, width: 8 });
    const seen = new Set<string>();
    for (let s = 0; s < 30; s++) {
      const y = withSeed(s, () => run(layer, x, true));
      expect(y.shape).toEqual([2, 8, 8, 1]);
      const found = [0, 1, 2].find((top) => JSON.stringify(y.arraySync()) === JSON.stringify(tf.slice(x, [0, top, 0, 0], [-1, 8, 8, -1]).arraySync()));
      expect(found).toBeDefined();
      seen.add(String(found));
    }
    // Keras crops at random only where both sides are larger than the crop: 10 x 8 into 8 x 8 is the centre.
    expect([...seen]).toEqual(['1']);
    const bigger = layerOf('RandomCrop', { height: 6, width: 5 });
    const tops = new Set<string>();
    for (let s = 0; s < 40; s++) {
      const y = withSeed(s, () => run(bigger, x, true));
      const hit = [0, 1, 2, 3, 4].flatMap((t) => [0, 1, 2, 3].map((l): [number, number] => [t, l])).find(([t, l]) => JSON.stringify(y.arraySync()) === JSON.stringify(tf.slice(x, [0, t, l, 0], [-1, 6, 5, -1]).arraySync()));
      expect(hit).toBeDefined();
      tops.add(String(hit));
    }
    expect(tops.size).toBeGreaterThan(8);
    const inference = run(layerOf('RandomCrop', { height: 8, width: 8 }), x, false);
    expect(Array.from(inference.dataSync())).toEqual(Array.from(tf.slice(x, [0, 1, 0, 0], [-1, 8, 8, -1]).dataSync()));
    const resized = run(layerOf('RandomCrop', { height: 4, width: 4 }), x, false);
    const expected = tf.image.resizeBilinear(tf.slice(x, [0, 1, 0, 0], [-1, 8, 8, -1]) as tf.Tensor4D, [4, 4], false, true);
    expect(Array.from(resized.dataSync())).toEqual(Array.from(expected.dataSync()));
  });
});

describe('training through every augmentation layer on each backend', () => {
  /** Input -> every augmentation layer -> a Dense head; 2 steps of SGD with the same seed. */
  async function trainOn(backend: string): Promise<{ losses: number[]; augmented: number[] }> {
    expect(await tf.setBackend(backend)).toBe(true);
    const input = tf.input({ shape: [12, 12, 1] });
    let h: tf.SymbolicTensor = input;
    const params: [string, Record<string, unknown>][] = [...ALL.filter(([t]) => t !== 'GaussianDropout'), ['RandomCrop', { height: 10, width: 10 }], ['GaussianDropout', { rate: 0.2 }]];
    for (const [type, p] of params) h = layerOf(type, p).apply(h) as tf.SymbolicTensor;
    const augmentedOut = h;
    h = tf.layers.flatten().apply(h) as tf.SymbolicTensor;
    const out = tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: tf.initializers.constant({ value: 0.01 }) }).apply(h) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: out });
    model.compile({ optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' });
    const x = images(8, 12, 12, 1, 21);
    const y = tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 1], 'int32'), 3);
    const losses = await withSeedAsync(13, async () => {
      const hist = await model.fit(x, y, { epochs: 2, batchSize: 8, shuffle: false, verbose: 0 });
      return hist.history['loss'] as number[];
    });
    const probe = tf.model({ inputs: input, outputs: augmentedOut });
    const augmented = withSeed(17, () => Array.from((probe.apply(x, { training: true }) as tf.Tensor).dataSync()));
    model.dispose();
    return { losses, augmented };
  }

  async function withSeedAsync<T>(seed: number, f: () => Promise<T>): Promise<T> {
    Math.random = seededRandom(seed);
    try {
      return await f();
    } finally {
      Math.random = realRandom;
    }
  }

  it('trains on cpu and wasm (and native TensorFlow where set up), drawing the same augmentations', async () => {
    const { setWasmPaths } = await import('@tensorflow/tfjs-backend-wasm');
    const { setupNativeCandidate, wasmBinaryDir } = await import('../backend-loader');
    const path = await import('node:path');
    setWasmPaths(wasmBinaryDir() + path.sep);
    const backends = ['cpu', 'wasm'];
    try {
      setupNativeCandidate(process.env).prepare();
      backends.push('tensorflow');
    } catch (error) {
      console.warn(`native TensorFlow not set up here (${String(error).slice(0, 120)}); cpu and wasm only`);
    }
    try {
      const results = [];
      for (const b of backends) results.push(await trainOn(b));
      for (const [i, r] of results.entries()) {
        expect(r.losses.every(Number.isFinite), backends[i]).toBe(true);
        const ref = results[0]!.augmented;
        const worst = Math.max(...r.augmented.map((v, j) => Math.abs(v - (ref[j] as number))));
        expect(worst, `${backends[i]} vs cpu`).toBeLessThan(1e-4);
      }
    } finally {
      await tf.setBackend('cpu');
    }
  }, 120_000);
});
