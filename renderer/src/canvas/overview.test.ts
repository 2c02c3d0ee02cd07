import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { getBezierPath, Position } from '@xyflow/react';
import { SETTLE_MS } from './far-zoom';
import { bezierControls, cardAt, clickSelection, OVERVIEW_ZOOM, overviewScene, overviewSwitch, paneToFlow, shiftScene, type Describe, type FlowNodeLike, type HandleFallback } from './overview';

describe('overviewSwitch', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('enters on the zoom step that crosses the threshold, without waiting', () => {
    const apply = vi.fn();
    const s = overviewSwitch(apply);
    for (const z of [1, 0.8, OVERVIEW_ZOOM + 0.01]) s.update(z, true);
    expect(apply).not.toHaveBeenCalled();
    s.update(OVERVIEW_ZOOM - 0.01, true);
    expect(apply).toHaveBeenCalledExactlyOnceWith(true);
    expect(s.on).toBe(true);
  });

  it('leaves only once the zoom has rested above the threshold', () => {
    const apply = vi.fn();
    const s = overviewSwitch(apply);
    s.update(0.1, true);
    apply.mockClear();
    // Zooming in: a step every 16 ms, across the threshold and on.
    for (const z of [0.2, 0.8, 0.95, 1.05, 1.2].map((f) => f * OVERVIEW_ZOOM)) {
      vi.advanceTimersByTime(16);
      s.update(z, true);
    }
    expect(apply).not.toHaveBeenCalled();
    vi.advanceTimersByTime(SETTLE_MS - 1);
    expect(apply).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(apply).toHaveBeenCalledExactlyOnceWith(false);
    expect(s.on).toBe(false);
  });

  it('stays when a gesture goes above the threshold and comes back before resting', () => {
    const apply = vi.fn();
    const s = overviewSwitch(apply);
    s.update(0.5 * OVERVIEW_ZOOM, true);
    apply.mockClear();
    s.update(1.2 * OVERVIEW_ZOOM, true);
    vi.advanceTimersByTime(SETTLE_MS / 2);
    s.update(0.9 * OVERVIEW_ZOOM, true);
    vi.advanceTimersByTime(SETTLE_MS * 2);
    expect(apply).not.toHaveBeenCalled();
  });

  it('a store update that does not move the zoom keeps the pending exit on time', () => {
    const apply = vi.fn();
    const s = overviewSwitch(apply);
    s.update(0.5 * OVERVIEW_ZOOM, true);
    s.update(2 * OVERVIEW_ZOOM, true);
    vi.advanceTimersByTime(SETTLE_MS - 10);
    s.update(2 * OVERVIEW_ZOOM, true); // e.g. a selection change
    vi.advanceTimersByTime(10);
    expect(apply).toHaveBeenLastCalledWith(false);
  });

  it('leaves at once when it is not allowed (a card to measure, a graph now small), and comes back', () => {
    const apply = vi.fn();
    const s = overviewSwitch(apply);
    s.update(0.2, true);
    s.update(0.2, false);
    expect(apply.mock.calls).toEqual([[true], [false]]);
    s.update(0.2, true);
    expect(apply.mock.calls).toEqual([[true], [false], [true]]);
  });

  it('never enters while it is not allowed', () => {
    const apply = vi.fn();
    const s = overviewSwitch(apply);
    s.update(0.15, false);
    expect(apply).not.toHaveBeenCalled();
    s.dispose();
  });
});

describe('bezierControls', () => {
  // The overview draws the same curve React Flow draws for a connection.
  for (const [name, from, to] of [
    ['forwards', { x: 0, y: 0 }, { x: 300, y: 120 }],
    ['backwards', { x: 500, y: 40 }, { x: 20, y: 300 }],
    ['level', { x: 10, y: 10 }, { x: 11, y: 10 }],
  ] as const) {
    it(`matches React Flow's getBezierPath (${name})`, () => {
      const [path] = getBezierPath({ sourceX: from.x, sourceY: from.y, sourcePosition: Position.Right, targetX: to.x, targetY: to.y, targetPosition: Position.Left });
      const [c1, c2] = bezierControls(from, to);
      const nums = path.match(/-?[\d.]+(e-?\d+)?/g)!.map(Number);
      expect(nums).toHaveLength(8);
      const expected = [from.x, from.y, c1.x, c1.y, c2.x, c2.y, to.x, to.y];
      nums.forEach((n, i) => expect(n).toBeCloseTo(expected[i]!, 6));
    });
  }
});

const describeNode: Describe = (n) => ({ kind: n.type === 'note' ? 'note' : 'layer', title: `T-${n.id}`, detail: `D-${n.id}`, issue: n.id === 'bad' ? 'error' : null });
const fallback: HandleFallback = { size: { width: 180, height: 86 }, handleTop: 19, portGap: 18, inputIndex: (_n, port) => (port === 'in2' ? 1 : 0) };
const node = (id: string, x: number, y: number, extra: Partial<FlowNodeLike> = {}): FlowNodeLike => ({
  id,
  type: 'layer',
  data: {},
  measured: { width: 180, height: 60 },
  internals: { positionAbsolute: { x, y } },
  ...extra,
});

describe('overviewScene', () => {
  it('places cards at their flow positions and sizes, with unmeasured ones at the default size', () => {
    const scene = overviewScene([node('a', 10, 20), node('b', 300, 20, { measured: undefined })], [], describeNode, fallback);
    expect(scene.cards).toEqual([
      { id: 'a', kind: 'layer', title: 'T-a', detail: 'D-a', issue: null, selected: false, x: 10, y: 20, width: 180, height: 60 },
      { id: 'b', kind: 'layer', title: 'T-b', detail: 'D-b', issue: null, selected: false, x: 300, y: 20, width: 180, height: 86 },
    ]);
  });

  it('stacks selected (raised) cards last, as React Flow does, and leaves hidden ones out', () => {
    const scene = overviewScene(
      [node('a', 0, 0, { selected: true, internals: { positionAbsolute: { x: 0, y: 0 }, z: 1000 } }), node('b', 0, 0), node('h', 0, 0, { hidden: true })],
      [],
      describeNode,
      fallback,
    );
    expect(scene.cards.map((c) => c.id)).toEqual(['b', 'a']);
    expect(scene.cards[1]?.selected).toBe(true);
  });

  it('joins measured handle centres, or the fallback positions of unmeasured handles', () => {
    const a = node('a', 0, 0, { internals: { positionAbsolute: { x: 0, y: 0 }, handleBounds: { source: [{ id: 'out', x: 176, y: 15, width: 8, height: 8 }] } } });
    const b = node('b', 400, 100);
    const scene = overviewScene(
      [a, b],
      [
        { id: 'e1', source: 'a', target: 'b', sourceHandle: 'out', targetHandle: 'in2', className: 'is-error is-insert-target' },
        { id: 'e2', source: 'a', target: 'gone' },
      ],
      describeNode,
      fallback,
    );
    expect(scene.links).toEqual([{ id: 'e1', source: 'a', target: 'b', from: { x: 180, y: 19 }, to: { x: 400, y: 100 + 19 + 18 }, selected: false, error: true, insert: true }]);
  });
});

describe('cardAt', () => {
  const scene = overviewScene([node('under', 0, 0), node('over', 100, 30)], [], describeNode, fallback);
  it('finds the topmost card under a point', () => {
    expect(cardAt(scene.cards, { x: 150, y: 40 })?.id).toBe('over');
    expect(cardAt(scene.cards, { x: 50, y: 40 })?.id).toBe('under');
  });
  it('finds nothing between cards', () => {
    expect(cardAt(scene.cards, { x: 50, y: 70 })).toBeNull();
    expect(cardAt(scene.cards, { x: -1, y: 10 })).toBeNull();
  });
});

describe('shiftScene', () => {
  it('moves the dragged cards and the ends of their connections, and nothing else', () => {
    const scene = overviewScene(
      [node('a', 0, 0), node('b', 300, 0), node('c', 600, 0)],
      [
        { id: 'ab', source: 'a', target: 'b' },
        { id: 'bc', source: 'b', target: 'c' },
      ],
      describeNode,
      fallback,
    );
    const moved = shiftScene(scene, new Set(['b']), { x: 10, y: -5 });
    expect(moved.cards.map((c) => [c.id, c.x, c.y])).toEqual([
      ['a', 0, 0],
      ['b', 310, -5],
      ['c', 600, 0],
    ]);
    expect(moved.links.map((l) => [l.id, l.from, l.to])).toEqual([
      ['ab', { x: 180, y: 19 }, { x: 310, y: 14 }],
      ['bc', { x: 490, y: 14 }, { x: 600, y: 19 }],
    ]);
    // The scene it came from is unchanged (it is cached between frames).
    expect(scene.cards[1]?.x).toBe(300);
  });
});

describe('paneToFlow', () => {
  it('undoes the pane offset, the pan and the zoom', () => {
    expect(paneToFlow({ x: 340, y: 160 }, { left: 240, top: 60 }, [20, -40, 0.5])).toEqual({ x: 160, y: 280 });
    expect(paneToFlow({ x: 240, y: 60 }, { left: 240, top: 60 }, [0, 0, 2])).toEqual({ x: 0, y: 0 });
  });
});

describe('clickSelection', () => {
  const sel = { nodes: ['a', 'b'], edges: ['e'] };
  it('selects the card alone, or leaves a selection that holds it as it is (to drag the group)', () => {
    expect(clickSelection(sel, 'c', false)).toEqual({ nodes: ['c'], edges: [] });
    expect(clickSelection(sel, 'b', false)).toBeNull();
  });
  it('adds or removes the card with Shift/Ctrl/Cmd, keeping the selected connections', () => {
    expect(clickSelection(sel, 'c', true)).toEqual({ nodes: ['a', 'b', 'c'], edges: ['e'] });
    expect(clickSelection(sel, 'a', true)).toEqual({ nodes: ['b'], edges: ['e'] });
  });
});
