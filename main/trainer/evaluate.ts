import * as tf from '@tensorflow/tfjs';
import type { Metrics } from '../../shared/training/events';
import type { SampleSet } from './datasets/mnist';
import { contiguousBatch } from './batches';

/** Mean categorical cross-entropy and accuracy over a whole set, in chunks; no tensor outlives a chunk. */
export async function evaluateSet(
  model: tf.LayersModel,
  set: SampleSet,
  inputShape: readonly number[],
  numClasses: number,
  chunkSize = 256,
): Promise<Metrics> {
  let lossSum = 0;
  let correct = 0;
  for (let from = 0; from < set.count; from += chunkSize) {
    const to = Math.min(set.count, from + chunkSize);
    const batch = contiguousBatch(set, from, to, numClasses);
    const [loss, hits] = tf.tidy(() => {
      const x = tf.tensor(batch.x, [batch.size, ...inputShape]);
      const y = tf.tensor2d(batch.y, [batch.size, numClasses]);
      const p = model.predict(x) as tf.Tensor;
      const clipped = tf.clipByValue(p, 1e-7, 1 - 1e-7);
      const losses = tf.neg(tf.sum(tf.mul(y, tf.log(clipped)), -1));
      const same = tf.equal(tf.argMax(p, -1), tf.argMax(y, -1));
      return [tf.sum(losses), tf.sum(tf.cast(same, 'float32'))];
    });
    lossSum += (await loss.data())[0] as number;
    correct += (await hits.data())[0] as number;
    loss.dispose();
    hits.dispose();
    await yieldToEventLoop();
  }
  return set.count === 0 ? { loss: 0, accuracy: 0 } : { loss: lossSum / set.count, accuracy: correct / set.count };
}

/** Lets queued messages (a stop request) be handled between chunks of work. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
