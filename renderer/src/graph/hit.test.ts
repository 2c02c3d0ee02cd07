import { describe, expect, it } from 'vitest';
import { segmentAt } from './hit';

describe('segmentAt', () => {
  const across = { id: 'across', a: { x: 0, y: 0 }, b: { x: 100, y: 0 } };
  const lower = { id: 'lower', a: { x: 0, y: 30 }, b: { x: 100, y: 30 } };

  it('finds the nearest connection within the tolerance', () => {
    expect(segmentAt({ x: 50, y: 10 }, [across, lower], 40)).toBe('across');
    expect(segmentAt({ x: 50, y: 25 }, [across, lower], 40)).toBe('lower');
    expect(segmentAt({ x: 50, y: 41 }, [across], 40)).toBeNull();
  });

  it('ignores points near either end, so a drop beside a card is not an insert', () => {
    expect(segmentAt({ x: 5, y: 0 }, [across], 40)).toBeNull();
    expect(segmentAt({ x: 95, y: 0 }, [across], 40)).toBeNull();
    expect(segmentAt({ x: 15, y: 0 }, [across], 40)).toBe('across');
  });

  it('ignores a connection of zero length and finds none among none', () => {
    expect(segmentAt({ x: 0, y: 0 }, [{ id: 'dot', a: { x: 0, y: 0 }, b: { x: 0, y: 0 } }], 40)).toBeNull();
    expect(segmentAt({ x: 0, y: 0 }, [], 40)).toBeNull();
  });
});
