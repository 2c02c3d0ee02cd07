import { SETTLE_MS } from './far-zoom';

/**
 * Below this zoom a large graph is shown as an overview: React Flow's cards and connections stay
 * mounted but are skipped by the browser (`content-visibility: hidden`), and one `<canvas>` draws
 * them instead (overview-draw.ts). With a few hundred cards in the DOM a zoomed-out step costs more
 * than a refresh in software rendering whatever the cards show; drawn on a canvas it costs about a
 * millisecond. At this zoom a card's small print is already hidden (far-zoom.ts); the overview
 * draws what is left, the title and the output shape.
 */
export const OVERVIEW_ZOOM = 0.5;

/** Smaller graphs keep their cards at every zoom: they are cheap enough to draw as they are. */
export const OVERVIEW_MIN_CARDS = 80;

export type XY = { x: number; y: number };
export type Rect = { x: number; y: number; width: number; height: number };

export type OverviewCard = Rect & {
  id: string;
  kind: 'layer' | 'note';
  title: string;
  /** The second line: a layer's output shape. */
  detail: string;
  selected: boolean;
  issue: 'error' | 'warning' | null;
};

export type OverviewLink = {
  id: string;
  source: string;
  target: string;
  from: XY;
  to: XY;
  selected: boolean;
  error: boolean;
  /** The connection a dragged layer would be inserted into. */
  insert: boolean;
};

/** What the overview draws, in flow coordinates, cards in drawing order (last on top). */
export type OverviewScene = { cards: OverviewCard[]; links: OverviewLink[] };

/** The parts of React Flow's internal node the overview reads. */
export type FlowNodeLike = {
  id: string;
  type?: string | undefined;
  selected?: boolean | undefined;
  hidden?: boolean | undefined;
  data: unknown;
  measured?: { width?: number | undefined; height?: number | undefined } | undefined;
  internals: {
    positionAbsolute: XY;
    z?: number | undefined;
    handleBounds?: { source?: readonly HandleLike[] | null | undefined; target?: readonly HandleLike[] | null | undefined } | null | undefined;
  };
};
export type HandleLike = { id?: string | null | undefined; x: number; y: number; width: number; height: number };
export type FlowEdgeLike = {
  id: string;
  source: string;
  target: string;
  sourceHandle?: string | null | undefined;
  targetHandle?: string | null | undefined;
  selected?: boolean | undefined;
  hidden?: boolean | undefined;
  className?: string | undefined;
};

/** Where a handle sits when React Flow has not measured the card (it is hidden in the overview). */
export type HandleFallback = { size: { width: number; height: number }; handleTop: number; portGap: number; inputIndex(node: FlowNodeLike, port: string): number };

/** A card's title and its worst issue, read from the node's data. */
export type Describe = (node: FlowNodeLike) => Pick<OverviewCard, 'kind' | 'title' | 'detail' | 'issue'>;

/** A handle's centre in flow coordinates: measured where React Flow has measured it. */
export function handleCentre(node: FlowNodeLike, side: 'source' | 'target', id: string, fallback: HandleFallback): XY {
  const p = node.internals.positionAbsolute;
  const bounds = node.internals.handleBounds?.[side];
  const h = bounds?.find((b) => (b.id ?? null) === id) ?? (bounds?.length === 1 ? bounds[0] : undefined);
  if (h) return { x: p.x + h.x + h.width / 2, y: p.y + h.y + h.height / 2 };
  const width = node.measured?.width ?? fallback.size.width;
  if (side === 'source') return { x: p.x + width, y: p.y + fallback.handleTop };
  return { x: p.x, y: p.y + fallback.handleTop + Math.max(0, fallback.inputIndex(node, id)) * fallback.portGap };
}

/** The overview's scene from React Flow's nodes and edges (hidden ones left out). */
export function overviewScene(nodes: Iterable<FlowNodeLike>, edges: readonly FlowEdgeLike[], describe: Describe, fallback: HandleFallback): OverviewScene {
  const byId = new Map<string, FlowNodeLike>();
  const cards: (OverviewCard & { z: number; order: number })[] = [];
  let order = 0;
  for (const n of nodes) {
    if (n.hidden) continue;
    byId.set(n.id, n);
    const d = describe(n);
    const p = n.internals.positionAbsolute;
    cards.push({
      id: n.id,
      kind: d.kind,
      title: d.title,
      detail: d.detail,
      issue: d.issue,
      selected: n.selected ?? false,
      x: p.x,
      y: p.y,
      width: n.measured?.width ?? fallback.size.width,
      height: n.measured?.height ?? fallback.size.height,
      z: n.internals.z ?? 0,
      order: order++,
    });
  }
  // React Flow stacks by z (selected cards are raised), then by order.
  cards.sort((a, b) => a.z - b.z || a.order - b.order);
  const links: OverviewLink[] = [];
  for (const e of edges) {
    const s = byId.get(e.source);
    const t = byId.get(e.target);
    if (e.hidden || !s || !t) continue;
    const classes = (e.className ?? '').split(/\s+/);
    links.push({
      id: e.id,
      source: e.source,
      target: e.target,
      from: handleCentre(s, 'source', e.sourceHandle ?? 'out', fallback),
      to: handleCentre(t, 'target', e.targetHandle ?? 'in', fallback),
      selected: e.selected ?? false,
      error: classes.includes('is-error'),
      insert: classes.includes('is-insert-target'),
    });
  }
  return { cards: cards.map(({ z: _z, order: _o, ...c }) => c), links };
}

/**
 * The scene with the cards `ids` moved by `delta` and their connections' ends with them: a drag
 * in the overview is drawn from this alone, and the document changes once, when the drag ends.
 */
export function shiftScene(scene: OverviewScene, ids: ReadonlySet<string>, delta: XY): OverviewScene {
  const by = (p: XY): XY => ({ x: p.x + delta.x, y: p.y + delta.y });
  return {
    cards: scene.cards.map((c) => (ids.has(c.id) ? { ...c, x: c.x + delta.x, y: c.y + delta.y } : c)),
    links: scene.links.map((l) => (ids.has(l.source) || ids.has(l.target) ? { ...l, from: ids.has(l.source) ? by(l.from) : l.from, to: ids.has(l.target) ? by(l.to) : l.to } : l)),
  };
}

/**
 * The two control points of React Flow's bezier from a right-hand handle to a left-hand one
 * (`getBezierPath`, curvature 0.25), so a connection in the overview follows the same curve.
 */
export function bezierControls(from: XY, to: XY, curvature = 0.25): [XY, XY] {
  const offset = (distance: number) => (distance >= 0 ? 0.5 * distance : curvature * 25 * Math.sqrt(-distance));
  return [
    { x: from.x + offset(to.x - from.x), y: from.y },
    { x: to.x - offset(to.x - from.x), y: to.y },
  ];
}

/** The topmost card under a point in flow coordinates. */
export function cardAt(cards: readonly OverviewCard[], p: XY): OverviewCard | null {
  for (let i = cards.length - 1; i >= 0; i--) {
    const c = cards[i]!;
    if (p.x >= c.x && p.x <= c.x + c.width && p.y >= c.y && p.y <= c.y + c.height) return c;
  }
  return null;
}

/** A client point over the pane, in flow coordinates, given the pane's box and React Flow's transform `[x, y, zoom]`. */
export function paneToFlow(client: XY, box: { left: number; top: number }, transform: readonly [number, number, number]): XY {
  const [tx, ty, zoom] = transform;
  return { x: (client.x - box.left - tx) / zoom, y: (client.y - box.top - ty) / zoom };
}

type NodeSelection = { readonly nodes: readonly string[]; readonly edges: readonly string[] };

/**
 * The selection after a press on card `id` in the overview: with Shift/Ctrl/Cmd (`multi`) the card
 * joins or leaves it; without, the card alone, or null (unchanged) when it is already selected, so
 * that a group can be dragged by any of its cards.
 */
export function clickSelection(sel: NodeSelection, id: string, multi: boolean): { nodes: string[]; edges: readonly string[] } | null {
  const was = sel.nodes.includes(id);
  if (multi) return { nodes: was ? sel.nodes.filter((n) => n !== id) : [...sel.nodes, id], edges: sel.edges };
  return was ? null : { nodes: [id], edges: [] };
}

/**
 * When the canvas enters and leaves the overview. Entering is cheap (the cards are skipped, one
 * canvas is drawn), so it happens on the zoom step that crosses OVERVIEW_ZOOM. Leaving paints every
 * card on screen at once, so it waits until the zoom has rested for `settleMs`; in the meantime the
 * overview goes on drawing at the new zoom. `allowed` is false for a graph under
 * OVERVIEW_MIN_CARDS, and while a card is not measured yet (one added while zoomed out must be
 * rendered to be measured): then the overview is left at once.
 */
export function overviewSwitch(apply: (on: boolean) => void, settleMs = SETTLE_MS) {
  let shown = false;
  let lastZoom: number | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const cancel = () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
  };
  const show = (on: boolean) => {
    cancel();
    if (on === shown) return;
    shown = on;
    apply(on);
  };
  return {
    /** React Flow's state changed: its zoom, and whether the overview may show (see above). */
    update(zoom: number, allowed: boolean) {
      const moved = zoom !== lastZoom;
      lastZoom = zoom;
      if (!allowed) return show(false);
      if (zoom < OVERVIEW_ZOOM) return show(true);
      if (!shown) return;
      if (moved || timer === null) {
        cancel();
        timer = setTimeout(() => show(false), settleMs);
      }
    },
    get on() {
      return shown;
    },
    dispose() {
      cancel();
    },
  };
}
