import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { prepareNativeBackend } from './kernels/test-support';
import { NativeAdamOptimizer } from './native-adam';
import { trainStepFor } from './train-step';

let native = false;
beforeAll(async () => {
  native = await prepareNativeBackend();
});

function mlp(): tf.LayersModel {
  const m = tf.sequential({ layers: [tf.layers.dense({ inputShape: [6], units: 8, activation: 'relu' }), tf.layers.dense({ units: 3, activation: 'softmax' })] });
  m.compile({ optimizer: new NativeAdamOptimizer(0.01, 0.9, 0.999, 1e-7), loss: 'categoricalCrossentropy', metrics: [tf.metrics.categoricalAccuracy] });
  return m;
}

const batch = (): [tf.Tensor, tf.Tensor] => [tf.randomUniform([16, 6], -1, 1, 'float32', 1), tf.oneHot(tf.tensor1d([0, 1, 2, 1, 0, 2, 1, 0, 2, 2, 1, 0, 0, 1, 2, 1], 'int32'), 3).toFloat()];

describe('trainStepFor', () => {
  it('trains through tfjs layers where the backend is not native, and says why', async () => {
    tf.setBackend('cpu');
    const m = mlp();
    const step = trainStepFor(m, { loss: 'categoricalCrossentropy', withAccuracy: true, oneHotTargets: true });
    expect(step.kind).toBe('layers');
    expect(step.why).toBe('not the native backend');
    const [x, y] = batch();
    const result = await step.run(x, y);
    expect(Array.isArray(result) && result.length).toBe(2);
    tf.dispose([x, y]);
    m.dispose();
  });

  it('goes on with trainOnBatch from the same weights when TensorFlow refuses the compiled step', async (ctx) => {
    if (!native) ctx.skip();
    tf.setBackend('tensorflow');
    const m = mlp();
    const step = trainStepFor(m, { loss: 'categoricalCrossentropy', withAccuracy: true, oneHotTargets: true });
    expect(step.kind).toBe('compiled');
    const [x, y] = batch();
    const [first] = (await step.run(x, y)) as number[];
    expect(Number.isFinite(first)).toBe(true);
    const before = m.getWeights().map((w) => w.dataSync().slice());
    // Int32 inputs: the function declares float32 inputs, so TensorFlow refuses the call; tfjs's
    // layers take them.
    const xi = tf.cast(tf.mul(x, 10), 'int32');
    const [second, accuracy] = (await step.run(xi, y)) as number[];
    expect(accuracy).toBeGreaterThanOrEqual(0);
    expect(Number.isFinite(second)).toBe(true);
    xi.dispose();
    expect(step.kind).toBe('layers');
    expect(step.why).toMatch(/^TensorFlow refused the compiled step \(.+\); trainOnBatch from here on$/);
    // trainOnBatch's step changed the weights.
    const after = m.getWeights().map((w) => w.dataSync());
    expect(after.some((w, i) => w.some((v, k) => v !== before[i]?.[k]))).toBe(true);
    tf.dispose([x, y]);
    m.dispose();
  });
});
