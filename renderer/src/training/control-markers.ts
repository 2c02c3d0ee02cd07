import type { ControlEvent } from '../state/training';

/** A vertical marker on a chart: a live change at x (a global step, or an epoch position). */
export interface ChartMarker {
  readonly key: string;
  readonly x: number;
  /** What changed, for people: "learning rate → 0.1 (constant)". */
  readonly label: string;
  /** The global step the change took effect before. */
  readonly step: number;
}

/** Markers for the batch chart: each change at its global step. */
export function stepMarkers(controls: readonly ControlEvent[]): ChartMarker[] {
  return controls.map((c, i) => ({ key: `${i}`, x: c.step, label: c.text, step: c.step }));
}

/**
 * Markers for the per-epoch chart, whose point k is the end of epoch k (x = k + 1): a change
 * before batch b of epoch e sits at e + b / batchesPerEpoch.
 */
export function epochMarkers(controls: readonly ControlEvent[], batchesPerEpoch: number): ChartMarker[] {
  const bpe = Math.max(1, batchesPerEpoch);
  return controls.map((c, i) => ({ key: `${i}`, x: c.epoch + Math.min(c.batch, bpe) / bpe, label: c.text, step: c.step }));
}

/** Where the change took effect, in words: "step 120 (epoch 3, batch 1)". */
export function changePlace(c: { readonly step: number; readonly epoch: number; readonly batch: number }): string {
  return `step ${c.step} (epoch ${c.epoch + 1}, batch ${c.batch + 1})`;
}
