import { z } from 'zod';
import { GraphSchema, TrainingSettingsSchema } from '../graph/document';
import { BackendReportSchema, EvaluationSchema, MetricsSchema } from './events';
import { AppliedChangeSchema } from './control';
import { WeightsReportSchema } from './weights-report';

/** Runs as stored beside a project (`<project>.runs/<runId>/run.json`) and as the contract returns them. */

export const RunStatusSchema = z.enum(['running', 'done', 'stopped', 'error']);

export const EpochRecordSchema = z.object({
  epoch: z.number().int(),
  train: MetricsSchema,
  validation: MetricsSchema.nullable(),
  learningRate: z.number(),
  seconds: z.number(),
});
export type EpochRecordData = z.infer<typeof EpochRecordSchema>;

/** What training did to the data, so prediction and export use exactly the same. */
export const PreprocessingSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('image'),
    height: z.number().int(),
    width: z.number().int(),
    channels: z.number().int(),
    /** Pixels are divided by this (255: values in 0..1). */
    scale: z.number(),
    classNames: z.array(z.string()),
  }),
  z.object({
    kind: z.literal('text'),
    /** Lower-cased, `<br />` removed, split on non-letters; id 0 pads, 1 is `<unk>`, words from 2 by frequency. */
    vocabulary: z.array(z.string()),
    sequenceLength: z.number().int(),
    /** Texts longer than the sequence keep their start (`pre`: their end). */
    truncate: z.enum(['post', 'pre']),
    padding: z.enum(['post', 'pre']),
    classNames: z.array(z.string()),
  }),
  z.object({
    kind: z.literal('tabular'),
    /** One entry per input column, in order. */
    columns: z.array(
      z.discriminatedUnion('type', [
        z.object({ type: z.literal('numeric'), name: z.string(), mean: z.number(), std: z.number() }),
        z.object({ type: z.literal('categorical'), name: z.string(), categories: z.array(z.string()) }),
      ]),
    ),
    /** Regression targets were standardized with these; predictions are scaled back. */
    target: z.object({ name: z.string(), mean: z.number(), std: z.number() }).nullable(),
    classNames: z.array(z.string()),
  }),
]);
export type Preprocessing = z.infer<typeof PreprocessingSchema>;

/** Where a run's weights came from when it did not start from fresh ones (absent: trained from scratch). */
export const RunOriginSchema = z.discriminatedUnion('kind', [
  /** Weights read from a model file by `import` (TF.js/Keras model.json with its shards, or ONNX). */
  z.object({ kind: z.literal('imported'), file: z.string(), format: z.enum(['tfjs', 'onnx']) }),
  /** Trained further from another run's weights. */
  z.object({ kind: z.literal('fineTuned'), runId: z.string() }),
  /** Another run's weights evaluated on the test set, not trained. */
  z.object({ kind: z.literal('evaluated'), runId: z.string() }),
]);
export type RunOrigin = z.infer<typeof RunOriginSchema>;

export const RunRecordSchema = z.object({
  runId: z.string(),
  name: z.string(),
  status: RunStatusSchema,
  projectPath: z.string().nullable(),
  settings: TrainingSettingsSchema,
  /** The seed the run trained with: the settings' seed, or the one it drew when they had none (absent: a run from before it was kept). */
  seed: z.number().int().min(0).max(2 ** 31 - 1).optional(),
  graph: GraphSchema,
  /** SHA-256 of the graph's layers, parameters and edges (positions and names ignored). */
  graphHash: z.string(),
  backend: BackendReportSchema.nullable(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  seconds: z.number(),
  trainSeconds: z.number(),
  samplesPerSec: z.number(),
  stopped: z.boolean(),
  earlyStoppedAt: z.number().int().nullable(),
  bestEpoch: z.number().int().nullable(),
  epochs: z.array(EpochRecordSchema),
  test: MetricsSchema.nullable(),
  evaluation: EvaluationSchema.nullable(),
  preprocessing: PreprocessingSchema.nullable(),
  totalParams: z.number().int(),
  /** Files of the final model, relative to the run folder; empty when nothing was trained. */
  modelFiles: z.array(z.string()),
  /** Files of the best epoch's model (`best/...`); empty when no checkpoint was kept. */
  bestModelFiles: z.array(z.string()),
  error: z.string().nullable(),
  origin: RunOriginSchema.optional(),
  /** Started from another run's weights: the layers loaded, fresh and dropped. */
  weights: WeightsReportSchema.optional(),
  /** Changes made while it trained, in the order they took effect (absent: none, or a run from before they were kept). */
  controls: z.array(AppliedChangeSchema).optional(),
  /** The sweep this run belongs to and the values it tried (absent: an ordinary run). */
  sweep: z.object({ sweepId: z.string(), trial: z.number().int().min(0), values: z.record(z.string(), z.union([z.number(), z.string()])) }).optional(),
});
export type RunRecordData = z.infer<typeof RunRecordSchema>;

export const RunSummarySchema = z.object({
  runId: z.string(),
  name: z.string(),
  status: RunStatusSchema,
  dataset: z.string(),
  startedAt: z.string(),
  seconds: z.number(),
  epochsDone: z.number().int(),
  test: MetricsSchema.nullable(),
  backend: z.string().nullable(),
  graphHash: z.string(),
  hasModel: z.boolean(),
  hasBest: z.boolean(),
  origin: RunOriginSchema.optional(),
  /** The sweep the run belongs to, and its values there. */
  sweep: z.object({ sweepId: z.string(), trial: z.number().int(), values: z.record(z.string(), z.union([z.number(), z.string()])) }).optional(),
  /** Live changes made while it trained. */
  controls: z.number().int().optional(),
});
export type RunSummary = z.infer<typeof RunSummarySchema>;

export const RunComparisonSchema = z.object({
  runs: z.array(RunSummarySchema),
  /** Settings that differ, as dotted paths (`optimizerOptions.momentum`) with each run's value as JSON text. */
  settings: z.array(z.object({ path: z.string(), values: z.array(z.string()) })),
  /** Graph differences against the first run. */
  graph: z.object({
    same: z.boolean(),
    differences: z.array(
      z.object({
        runId: z.string(),
        added: z.array(z.string()),
        removed: z.array(z.string()),
        changed: z.array(z.object({ nodeId: z.string(), param: z.string(), from: z.string(), to: z.string() })),
        edgesChanged: z.boolean(),
      }),
    ),
  }),
  /** Per-epoch curves of each run, for overlaid charts. */
  curves: z.array(z.object({ runId: z.string(), epochs: z.array(EpochRecordSchema) })),
  /** Each run's live changes (its settings history), in the order they took effect. */
  controls: z.array(z.object({ runId: z.string(), changes: z.array(AppliedChangeSchema) })).optional(),
});
export type RunComparison = z.infer<typeof RunComparisonSchema>;

/** One example to predict: a drawn image (values 0..1), typed text, or feature values by column. */
export const PredictInputSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('image'),
    width: z.number().int().min(1).max(1024),
    height: z.number().int().min(1).max(1024),
    channels: z.number().int().min(1).max(4).default(1),
    pixels: z.array(z.number().finite()).max(1024 * 1024 * 4),
  }),
  z.object({ kind: z.literal('text'), text: z.string().max(100_000) }),
  z.object({ kind: z.literal('features'), values: z.record(z.string(), z.union([z.number().finite(), z.string()])) }),
  /** Already preprocessed values in the model's input layout (synthetic points). */
  z.object({ kind: z.literal('raw'), values: z.array(z.number().finite()).max(1_000_000) }),
]);
export type PredictInput = z.infer<typeof PredictInputSchema>;

export const PredictionSchema = z.discriminatedUnion('task', [
  z.object({
    task: z.literal('classification'),
    classNames: z.array(z.string()),
    probabilities: z.array(z.number()),
    predicted: z.number().int(),
  }),
  z.object({ task: z.literal('regression'), values: z.array(z.number()) }),
]);
export type Prediction = z.infer<typeof PredictionSchema>;

/** Data sets of two features, where a decision boundary can be drawn over the plane. */
export const TWO_FEATURE_DATASETS = ['xor', 'circles', 'spirals', 'gaussians'] as const;
/** Tabular data sets: a decision boundary over two of their numeric features, the others held at their means. */
export const TABULAR_DATASETS = ['iris', 'wine', 'diabetes', 'csv'] as const;
export const MAX_GRID_SIZE = 100;

/** Whether the Decision boundary can be drawn for runs on these settings (two-feature sets, tabular classification). */
export function hasDecisionBoundary(settings: { dataset: string; data: { regression: boolean } }): boolean {
  if ((TWO_FEATURE_DATASETS as readonly string[]).includes(settings.dataset)) return true;
  if (settings.dataset === 'iris' || settings.dataset === 'wine') return true;
  return settings.dataset === 'csv' && !settings.data.regression;
}

const RangeSchema = z
  .tuple([z.number().finite(), z.number().finite()])
  .refine(([lo, hi]) => hi > lo, { message: 'the range must run from a smaller to a larger number' });
export type Range = [number, number];

/**
 * A square grid of points over the plane: `size` x `size` cell centres spanning the ranges.
 * Ranges left out: the synthetic sets' plane, or the training rows' spread of the two features.
 * `features` (tabular data): the two numeric columns across and up; left out, the first two.
 */
export const GridRequestSchema = z.object({
  xRange: RangeSchema.optional(),
  yRange: RangeSchema.optional(),
  size: z.number().int().min(2).max(MAX_GRID_SIZE),
  features: z
    .object({ x: z.string().min(1).max(1000), y: z.string().min(1).max(1000) })
    .refine((f) => f.x !== f.y, { message: 'pick two different features' })
    .optional(),
});
export type GridRequest = z.infer<typeof GridRequestSchema>;

export { DecisionGridSchema, type DecisionGrid } from './insight';
