import { describe, expect, it } from 'vitest';
import { NOT_TRAINABLE_ON_BACKEND, notTrainableReason } from './backend-limits';

describe('notTrainableReason', () => {
  it('refuses dilated convolutions with a reason and a fix', () => {
    for (const dilationRate of [2, [1, 2], [3, 3]]) {
      const issue = notTrainableReason('Conv2D', { filters: 8, dilationRate });
      expect(issue?.code).toBe(NOT_TRAINABLE_ON_BACKEND);
      expect(issue?.message).toMatch(/dilat/);
      expect(issue?.fix).toMatch(/dilation rate to 1/);
    }
  });

  it('accepts undilated layers', () => {
    expect(notTrainableReason('Conv2D', { filters: 8, dilationRate: 1 })).toBeNull();
    expect(notTrainableReason('Conv1D', { dilationRate: [1] })).toBeNull();
    expect(notTrainableReason('Dense', { units: 3 })).toBeNull();
  });
});
