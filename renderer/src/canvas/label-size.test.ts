import { describe, expect, it, vi } from 'vitest';
import { labelSizer, monospaceWidth } from './label-size';

describe('labelSizer', () => {
  it('measures each text once and rounds up', () => {
    const measure = vi.fn((t: string) => t.length * 6.3);
    const size = labelSizer(measure, 11);
    expect(size('[?, 784]')).toEqual({ width: Math.ceil(8 * 6.3), height: 14 });
    expect(size('[?, 784]')).toEqual({ width: 51, height: 14 });
    expect(measure).toHaveBeenCalledTimes(1);
    size('[?, 10]');
    expect(measure).toHaveBeenCalledTimes(2);
  });

  it('keeps its cache bounded', () => {
    const measure = vi.fn((t: string) => t.length);
    const size = labelSizer(measure, 11, 3);
    for (const t of ['a', 'bb', 'ccc', 'dddd']) size(t);
    size('a');
    expect(measure).toHaveBeenCalledTimes(5);
  });

  it('falls back to a monospace advance of 0.6 em', () => {
    expect(monospaceWidth(10)('12345')).toBe(30);
  });
});
