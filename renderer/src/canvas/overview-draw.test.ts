import { describe, expect, it } from 'vitest';
import { drawOverview, TITLE_MIN_PX, type OverviewColours, type OverviewContext } from './overview-draw';
import type { OverviewCard, OverviewScene } from './overview';

const colours: OverviewColours = {
  card: 'card',
  head: 'head',
  border: 'border',
  accent: 'accent',
  danger: 'danger',
  warning: 'warning',
  link: 'link',
  text: 'text',
  note: 'note',
  noteBorder: 'note-border',
};

type Call = { op: string; args: unknown[]; fillStyle: unknown; strokeStyle: unknown; lineWidth: number };

/** A 2D context that records what is drawn, with the style in force at each call. */
function recorder() {
  const calls: Call[] = [];
  const ctx = { fillStyle: '' as unknown, strokeStyle: '' as unknown, lineWidth: 1, font: '', textBaseline: 'alphabetic' as CanvasTextBaseline } as OverviewContext;
  for (const op of ['setTransform', 'clearRect', 'beginPath', 'moveTo', 'bezierCurveTo', 'rect', 'fill', 'stroke', 'fillText'] as const) {
    (ctx as unknown as Record<string, unknown>)[op] = (...args: unknown[]) => calls.push({ op, args, fillStyle: ctx.fillStyle, strokeStyle: ctx.strokeStyle, lineWidth: ctx.lineWidth });
  }
  return { ctx, calls };
}

const card = (id: string, x: number, extra: Partial<OverviewCard> = {}): OverviewCard => ({ id, kind: 'layer', title: id, detail: '[?, 16]', selected: false, issue: null, x, y: 0, width: 180, height: 60, ...extra });
const size = { width: 800, height: 600, dpr: 2 };

describe('drawOverview', () => {
  it('draws in flow coordinates scaled to the view and the device pixel ratio', () => {
    const { ctx, calls } = recorder();
    drawOverview(ctx, { cards: [card('a', 0)], links: [] }, { x: 40, y: 30, zoom: 0.25 }, size, colours);
    expect(calls[0]).toMatchObject({ op: 'setTransform', args: [1, 0, 0, 1, 0, 0] });
    expect(calls[1]).toMatchObject({ op: 'clearRect', args: [0, 0, 1600, 1200] });
    expect(calls[2]).toMatchObject({ op: 'setTransform', args: [0.5, 0, 0, 0.5, 80, 60] });
  });

  it('borders a selected card in the accent colour, with a ring, and a card with an error in the danger colour', () => {
    const { ctx, calls } = recorder();
    const cards = [card('plain', 0), card('sel', 200, { selected: true }), card('bad', 400, { issue: 'error' }), card('both', 600, { issue: 'error', selected: true })];
    drawOverview(ctx, { cards, links: [] }, { x: 0, y: 0, zoom: 0.2 }, size, colours);
    expect(calls.filter((c) => c.op === 'stroke').map((c) => c.strokeStyle)).toEqual(['border', 'accent', 'accent', 'danger', 'danger', 'accent']);
    // Borders stay at least a screen pixel wide however far out the view is.
    for (const c of calls.filter((k) => k.op === 'stroke')) expect(c.lineWidth * 0.2).toBeGreaterThanOrEqual(1);
  });

  it('draws the title and output shape only once they are big enough to read', () => {
    const scene: OverviewScene = { cards: [card('Dense', 0, { height: 70 })], links: [] };
    const small = recorder();
    drawOverview(small.ctx, scene, { x: 0, y: 0, zoom: (TITLE_MIN_PX - 0.5) / 13 }, size, colours);
    expect(small.calls.some((c) => c.op === 'fillText')).toBe(false);
    const big = recorder();
    drawOverview(big.ctx, scene, { x: 0, y: 0, zoom: 0.4 }, size, colours);
    const texts = big.calls.filter((c) => c.op === 'fillText');
    expect(texts.map((c) => c.args)).toEqual([
      ['Dense', 12, 24, 156],
      ['[?, 16]', 12, 56, 156],
    ]);
    expect(texts.every((c) => c.fillStyle === 'text')).toBe(true);
  });

  it('leaves the output shape out of a card too short to hold it', () => {
    const { ctx, calls } = recorder();
    drawOverview(ctx, { cards: [card('Dense', 0, { height: 40 })], links: [] }, { x: 0, y: 0, zoom: 0.4 }, size, colours);
    expect(calls.filter((c) => c.op === 'fillText').map((c) => c.args[0])).toEqual(['Dense']);
  });

  it('skips cards and connections off screen', () => {
    const { ctx, calls } = recorder();
    const far = 100_000;
    const scene: OverviewScene = {
      cards: [card('on', 0), card('off', far)],
      links: [
        { id: 'on', source: 'on', target: 'x', from: { x: 180, y: 19 }, to: { x: 400, y: 19 }, selected: false, error: false, insert: false },
        { id: 'off', source: 'off', target: 'y', from: { x: far, y: 19 }, to: { x: far + 200, y: 19 }, selected: false, error: false, insert: false },
      ],
    };
    drawOverview(ctx, scene, { x: 0, y: 0, zoom: 0.2 }, size, colours);
    expect(calls.filter((c) => c.op === 'bezierCurveTo')).toHaveLength(1);
    expect(calls.filter((c) => c.op === 'rect' && c.args[0] === far)).toHaveLength(0);
    expect(calls.filter((c) => c.op === 'rect' && c.args[0] === 0).length).toBeGreaterThan(0);
  });

  it('strokes connections in one path per colour: plain, error, selected or insert target', () => {
    const { ctx, calls } = recorder();
    const link = (id: string, extra: object) => ({ id, source: 'a', target: 'b', from: { x: 0, y: 0 }, to: { x: 100, y: 10 }, selected: false, error: false, insert: false, ...extra });
    drawOverview(ctx, { cards: [], links: [link('a', {}), link('b', {}), link('c', { error: true }), link('d', { insert: true })] }, { x: 0, y: 0, zoom: 0.2 }, size, colours);
    expect(calls.filter((c) => c.op === 'stroke').map((c) => c.strokeStyle)).toEqual(['link', 'danger', 'accent']);
    expect(calls.filter((c) => c.op === 'bezierCurveTo')).toHaveLength(4);
  });
});
