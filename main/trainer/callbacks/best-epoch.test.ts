import { describe, expect, it } from 'vitest';
import { BestEpoch } from './best-epoch';

const m = (loss: number, accuracy = 0) => ({ loss, accuracy });

describe('BestEpoch', () => {
  it('counts a lower loss as better only by more than the min delta, and never an epoch stopped part way', () => {
    const best = new BestEpoch({ monitor: 'val_loss', minDelta: 0.1 }, 'classification');
    expect(best.epoch).toBeNull();
    expect(best.observe(0, m(1), false)).toBe(true);
    expect(best.observe(1, m(0.95), false)).toBe(false);
    expect(best.observe(2, m(0.5), true)).toBe(false);
    expect(best.observe(3, m(0.85), false)).toBe(true);
    expect(best.epoch).toBe(3);
    // A NaN loss is never better.
    expect(best.observe(4, m(Number.NaN), false)).toBe(false);
    expect(best.epoch).toBe(3);
  });

  it('watches accuracy (higher is better) where asked, but loss for regression', () => {
    const acc = new BestEpoch({ monitor: 'val_accuracy', minDelta: 0 }, 'classification');
    expect(acc.observe(0, m(1, 0.5), false)).toBe(true);
    expect(acc.observe(1, m(0.1, 0.4), false)).toBe(false);
    expect(acc.observe(2, m(2, 0.6), false)).toBe(true);
    const reg = new BestEpoch({ monitor: 'val_accuracy', minDelta: 0 }, 'regression');
    expect(reg.observe(0, m(1, 0.5), false)).toBe(true);
    expect(reg.observe(1, m(2, 0.9), false)).toBe(false);
    expect(reg.epoch).toBe(0);
  });
});
