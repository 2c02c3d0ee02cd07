import { z } from 'zod';

/**
 * Per-layer insight (issue 5): weight and activation histograms per epoch, the
 * activations of one example through the network, and the live decision grid.
 */

/** Bins of every histogram the trainer computes. */
export const HISTOGRAM_BINS = 30;
/** Validation (or test) samples the activation histograms are computed over, the same every epoch. */
export const PROBE_SAMPLES = 32;
/** Channels of a conv output shown as feature maps, and the largest side of each map. */
export const MAX_FEATURE_MAPS = 16;
export const MAX_MAP_SIDE = 32;
/** Values of a vector output shown. */
export const MAX_VECTOR_VALUES = 256;
/** The live decision grid: `LIVE_GRID_SIZE`² points over the plane, at most every `LIVE_GRID_INTERVAL_MS` (and after the last batch). */
export const LIVE_GRID_SIZE = 50;
export const LIVE_GRID_INTERVAL_MS = 500;
/** The plane the decision boundary is drawn over: the synthetic sets lie roughly in [-1, 1]. */
export const BOUNDARY_RANGE: [number, number] = [-1.5, 1.5];

/** What a two-feature model predicts over a grid, with the training points to draw over it. */
export const DecisionGridSchema = z.object({
  xRange: z.tuple([z.number(), z.number()]),
  yRange: z.tuple([z.number(), z.number()]),
  size: z.number().int(),
  /**
   * Probability of class B (index 1, the positive class) per cell, `size * size` values,
   * row by row from the top (largest y) down, each row from the smallest x.
   */
  positive: z.array(z.number()),
  /** Up to 500 training points (x, y, class index). */
  points: z.array(z.object({ x: z.number(), y: z.number(), label: z.number().int() })),
  /** Class names, where the data set has its own (absent: A and B). */
  classNames: z.array(z.string()).optional(),
  /** More than two classes: the most likely class per cell and its probability, cells as in `positive`. */
  predicted: z.array(z.number().int()).optional(),
  confidence: z.array(z.number()).optional(),
  /** Tabular data: the features across (x) and up (y), the numeric ones to choose from, and those held at their training means. */
  axes: z
    .object({
      x: z.string(),
      y: z.string(),
      numeric: z.array(z.string()),
      heldAtMean: z.array(z.string()),
    })
    .optional(),
});
export type DecisionGrid = z.infer<typeof DecisionGridSchema>;

/** Values summarised: `counts[i]` values fall in bin i of `bins` equal bins from `min` to `max` (the last bin includes `max`). */
export const HistogramSchema = z.object({
  min: z.number(),
  max: z.number(),
  mean: z.number(),
  std: z.number(),
  /** Values counted (non-finite values are left out). */
  count: z.number().int(),
  counts: z.array(z.number().int()).max(1000),
});
export type Histogram = z.infer<typeof HistogramSchema>;

export const LayerInsightSchema = z.object({
  /** The tfjs layer name (`conv2d_Conv2D1`). */
  layer: z.string(),
  /** The layer class (`Conv2D`). */
  className: z.string(),
  /** One histogram per weight tensor (kernel, bias, ...). */
  weights: z.array(z.object({ name: z.string(), shape: z.array(z.number().int()), histogram: HistogramSchema })),
  /** The layer's output over the probe batch; null where it could not be computed. */
  activation: z.object({ shape: z.array(z.number().int().nullable()), histogram: HistogramSchema }).nullable(),
});
export type LayerInsight = z.infer<typeof LayerInsightSchema>;

export const EpochInsightSchema = z.object({
  epoch: z.number().int(),
  layers: z.array(LayerInsightSchema).max(1000),
});
export type EpochInsight = z.infer<typeof EpochInsightSchema>;

/** A run's insight as `runs.insight` answers it: every epoch's so far. */
export const InsightFileSchema = z.object({
  version: z.literal(1),
  /** Samples the activation histograms were computed over. */
  probeSamples: z.number().int(),
  epochs: z.array(EpochInsightSchema),
});
export type InsightFile = z.infer<typeof InsightFileSchema>;

/**
 * In the run folder, `insight.jsonl`: a header line, then one line per epoch,
 * appended as training goes (a long run never rewrites what it wrote).
 */
export const INSIGHT_FILE = 'insight.jsonl';
export const InsightHeaderSchema = z.object({ format: z.literal('netwright-insight'), version: z.literal(1), probeSamples: z.number().int() });

export function insightHeaderLine(probeSamples: number): string {
  return `${JSON.stringify({ format: 'netwright-insight', version: 1, probeSamples })}\n`;
}

export function insightEpochLine(epoch: EpochInsight): string {
  return `${JSON.stringify(epoch)}\n`;
}

/**
 * Reads `insight.jsonl`. A last line cut short (the trainer was killed while
 * appending) is left out; any other bad line throws.
 */
export function parseInsightLines(text: string): InsightFile {
  const lines = text.split('\n');
  const complete = text.endsWith('\n');
  if (complete) lines.pop();
  const parse = (line: string): unknown => {
    try {
      return JSON.parse(line) as unknown;
    } catch {
      return undefined;
    }
  };
  const header = InsightHeaderSchema.safeParse(parse(lines[0] ?? ''));
  if (!header.success) throw new Error('its header line is missing or not version 1');
  const epochs: EpochInsight[] = [];
  for (let i = 1; i < lines.length; i++) {
    const parsed = EpochInsightSchema.safeParse(parse(lines[i] as string));
    if (parsed.success) epochs.push(parsed.data);
    else if (i === lines.length - 1 && !complete) break;
    else throw new Error(`line ${i + 1} is damaged`);
  }
  return { version: 1, probeSamples: header.data.probeSamples, epochs };
}

/** Histogram of the finite values in `values`: count, min, max, mean, population std and `bins` equal bins. */
export function histogram(values: ArrayLike<number>, bins: number = HISTOGRAM_BINS): Histogram {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let sum = 0;
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
    count++;
  }
  const counts = new Array<number>(bins).fill(0);
  if (count === 0) return { min: 0, max: 0, mean: 0, std: 0, count: 0, counts };
  const mean = sum / count;
  let sq = 0;
  const width = (max - min) / bins;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (!Number.isFinite(v)) continue;
    sq += (v - mean) ** 2;
    // All values equal: everything lands in the first bin.
    const bin = width > 0 ? Math.min(bins - 1, Math.floor((v - min) / width)) : 0;
    counts[bin] = (counts[bin] as number) + 1;
  }
  return { min, max, mean, std: Math.sqrt(sq / count), count, counts };
}
