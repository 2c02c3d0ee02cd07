import type * as tf from '@tensorflow/tfjs';
import { allocate, floatView, sizeOf, view, type KernelBackend } from './access';

/**
 * UnsortedSegmentSum in one pass over the data: out[ids[i], :] += x[i, :].
 * Embedding's gradient. tfjs's cpu kernel builds a mask per segment (time ∝ vocabulary × data).
 * Ids outside [0, numSegments) are dropped, as in TensorFlow.
 */
export function unsortedSegmentSum(args: { inputs: tf.NamedTensorInfoMap; backend: KernelBackend; attrs: tf.NamedAttrMap }): tf.TensorInfo {
  const { backend } = args;
  const x = args.inputs['x'] as tf.TensorInfo;
  const segmentIds = args.inputs['segmentIds'] as tf.TensorInfo;
  const numSegments = args.attrs['numSegments'] as number;
  if (x.dtype !== 'float32') throw new Error(`UnsortedSegmentSum: float32 data expected, got ${x.dtype}.`);
  const rows = sizeOf(segmentIds.shape);
  const inner = rows === 0 ? 0 : sizeOf(x.shape) / rows;
  const innerShape = x.shape.slice(segmentIds.shape.length);
  const result = allocate(backend, [numSegments, ...innerShape], 'float32');
  const out = floatView(backend, result);
  out.fill(0);
  const xv = floatView(backend, x);
  const ids = view(backend, segmentIds);
  for (let i = 0; i < rows; i++) {
    const id = ids[i] as number;
    if (id < 0 || id >= numSegments) continue;
    const src = i * inner;
    const dst = id * inner;
    for (let j = 0; j < inner; j++) out[dst + j] = (out[dst + j] as number) + (xv[src + j] as number);
  }
  return result;
}
