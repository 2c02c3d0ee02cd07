/**
 * Axis tick labels for the dashboard's charts. uPlot's default labels round to a few digits, so
 * ticks 0.0015 apart on a learning-rate axis read "0.002, 0.002, 0.001". Here every label of an
 * axis gets the same number of decimals, the fewest that tell all its ticks apart; where even 10
 * decimals do not (values closer than that), a repeated label is left blank rather than repeated.
 */

const MAX_DECIMALS = 10;

function fixed(v: number, decimals: number): string {
  const s = v.toFixed(decimals);
  // "-0.000" is zero.
  return /^-0(\.0*)?$/.test(s) ? s.slice(1) : s;
}

function exponential(v: number, digits: number): string {
  return v === 0 ? '0' : v.toExponential(digits);
}

function allDistinct(labels: readonly string[]): boolean {
  return new Set(labels).size === labels.length;
}

/** Blanks a label equal to the one before it. */
function dedupe(labels: readonly string[]): string[] {
  return labels.map((s, i) => (i > 0 && s === labels[i - 1] ? '' : s));
}

/** Labels for the ticks of one linear axis, in order. */
export function formatTicks(values: readonly number[]): string[] {
  if (values.length === 0) return [];
  const finite = values.filter((v) => Number.isFinite(v));
  const largest = Math.max(0, ...finite.map((v) => Math.abs(v)));
  const step = Math.min(Infinity, ...finite.slice(1).map((v, i) => Math.abs(v - (finite[i] as number))).filter((d) => d > 0));
  const tiny = largest > 0 && largest < 1e-3;
  if (largest >= 1e5 || tiny) {
    for (let d = 0; d <= MAX_DECIMALS; d++) {
      const labels = values.map((v) => (Number.isFinite(v) ? exponential(v, d) : String(v)));
      if (allDistinct(labels)) return labels;
    }
    return dedupe(values.map((v) => (Number.isFinite(v) ? exponential(v, MAX_DECIMALS) : String(v))));
  }
  // Start from the decimals the step between ticks needs, then add until all differ.
  const start = Number.isFinite(step) ? Math.max(0, Math.min(MAX_DECIMALS, -Math.floor(Math.log10(step) + 1e-9))) : 0;
  for (let d = start; d <= MAX_DECIMALS; d++) {
    const labels = values.map((v) => (Number.isFinite(v) ? fixed(v, d) : String(v)));
    if (allDistinct(labels)) return labels;
  }
  return dedupe(values.map((v) => (Number.isFinite(v) ? fixed(v, MAX_DECIMALS) : String(v))));
}

/** Axis font: about this many pixels per character of a 10 px label. */
const CHAR_WIDTH = 6;
/** Tick marks, the gap after them, the axis title and its gap. */
const FIXED = 10 + 5 + 14 + 5;

/**
 * Width of a vertical axis (uPlot's `size`) that holds its longest tick label and, beside it, the
 * axis title without the two overlapping.
 */
export function verticalAxisSize(labels: readonly (string | null | undefined)[] | null | undefined, minimum = 40): number {
  const longest = Math.max(0, ...(labels ?? []).map((s) => (s ?? '').length));
  return Math.max(minimum, Math.ceil(longest * CHAR_WIDTH + FIXED));
}
