import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { newRunId } from './runs';

describe('newRunId', () => {
  it('is the UTC second, its milliseconds in hex and a random part', () => {
    expect(newRunId(new Date('2026-11-27T02:51:56.999Z'))).toMatch(/^20261127-025156-3e7[0-9a-f]{3}$/);
    expect(newRunId(new Date('2026-11-27T02:51:56.005Z'))).toMatch(/^20261127-025156-005[0-9a-f]{3}$/);
  });

  it('sorts as the runs started, also two runs in the same second (CI saw them listed the wrong way round)', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2040, 0, 1) }), fc.integer({ min: 1, max: 5000 }), (t, dt) => {
        expect(newRunId(new Date(t)) < newRunId(new Date(t + dt))).toBe(true);
      }),
    );
  });
});
