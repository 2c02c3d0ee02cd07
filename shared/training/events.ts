import { z } from 'zod';
import { DecisionGridSchema, LayerInsightSchema } from './insight';
import { AppliedChangeSchema } from './control';
import { WeightsReportSchema } from './weights-report';

/** One backend the trainer tried to load, in order of preference. */
export const BackendAttemptSchema = z.object({
  name: z.string(),
  ok: z.boolean(),
  reason: z.string(),
});

export const BackendReportSchema = z.object({
  /** The tfjs backend that runs: `tensorflow` (tfjs-node or -gpu), `wasm` or `cpu`. */
  backend: z.string(),
  /** Human name of what loaded, e.g. "WebAssembly (SIMD, 1 thread)". */
  label: z.string(),
  tried: z.array(BackendAttemptSchema),
});
export type BackendReport = z.infer<typeof BackendReportSchema>;

/**
 * Loss and accuracy always (accuracy is 0 for regression); the other metrics
 * when the settings ask for them and they apply (AUC: two classes; MAE: regression).
 */
export const MetricsSchema = z.object({
  loss: z.number(),
  accuracy: z.number(),
  precision: z.number().optional(),
  recall: z.number().optional(),
  auc: z.number().optional(),
  mae: z.number().optional(),
});
export type Metrics = z.infer<typeof MetricsSchema>;

const RunId = z.string().min(1).max(100);

/** Tensors alive in the trainer and the bytes they hold. */
export const MemorySchema = z.object({ tensors: z.number().int(), bytes: z.number() });

/** One example shown back to people: image pixels, text, or feature values. */
export const SampleViewSchema = z.discriminatedUnion('kind', [
  /** Pixels 0..255, row-major, `channels` values per pixel. */
  z.object({ kind: z.literal('image'), width: z.number().int(), height: z.number().int(), channels: z.number().int(), pixels: z.array(z.number()) }),
  z.object({ kind: z.literal('text'), text: z.string() }),
  z.object({ kind: z.literal('values'), names: z.array(z.string()), values: z.array(z.number()) }),
]);
export type SampleView = z.infer<typeof SampleViewSchema>;

export const ClassStatsSchema = z.object({
  name: z.string(),
  precision: z.number(),
  recall: z.number(),
  /** Test samples of this class. */
  support: z.number().int(),
});

/** What the test set says after training. */
export const EvaluationSchema = z.discriminatedUnion('task', [
  z.object({
    task: z.literal('classification'),
    classNames: z.array(z.string()),
    /** `confusion[actual][predicted]` counts. */
    confusion: z.array(z.array(z.number().int())),
    perClass: z.array(ClassStatsSchema),
    /** Wrong predictions with the highest confidence, most confident first. */
    mostConfidentWrong: z.array(
      z.object({ index: z.number().int(), actual: z.number().int(), predicted: z.number().int(), confidence: z.number(), sample: SampleViewSchema }),
    ),
  }),
  z.object({
    task: z.literal('regression'),
    /** Up to 1,000 test samples: what the model predicted against the truth. */
    points: z.array(z.object({ actual: z.number(), predicted: z.number() })),
    mae: z.number(),
    rmse: z.number(),
    r2: z.number(),
  }),
  z.object({
    /** The input is its own target (an autoencoder). */
    task: z.literal('reconstruction'),
    /** Mean absolute and root mean squared error per value, in the input's units. */
    mae: z.number(),
    rmse: z.number(),
    /** The first test images beside what the model rebuilt from them. */
    examples: z.array(z.object({ index: z.number().int(), input: SampleViewSchema, output: SampleViewSchema })),
  }),
]);
export type Evaluation = z.infer<typeof EvaluationSchema>;

/** Everything a training run reports, in order: started, weights?, (batch | grid | epoch | insight | control)*, evaluating, done | error. */
export const TrainEventSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('started'),
    runId: RunId,
    backend: BackendReportSchema,
    epochs: z.number().int(),
    batchesPerEpoch: z.number().int(),
    trainSamples: z.number().int(),
    validationSamples: z.number().int(),
    testSamples: z.number().int(),
    task: z.enum(['classification', 'regression']).optional(),
    classNames: z.array(z.string()).optional(),
    /** The project file the run is kept beside (null: unsaved, kept in the data folder). */
    projectPath: z.string().nullable().optional(),
    /** How each batch trains: one compiled TensorFlow function, or tfjs's layers; why not compiled. */
    trainStep: z.object({ kind: z.enum(['compiled', 'layers']), why: z.string().max(500).nullable() }).optional(),
  }),
  z.object({
    type: z.literal('batch'),
    runId: RunId,
    epoch: z.number().int(), // 0-based
    batch: z.number().int(), // 0-based, within the epoch
    /** Global step counted over all epochs, for the x axis of batch curves. */
    step: z.number().int(),
    loss: z.number(),
    accuracy: z.number(),
    samplesPerSec: z.number(),
    etaSec: z.number(),
    learningRate: z.number().optional(),
    memory: MemorySchema.optional(),
    /** tfjs backend name (`wasm`, `cpu`, `tensorflow`). */
    backend: z.string().optional(),
  }),
  z.object({
    type: z.literal('epoch'),
    runId: RunId,
    epoch: z.number().int(),
    step: z.number().int(),
    train: MetricsSchema,
    validation: MetricsSchema.nullable(),
    learningRate: z.number().optional(),
    /** True when this epoch is the best so far by the early-stopping monitor. */
    best: z.boolean().optional(),
    memory: MemorySchema.optional(),
    seconds: z.number().optional(),
  }),
  /** After each epoch: weight histograms and activation histograms over a fixed probe batch, per layer. */
  z.object({
    type: z.literal('insight'),
    runId: RunId,
    epoch: z.number().int(),
    layers: z.array(LayerInsightSchema).max(1000),
  }),
  /** Two-feature data sets: the model's prediction over the plane, at most twice a second and after the last batch. */
  z.object({
    type: z.literal('grid'),
    runId: RunId,
    epoch: z.number().int(),
    step: z.number().int(),
    grid: DecisionGridSchema,
  }),
  /**
   * Image models with augmentation layers: the first examples of the current batch as the model's
   * augmentation layers change them (fresh draws, the run's own untouched), at most every 2 s.
   */
  z.object({ type: z.literal('augmented'), runId: RunId, epoch: z.number().int(), step: z.number().int(), layer: z.string().max(200), images: z.array(SampleViewSchema).max(16) }),
  /** A live change (training.control, a control file or stdin) took effect before step `step`. */
  z.object({ type: z.literal('control'), runId: RunId, ...AppliedChangeSchema.shape, text: z.string() }),
  /** A run started from another run's weights: which layers were loaded, fresh and dropped (before the first batch). */
  z.object({ type: z.literal('weights'), runId: RunId, report: WeightsReportSchema }),
  z.object({ type: z.literal('evaluating'), runId: RunId }),
  z.object({
    type: z.literal('done'),
    runId: RunId,
    /** True when the user stopped the run before its last epoch. */
    stopped: z.boolean(),
    test: MetricsSchema.nullable(),
    seconds: z.number(),
    /** Set when early stopping ended the run: the epoch (0-based) it stopped after. */
    earlyStoppedAt: z.number().int().nullable().optional(),
    /** The best epoch (0-based) by the early-stopping monitor; its weights are the final ones when restored. */
    bestEpoch: z.number().int().nullable().optional(),
    evaluation: EvaluationSchema.nullable().optional(),
  }),
  z.object({
    type: z.literal('error'),
    runId: RunId,
    message: z.string(),
    /** `crash`: the trainer process died (out of memory, native abort, killed); the app and project are unaffected. */
    kind: z.enum(['crash', 'diverged', 'data', 'failed']).optional(),
  }),
]);
export type TrainEvent = z.infer<typeof TrainEventSchema>;
