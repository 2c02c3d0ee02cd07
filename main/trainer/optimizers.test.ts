import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { DEFAULT_OPTIMIZER_OPTIONS, OPTIMIZERS, type LrSchedule } from '../../shared/graph/document';
import { loadBestBackend } from './backend-loader';
import { AdamWOptimizer, createSchedule, makeOptimizer, setLearningRate } from './optimizers';

beforeAll(async () => {
  await loadBestBackend();
});

const lrs = (s: LrSchedule, epochs = 4, batches = 2) => {
  const sched = createSchedule(s, 0.1, batches, epochs);
  return Array.from({ length: epochs }, (_, e) => sched.at(e, 0));
};

describe('learning-rate schedules', () => {
  it('constant, step, exponential and cosine follow their formulas', () => {
    expect(lrs({ kind: 'constant' })).toEqual([0.1, 0.1, 0.1, 0.1]);
    const step = lrs({ kind: 'step', everyEpochs: 2, factor: 0.5 });
    expect(step.map((v) => +v.toFixed(6))).toEqual([0.1, 0.1, 0.05, 0.05]);
    const exp = lrs({ kind: 'exponential', rate: 0.5 });
    expect(exp.map((v) => +v.toFixed(6))).toEqual([0.1, 0.05, 0.025, 0.0125]);
    // Exponential decays within an epoch too.
    expect(createSchedule({ kind: 'exponential', rate: 0.5 }, 0.1, 2, 4).at(0, 1)).toBeCloseTo(0.1 * Math.SQRT1_2, 8);
    const cos = createSchedule({ kind: 'cosine', minLearningRate: 0.01 }, 0.1, 10, 2);
    expect(cos.at(0, 0)).toBeCloseTo(0.1, 8);
    expect(cos.at(1, 0)).toBeCloseTo(0.055, 8);
    expect(cos.at(1, 10)).toBeCloseTo(0.01, 8);
  });

  it('reduce-on-plateau cuts the rate after `patience` epochs without improvement, not below the minimum', () => {
    const s = createSchedule({ kind: 'reduceOnPlateau', factor: 0.5, patience: 2, minLearningRate: 0.03 }, 0.1, 1, 10);
    const seen: number[] = [];
    for (const loss of [1, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9]) {
      s.endEpoch(loss);
      seen.push(s.at(0, 0));
    }
    expect(seen).toEqual([0.1, 0.1, 0.1, 0.05, 0.05, 0.03, 0.03]);
  });
});

describe('optimizers', () => {
  it('every optimizer fits a small linear regression (loss falls by half)', () => {
    const x = tf.tensor2d([[0], [1], [2], [3]]);
    const y = tf.tensor2d([[1], [3], [5], [7]]);
    for (const name of OPTIMIZERS) {
      const lr = name === 'adagrad' ? 0.5 : 0.05;
      const opt = makeOptimizer({ optimizer: name, optimizerOptions: { ...DEFAULT_OPTIMIZER_OPTIONS, momentum: name === 'sgd' ? 0.9 : 0, nesterov: name === 'sgd' }, learningRate: lr });
      const w = tf.variable(tf.zeros([1, 1]));
      const b = tf.variable(tf.zeros([1]));
      const loss = () => tf.losses.meanSquaredError(y, tf.add(tf.matMul(x, w), b)) as tf.Scalar;
      const first = tf.tidy(() => loss().dataSync()[0] as number);
      for (let i = 0; i < 60; i++) opt.minimize(loss, true)?.dispose();
      const last = tf.tidy(() => loss().dataSync()[0] as number);
      expect(last, name).toBeLessThan(first / 2);
      opt.dispose();
      w.dispose();
      b.dispose();
    }
    x.dispose();
    y.dispose();
  });

  it('AdamW shrinks weights by lr * weightDecay per step beyond Adam (zero gradient)', () => {
    const w = tf.variable(tf.ones([3]), true, 'adamw_w');
    const opt = new AdamWOptimizer(0.1, 0.5, 0.9, 0.999);
    opt.applyGradients([{ name: 'adamw_w', tensor: tf.zeros([3]) }]);
    expect(Array.from(w.dataSync()).map((v) => +v.toFixed(6))).toEqual([0.95, 0.95, 0.95]);
    const adam = makeOptimizer({ optimizer: 'adam', optimizerOptions: DEFAULT_OPTIMIZER_OPTIONS, learningRate: 0.1 });
    adam.applyGradients([{ name: 'adamw_w', tensor: tf.zeros([3]) }]);
    expect(Array.from(w.dataSync()).map((v) => +v.toFixed(6))).toEqual([0.95, 0.95, 0.95]);
    opt.dispose();
    adam.dispose();
    w.dispose();
  });

  it('setLearningRate changes the step of SGD and Adam', () => {
    for (const name of ['sgd', 'adam'] as const) {
      const w = tf.variable(tf.zeros([1]), true, `lr_${name}`);
      const opt = makeOptimizer({ optimizer: name, optimizerOptions: DEFAULT_OPTIMIZER_OPTIONS, learningRate: 0.1 });
      setLearningRate(opt, 0.01);
      opt.applyGradients([{ name: `lr_${name}`, tensor: tf.ones([1]) }]);
      expect(Math.abs(w.dataSync()[0] as number), name).toBeCloseTo(0.01, 4);
      opt.dispose();
      w.dispose();
    }
  });
});
