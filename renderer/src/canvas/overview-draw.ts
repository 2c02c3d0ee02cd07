import { bezierControls, type OverviewCard, type OverviewScene } from './overview';

/** The theme's colours, read from the canvas's CSS variables. */
export type OverviewColours = {
  card: string;
  head: string;
  border: string;
  accent: string;
  danger: string;
  warning: string;
  link: string;
  text: string;
  note: string;
  noteBorder: string;
};

/** The parts of a 2D context the overview uses (a recording fake in the tests). */
export type OverviewContext = Pick<
  CanvasRenderingContext2D,
  'setTransform' | 'clearRect' | 'beginPath' | 'moveTo' | 'bezierCurveTo' | 'rect' | 'fill' | 'stroke' | 'fillText'
> & { fillStyle: unknown; strokeStyle: unknown; lineWidth: number; font: string; textBaseline: CanvasTextBaseline };

/** React Flow's viewport: flow point p is drawn at (p.x * zoom + x, p.y * zoom + y) CSS pixels. */
export type View = { x: number; y: number; zoom: number };

/** Card geometry, as canvas.css draws the cards. */
const HEAD = 38;
const TITLE_PX = 13;
const TITLE_X = 12;
const TITLE_Y = 24;
const DETAIL_PX = 12;
const DETAIL_Y = 56;
/** Titles are drawn once they are at least this many pixels high. */
export const TITLE_MIN_PX = 3;

/** The part of the flow plane on screen, with a margin, for culling. */
function visibleFlowRect(view: View, width: number, height: number) {
  const margin = 20 / view.zoom;
  return { x0: -view.x / view.zoom - margin, y0: -view.y / view.zoom - margin, x1: (width - view.x) / view.zoom + margin, y1: (height - view.y) / view.zoom + margin };
}

function borderColour(c: OverviewCard, colours: OverviewColours): string {
  if (c.issue === 'error') return colours.danger;
  if (c.selected) return colours.accent;
  if (c.issue === 'warning') return colours.warning;
  return c.kind === 'note' ? colours.noteBorder : colours.border;
}

/**
 * Draws the overview: connections as React Flow's beziers, then each card as its body, title row,
 * border, title and output shape, in flow coordinates scaled to the view. Widths stay at least a
 * device pixel so that lines and borders do not vanish when zoomed far out. Cards and connections
 * off screen are skipped.
 */
export function drawOverview(
  ctx: OverviewContext,
  scene: OverviewScene,
  view: View,
  size: { width: number; height: number; dpr: number },
  colours: OverviewColours,
  fonts: { sans: string; mono: string } = { sans: 'system-ui, sans-serif', mono: 'monospace' },
): void {
  const { zoom, x, y } = view;
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, size.width * size.dpr, size.height * size.dpr);
  ctx.setTransform(zoom * size.dpr, 0, 0, zoom * size.dpr, x * size.dpr, y * size.dpr);
  const px = 1 / zoom;
  const vis = visibleFlowRect(view, size.width, size.height);

  // Connections, grouped by colour so each group is one path.
  const groups: [string, number, (l: OverviewScene['links'][number]) => boolean][] = [
    [colours.link, 1, (l) => !l.selected && !l.error && !l.insert],
    [colours.danger, 2, (l) => l.error && !l.selected && !l.insert],
    [colours.accent, 2, (l) => l.selected || l.insert],
  ];
  for (const [colour, width, pick] of groups) {
    let any = false;
    ctx.beginPath();
    for (const l of scene.links) {
      if (!pick(l)) continue;
      if (Math.max(l.from.x, l.to.x) < vis.x0 || Math.min(l.from.x, l.to.x) > vis.x1 || Math.max(l.from.y, l.to.y) < vis.y0 || Math.min(l.from.y, l.to.y) > vis.y1) continue;
      const [c1, c2] = bezierControls(l.from, l.to);
      ctx.moveTo(l.from.x, l.from.y);
      ctx.bezierCurveTo(c1.x, c1.y, c2.x, c2.y, l.to.x, l.to.y);
      any = true;
    }
    if (!any) continue;
    ctx.strokeStyle = colour;
    ctx.lineWidth = Math.max(width, width * px);
    ctx.stroke();
  }

  const titles = TITLE_PX * zoom >= TITLE_MIN_PX;
  const titleFont = `600 ${TITLE_PX}px ${fonts.sans}`;
  const detailFont = `${DETAIL_PX}px ${fonts.mono}`;
  ctx.textBaseline = 'alphabetic';
  for (const c of scene.cards) {
    if (c.x > vis.x1 || c.x + c.width < vis.x0 || c.y > vis.y1 || c.y + c.height < vis.y0) continue;
    ctx.beginPath();
    ctx.rect(c.x, c.y, c.width, c.height);
    ctx.fillStyle = c.kind === 'note' ? colours.note : colours.card;
    ctx.fill();
    if (c.kind === 'layer') {
      ctx.beginPath();
      ctx.rect(c.x, c.y, c.width, Math.min(HEAD, c.height));
      ctx.fillStyle = colours.head;
      ctx.fill();
    }
    ctx.beginPath();
    ctx.rect(c.x, c.y, c.width, c.height);
    ctx.strokeStyle = borderColour(c, colours);
    ctx.lineWidth = Math.max(c.selected || c.issue ? 3 : 1.5, (c.selected ? 2 : 1) * px);
    ctx.stroke();
    if (c.selected) {
      // A ring outside the border, so that a selected card with an error shows both.
      const gap = Math.max(5, 3 * px);
      ctx.beginPath();
      ctx.rect(c.x - gap, c.y - gap, c.width + 2 * gap, c.height + 2 * gap);
      ctx.strokeStyle = colours.accent;
      ctx.lineWidth = Math.max(2, 2 * px);
      ctx.stroke();
    }
    if (titles) {
      // Long text is narrowed to the card rather than cut (no clip per card).
      ctx.fillStyle = colours.text;
      if (c.title) {
        ctx.font = titleFont;
        ctx.fillText(c.title, c.x + TITLE_X, c.y + TITLE_Y, c.width - 2 * TITLE_X);
      }
      if (c.detail && c.height >= DETAIL_Y + 4) {
        ctx.font = detailFont;
        ctx.fillText(c.detail, c.x + TITLE_X, c.y + DETAIL_Y, c.width - 2 * TITLE_X);
      }
    }
  }
}
