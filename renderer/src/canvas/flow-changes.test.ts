import { describe, expect, it } from 'vitest';
import type { EdgeChange, NodeChange } from '@xyflow/react';
import { readEdgeSelection, readNodeChanges, withSizes } from './flow-changes';

describe('readNodeChanges', () => {
  it('reads measured sizes, the positions of cards being dragged and the new selection', () => {
    const changes: NodeChange[] = [
      { type: 'dimensions', id: 'a', dimensions: { width: 200, height: 86 } },
      { type: 'dimensions', id: 'b' },
      { type: 'position', id: 'a', position: { x: 5, y: 6 }, dragging: true },
      { type: 'position', id: 'b', position: { x: 7, y: 8 }, dragging: false },
      { type: 'select', id: 'c', selected: true },
      { type: 'select', id: 'a', selected: false },
    ];
    const read = readNodeChanges(changes, ['a', 'b']);
    expect(read.sizes).toEqual({ a: { width: 200, height: 86 } });
    expect([...read.live]).toEqual([['a', { x: 5, y: 6 }]]);
    expect(read.selection).toEqual(['b', 'c']);
  });

  it('leaves the selection alone (null) when no change selects', () => {
    expect(readNodeChanges([{ type: 'position', id: 'a', position: { x: 1, y: 1 }, dragging: true }], ['a']).selection).toBeNull();
  });
});

describe('readEdgeSelection', () => {
  it('applies select changes to the edge selection, null when there are none', () => {
    const changes: EdgeChange[] = [
      { type: 'select', id: 'e2', selected: true },
      { type: 'remove', id: 'e1' },
      { type: 'select', id: 'e1', selected: false },
    ];
    expect(readEdgeSelection(changes, ['e1', 'e3'])).toEqual(['e3', 'e2']);
    expect(readEdgeSelection([{ type: 'remove', id: 'e1' }], ['e1'])).toBeNull();
  });
});

describe('withSizes', () => {
  it('is the same object when no size differs, so nothing re-renders', () => {
    const known = { a: { width: 200, height: 86 } };
    expect(withSizes(known, { a: { width: 200, height: 86 } })).toBe(known);
    expect(withSizes(known, {})).toBe(known);
  });

  it('takes in new and changed sizes, keeping the rest', () => {
    const known = { a: { width: 200, height: 86 }, b: { width: 200, height: 86 } };
    expect(withSizes(known, { a: { width: 200, height: 128 }, c: { width: 180, height: 60 } })).toEqual({ a: { width: 200, height: 128 }, b: { width: 200, height: 86 }, c: { width: 180, height: 60 } });
  });
});
