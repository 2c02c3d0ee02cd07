import type { Trace } from '../../../shared/training/explain';

/**
 * Step mode's arithmetic (pure): a traced example has n layers in forward order;
 * steps 0..n-1 walk the forward pass (layer i's output appears on its card),
 * steps n..2n-1 walk the backward pass from the last layer to the Input (each
 * card gets the loss's gradient norms). Layers inside a block belong to the
 * block's card.
 */
export interface StepPlan {
  /** Layers traced. */
  readonly layers: number;
  /** Steps: forward then backward. */
  readonly steps: number;
  /** The canvas card of each traced layer (null: none on the canvas). */
  readonly cardOf: readonly (string | null)[];
  /** Each card's layers, in forward order. */
  readonly layersOfCard: ReadonlyMap<string, readonly number[]>;
}

export interface StepPosition {
  readonly phase: 'forward' | 'backward';
  /** The traced layer this step is at. */
  readonly layer: number;
  /** 1-based place within its phase. */
  readonly ordinal: number;
}

/** The plan of a trace whose layers' nodes map to cards by `ownerOf` (expanded node id -> top-level card). */
export function stepPlan(trace: Pick<Trace, 'layers'>, ownerOf: (nodeId: string) => string | undefined): StepPlan {
  const cardOf = trace.layers.map((l) => (l.nodeId === null ? null : (ownerOf(l.nodeId) ?? null)));
  const layersOfCard = new Map<string, number[]>();
  cardOf.forEach((card, i) => {
    if (card === null) return;
    const list = layersOfCard.get(card) ?? [];
    list.push(i);
    layersOfCard.set(card, list);
  });
  return { layers: trace.layers.length, steps: 2 * trace.layers.length, cardOf, layersOfCard };
}

export function clampStep(plan: StepPlan, step: number): number {
  return Math.max(0, Math.min(plan.steps - 1, step));
}

export function positionAt(plan: StepPlan, step: number): StepPosition {
  const s = clampStep(plan, step);
  return s < plan.layers ? { phase: 'forward', layer: s, ordinal: s + 1 } : { phase: 'backward', layer: plan.steps - 1 - s, ordinal: s - plan.layers + 1 };
}

/** What one card shows at a step. */
export interface CardStepView {
  /** The step is at one of this card's layers. */
  readonly current: boolean;
  /** The layer whose output the card shows (its last layer the forward pass has reached); null: not reached yet. */
  readonly output: number | null;
  /** Backward pass at or past this card: ‖∂loss/∂output‖ of its last layer, and ‖∂loss/∂weights‖ over its layers reached so far (null: no weights). */
  readonly gradient: { readonly output: number | null; readonly weights: number | null } | null;
  /** A block's card at a step inside it: which of its layers (1-based) of how many. */
  readonly inner: { readonly index: number; readonly count: number; readonly layer: number } | null;
}

export function cardView(plan: StepPlan, trace: Pick<Trace, 'layers'>, step: number, card: string): CardStepView | null {
  const mine = plan.layersOfCard.get(card);
  if (!mine || mine.length === 0) return null;
  const pos = positionAt(plan, step);
  const reached = pos.phase === 'forward' ? mine.filter((i) => i <= pos.layer) : mine;
  const current = mine.includes(pos.layer);
  let gradient: CardStepView['gradient'] = null;
  if (pos.phase === 'backward') {
    const visited = mine.filter((i) => i >= pos.layer);
    if (visited.length > 0) {
      const last = trace.layers[mine[mine.length - 1] as number];
      const weights = visited.flatMap((i) => trace.layers[i]?.weightGradients ?? []);
      gradient = {
        output: last?.gradientNorm ?? null,
        weights: weights.length > 0 ? Math.sqrt(weights.reduce((s, w) => s + w.norm * w.norm, 0)) : null,
      };
    }
  }
  return {
    current,
    output: reached.length > 0 ? (reached[reached.length - 1] as number) : null,
    gradient,
    inner: current && mine.length > 1 ? { index: mine.indexOf(pos.layer) + 1, count: mine.length, layer: pos.layer } : null,
  };
}

/** A text that changes exactly when what the card shows changes (for a store selector). */
export function cardViewKey(v: CardStepView | null): string {
  if (!v) return '';
  return [v.current ? 'c' : '', v.output ?? '-', v.gradient ? `g${v.gradient.output}:${v.gradient.weights}` : '', v.inner ? `i${v.inner.index}` : ''].join('|');
}
