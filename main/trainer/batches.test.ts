import { describe, expect, it } from 'vitest';
import { contiguousBatch, gatherBatch, shuffledIndices } from './batches';
import { createBatchThrottle } from './batch-throttle';

const set = { x: Float32Array.from([0, 1, 10, 11, 20, 21, 30, 31]), labels: Uint8Array.from([2, 0, 1, 2]), count: 4, sampleSize: 2 };

describe('batches', () => {
  it('shuffles into a permutation', () => {
    const idx = Array.from(shuffledIndices(1000));
    expect([...idx].sort((a, b) => a - b)).toEqual([...Array(1000).keys()]);
    expect(idx).not.toEqual([...Array(1000).keys()]);
  });

  it('gathers samples in the given order with one-hot labels', () => {
    const b = gatherBatch(set, [3, 1, 0, 2], 1, 3, 3);
    expect(b.size).toBe(2);
    expect(Array.from(b.x)).toEqual([10, 11, 0, 1]);
    expect(Array.from(b.y)).toEqual([1, 0, 0, 0, 0, 1]);
  });

  it('takes a contiguous range for evaluation', () => {
    const b = contiguousBatch(set, 2, 4, 3);
    expect(Array.from(b.x)).toEqual([20, 21, 30, 31]);
    expect(Array.from(b.y)).toEqual([0, 1, 0, 0, 0, 1]);
  });
});

describe('createBatchThrottle', () => {
  it('lets one batch through per interval, and every last batch of an epoch', () => {
    let t = 0;
    const throttle = createBatchThrottle(100, () => t);
    const passed: number[] = [];
    for (let i = 0; i < 30; i++) {
      t = i * 10;
      if (throttle(i === 14 || i === 29)) passed.push(i);
    }
    expect(passed).toEqual([0, 10, 14, 24, 29]);
  });
});
