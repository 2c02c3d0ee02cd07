import { describe, expect, it } from 'vitest';
import type { Trace } from '../../../shared/training/explain';
import { cardView, cardViewKey, positionAt, stepPlan } from './step-plan';

/** Input -> conv -> block b1 (two inner layers) -> dense, as a trace's layers. */
function trace(): Pick<Trace, 'layers'> {
  const layer = (layer: string, nodeId: string | null, gradientNorm: number | null, weights: number[] = []) => ({
    layer,
    className: 'X',
    nodeId,
    inputs: [],
    shape: [2],
    output: { kind: 'vector' as const, total: 2, values: [0, 1], min: 0, max: 1 },
    gradientNorm,
    weightGradients: weights.map((norm, i) => ({ name: `w${i}`, shape: [1], norm })),
  });
  return {
    layers: [layer('input_1', 'in', 0.5), layer('conv_1', 'c', 1, [3]), layer('a_1', 'b1/a', 2, [3]), layer('add_1', 'b1/add', 4), layer('dense_1', 'd', 5, [6, 8]), layer('orphan', null, 1)],
  };
}

const owner = (id: string) => id.split('/')[0];

describe('step mode plan', () => {
  it('walks forward through the layers, then backward from the last', () => {
    const plan = stepPlan(trace(), owner);
    expect(plan.steps).toBe(12);
    expect(positionAt(plan, 0)).toEqual({ phase: 'forward', layer: 0, ordinal: 1 });
    expect(positionAt(plan, 5)).toEqual({ phase: 'forward', layer: 5, ordinal: 6 });
    expect(positionAt(plan, 6)).toEqual({ phase: 'backward', layer: 5, ordinal: 1 });
    expect(positionAt(plan, 11)).toEqual({ phase: 'backward', layer: 0, ordinal: 6 });
    expect(positionAt(plan, 99)).toEqual(positionAt(plan, 11));
    expect(plan.layersOfCard.get('b1')).toEqual([2, 3]);
    expect(plan.cardOf[5]).toBeNull();
  });

  it('shows a card’s output once reached, a block’s step inside it, and gradient norms on the way back', () => {
    const t = trace();
    const plan = stepPlan(t, owner);
    expect(cardView(plan, t, 1, 'b1')).toMatchObject({ current: false, output: null, gradient: null });
    expect(cardView(plan, t, 2, 'b1')).toMatchObject({ current: true, output: 2, inner: { index: 1, count: 2 } });
    expect(cardView(plan, t, 3, 'b1')).toMatchObject({ current: true, output: 3, inner: { index: 2, count: 2 } });
    expect(cardView(plan, t, 4, 'b1')).toMatchObject({ current: false, output: 3, inner: null });
    // Backward: dense first (step 7), its weights' norm sqrt(6² + 8²) = 10.
    expect(cardView(plan, t, 7, 'd')).toMatchObject({ current: true, gradient: { output: 5, weights: 10 } });
    expect(cardView(plan, t, 7, 'b1')?.gradient).toBeNull();
    // The block's output gradient (add) as soon as the pass enters it; its weights once it reaches them.
    expect(cardView(plan, t, 8, 'b1')?.gradient).toEqual({ output: 4, weights: null });
    expect(cardView(plan, t, 9, 'b1')?.gradient).toEqual({ output: 4, weights: 3 });
    expect(cardView(plan, t, 11, 'in')).toMatchObject({ current: true, output: 0, gradient: { output: 0.5, weights: null } });
    expect(cardView(plan, t, 0, 'nope')).toBeNull();
  });

  it('keys change exactly when a card’s view does', () => {
    const t = trace();
    const plan = stepPlan(t, owner);
    expect(cardViewKey(cardView(plan, t, 0, 'd'))).toBe(cardViewKey(cardView(plan, t, 1, 'd')));
    expect(cardViewKey(cardView(plan, t, 4, 'd'))).not.toBe(cardViewKey(cardView(plan, t, 3, 'd')));
    expect(cardViewKey(cardView(plan, t, 5, 'd'))).not.toBe(cardViewKey(cardView(plan, t, 4, 'd')));
    expect(cardViewKey(null)).toBe('');
  });
});
