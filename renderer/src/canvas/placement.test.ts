import { describe, expect, it } from 'vitest';
import { findFreeSpot, NODE_SIZE } from './placement';

describe('findFreeSpot', () => {
  const view = { x: 0, y: 0, width: 900, height: 400 };
  it('fills the visible area left to right', () => {
    const first = findFreeSpot([], view);
    const second = findFreeSpot([{ ...first, ...NODE_SIZE }], view);
    expect(second.y).toBe(first.y);
    expect(second.x).toBeGreaterThan(first.x + NODE_SIZE.width);
  });
  it('goes below everything when the view is full', () => {
    const full = [{ x: -1000, y: -1000, width: 3000, height: 1500 }];
    expect(findFreeSpot(full, view).y).toBeGreaterThan(500);
  });
});
