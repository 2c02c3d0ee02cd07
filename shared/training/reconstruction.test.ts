import { describe, expect, it } from 'vitest';
import { isReconstruction } from './reconstruction';

describe('isReconstruction', () => {
  const mnist = { task: 'classification' as const, numClasses: 10 };
  it('an output as large as the input reconstructs it, in any shape', () => {
    expect(isReconstruction([null, 28, 28, 1], 784, mnist)).toBe(true);
    expect(isReconstruction([null, 784], 784, mnist)).toBe(true);
  });
  it('a classifier, regression data and free dimensions do not', () => {
    expect(isReconstruction([null, 10], 784, mnist)).toBe(false);
    expect(isReconstruction([null, 28, 28, 2], 784, mnist)).toBe(false);
    expect(isReconstruction([null, 4], 4, { task: 'classification', numClasses: 4 })).toBe(false);
    expect(isReconstruction([null, 2], 2, { task: 'classification', numClasses: 3 })).toBe(false);
    expect(isReconstruction([null, 10], 10, { task: 'regression', numClasses: 0 })).toBe(false);
    expect(isReconstruction([null, null, 8], 784, mnist)).toBe(false);
  });
});
