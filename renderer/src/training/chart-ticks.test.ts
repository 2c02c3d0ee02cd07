import { describe, expect, it } from 'vitest';
import { formatTicks, verticalAxisSize } from './chart-ticks';

describe('formatTicks', () => {
  it('tells learning-rate ticks apart ("0.002, 0.002, 0.001" before)', () => {
    const labels = formatTicks([0.001, 0.0015, 0.002, 0.0025]);
    expect(new Set(labels).size).toBe(4);
    expect(labels).toEqual(['0.0010', '0.0015', '0.0020', '0.0025']);
  });

  it('uses the fewest decimals that tell the ticks apart, the same for all', () => {
    expect(formatTicks([0, 0.5, 1, 1.5])).toEqual(['0.0', '0.5', '1.0', '1.5']);
    expect(formatTicks([0, 1, 2, 3])).toEqual(['0', '1', '2', '3']);
    expect(formatTicks([0.2, 0.4, 0.6])).toEqual(['0.2', '0.4', '0.6']);
    expect(formatTicks([10, 20, 30])).toEqual(['10', '20', '30']);
  });

  it('handles floating-point noise in the splits', () => {
    expect(formatTicks([0.1, 0.2, 0.30000000000000004])).toEqual(['0.1', '0.2', '0.3']);
  });

  it('writes very small and very large values in exponent form, still distinct', () => {
    const small = formatTicks([0.0001, 0.00015, 0.0002]);
    expect(new Set(small).size).toBe(3);
    expect(small[0]).toMatch(/e-4$/);
    const large = formatTicks([100000, 150000, 200000]);
    expect(new Set(large).size).toBe(3);
  });

  it('never repeats a label, even for ticks closer than it can show', () => {
    const labels = formatTicks([1, 1 + 1e-13, 1 + 2e-13]);
    const shown = labels.filter((s) => s !== '');
    expect(new Set(shown).size).toBe(shown.length);
    expect(labels[0]).not.toBe('');
  });

  it('writes zero without a sign', () => {
    expect(formatTicks([-0.5, -0, 0.5])).toEqual(['-0.5', '0.0', '0.5']);
  });

  it('gives nothing for no ticks', () => {
    expect(formatTicks([])).toEqual([]);
  });
});

describe('verticalAxisSize', () => {
  it('grows with the longest label so that the title does not overlap it', () => {
    const short = verticalAxisSize(['0', '1']);
    const long = verticalAxisSize(['0.0010', '0.0015']);
    expect(short).toBe(40);
    expect(long).toBeGreaterThan(short);
    expect(long).toBeGreaterThanOrEqual(6 * 6 + 14 + 10);
  });
  it('copes with labels not yet known', () => {
    expect(verticalAxisSize(null)).toBe(40);
    expect(verticalAxisSize([null, undefined])).toBe(40);
  });
});
