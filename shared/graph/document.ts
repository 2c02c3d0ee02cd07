import { z } from 'zod';
import { GraphSchema, IdSchema, type GraphNodeSchema, type GraphEdgeSchema } from './graph-schema';
import { BlockDefinitionSchema, blockNestingCycle, MAX_BLOCKS } from './block-schema';
import { OptionalClientPathSchema } from '../api/client-path';

export { ParamValueSchema, GraphNodeSchema, GraphEdgeSchema, GraphSchema } from './graph-schema';

/**
 * The `.nwproj` project file. Saved files carry `format` and `version`;
 * older versions are upgraded by the numbered migrations in `migrations.ts`.
 */
export const PROJECT_FORMAT = 'netwright-project';
export const PROJECT_VERSION = 3;

/** Built-in data sets, then the three kinds of import (their file or folder is `data.path`). */
export const DATASET_IDS = [
  'mnist',
  'fashion-mnist',
  'imdb',
  'iris',
  'wine',
  'diabetes',
  'xor',
  'circles',
  'spirals',
  'gaussians',
  'csv',
  'image-folder',
  'text-csv',
] as const;
export type DatasetId = (typeof DATASET_IDS)[number];

export const OPTIMIZERS = ['sgd', 'adam', 'adamw', 'rmsprop', 'adagrad', 'adadelta'] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

/** Losses by their Keras names. */
export const LOSSES = [
  'categoricalCrossentropy',
  'sparseCategoricalCrossentropy',
  'binaryCrossentropy',
  'meanSquaredError',
  'meanAbsoluteError',
  'huber',
  'hinge',
] as const;
export type LossName = (typeof LOSSES)[number];

/** Metrics reported for validation and test sets (AUC for two classes, MAE for regression). */
export const METRICS = ['accuracy', 'precision', 'recall', 'auc', 'mae'] as const;
export type MetricName = (typeof METRICS)[number];

/** Options of the data set; each data set reads the ones that apply to it. */
export const DataOptionsSchema = z.object({
  /** Text data: the most frequent words kept; the rest become `<unk>`. */
  vocabSize: z.number().int().min(10).max(200_000),
  /** Text data: tokens per sample; longer texts are truncated, shorter ones padded. */
  sequenceLength: z.number().int().min(1).max(5000),
  /** Synthetic data: number of points. */
  samples: z.number().int().min(10).max(200_000),
  /** Synthetic data: noise, 0 (none) to 1 (classes overlap heavily). */
  noise: z.number().min(0).max(1),
  /** Imports: the CSV file or image folder. */
  path: OptionalClientPathSchema.nullable(),
  /** CSV imports: the column to predict (null: the last column). */
  labelColumn: z.string().max(200).nullable(),
  /** Text CSV imports: the column holding the text (null: the first non-label column). */
  textColumn: z.string().max(200).nullable(),
  /** Image folders: every image is resized to height x width. */
  imageSize: z.tuple([z.number().int().min(1).max(1024), z.number().int().min(1).max(1024)]),
  /** Image folders: one channel (true) or three. */
  grayscale: z.boolean(),
  /** Data sets without their own test split: the fraction held out, always the same samples. */
  testSplit: z.number().min(0.05).max(0.5),
  /** CSV imports: treat the label column as a number to predict (regression) rather than classes. */
  regression: z.boolean(),
});
export type DataOptions = z.infer<typeof DataOptionsSchema>;
export const DATA_OPTION_KEYS = Object.keys(DataOptionsSchema.shape) as [keyof DataOptions, ...(keyof DataOptions)[]];

/** Hyper-parameters of the optimizers; each optimizer reads the ones that apply to it. */
export const OptimizerOptionsSchema = z.object({
  /** SGD and RMSprop. */
  momentum: z.number().min(0).max(0.999),
  /** SGD with momentum. */
  nesterov: z.boolean(),
  /** AdamW: decoupled weight decay (a fraction of each weight per step, times the learning rate). */
  weightDecay: z.number().min(0).max(1),
  beta1: z.number().min(0).max(0.9999),
  beta2: z.number().min(0).max(0.99999),
  epsilon: z.number().gt(0).max(1),
  /** RMSprop and Adadelta: decay of the running average. */
  rho: z.number().min(0).max(0.9999),
});
export type OptimizerOptions = z.infer<typeof OptimizerOptionsSchema>;

/** How the learning rate changes during training; `learningRate` is where it starts. */
export const LrScheduleSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('constant') }),
  /** Multiplied by `factor` every `everyEpochs` epochs. */
  z.object({ kind: z.literal('step'), everyEpochs: z.number().int().min(1).max(10_000), factor: z.number().gt(0).max(1) }),
  /** Multiplied by `rate` after every epoch, smoothly per batch. */
  z.object({ kind: z.literal('exponential'), rate: z.number().gt(0).max(1) }),
  /** Half a cosine from the learning rate down to `minLearningRate` over the whole run. */
  z.object({ kind: z.literal('cosine'), minLearningRate: z.number().min(0).max(10) }),
  /** Multiplied by `factor` when the validation loss (training loss without validation) stops improving for `patience` epochs. */
  z.object({
    kind: z.literal('reduceOnPlateau'),
    factor: z.number().gt(0).lt(1),
    patience: z.number().int().min(0).max(1000),
    minLearningRate: z.number().min(0).max(10),
  }),
]);
export type LrSchedule = z.infer<typeof LrScheduleSchema>;
export const LR_SCHEDULE_KINDS = ['constant', 'step', 'exponential', 'cosine', 'reduceOnPlateau'] as const satisfies readonly LrSchedule['kind'][];

export const EarlyStoppingSchema = z.object({
  enabled: z.boolean(),
  monitor: z.enum(['val_loss', 'val_accuracy']),
  /** Epochs without improvement before stopping. */
  patience: z.number().int().min(0).max(1000),
  /** Smallest change that counts as an improvement. */
  minDelta: z.number().min(0).max(10),
  /** At the end, go back to the weights of the best epoch. */
  restoreBestWeights: z.boolean(),
});
export type EarlyStopping = z.infer<typeof EarlyStoppingSchema>;

export const TrainingSettingsSchema = z.object({
  dataset: z.enum(DATASET_IDS),
  data: DataOptionsSchema,
  epochs: z.number().int().min(1).max(10_000),
  batchSize: z.number().int().min(1).max(65_536),
  optimizer: z.enum(OPTIMIZERS),
  optimizerOptions: OptimizerOptionsSchema,
  learningRate: z.number().finite().gt(0).max(10),
  lrSchedule: LrScheduleSchema,
  loss: z.enum(LOSSES),
  metrics: z.array(z.enum(METRICS)).max(METRICS.length),
  /** Fraction of the training set held out to report validation metrics each epoch. */
  validationSplit: z.number().min(0).max(0.5),
  /** `split`: validate on `validationSplit` of the training set; `test`: on the data set's test split. */
  validationSource: z.enum(['split', 'test']),
  shuffle: z.boolean(),
  /** Makes weight initialisation, shuffling and dropout repeatable on the same backend (null: random). */
  seed: z.number().int().min(0).max(2 ** 31 - 1).nullable(),
  earlyStopping: EarlyStoppingSchema,
  /** Keep the weights of the best epoch (by the early-stopping monitor) beside the final ones. */
  checkpointBest: z.boolean(),
  /** Use only the first N training samples (null: all of them). */
  trainLimit: z.number().int().min(1).nullable(),
  /** Evaluate on only the first N test samples (null: all of them). */
  testLimit: z.number().int().min(1).nullable(),
});

/** Longest note text and most notes per project. */
export const MAX_NOTE_TEXT = 2000;
const MAX_NOTES = 500;

/** A comment on the canvas: text in a box, not part of the model (analysis and training ignore it). */
export const NoteSchema = z.object({
  id: IdSchema,
  text: z.string().max(MAX_NOTE_TEXT),
  position: z.object({ x: z.number().finite(), y: z.number().finite() }),
  width: z.number().finite().min(40).max(4000).optional(),
  height: z.number().finite().min(20).max(4000).optional(),
});

export const ProjectDocSchema = z
  .object({
    format: z.literal(PROJECT_FORMAT),
    version: z.literal(PROJECT_VERSION),
    name: z.string().max(200),
    graph: GraphSchema,
    training: TrainingSettingsSchema,
    /** Canvas notes (optional: files without notes, and files written before notes existed, omit it). */
    notes: z.array(NoteSchema).max(MAX_NOTES).optional(),
    /** Composite block definitions used by `Block` nodes (optional: omitted when the project has none). */
    blocks: z.array(BlockDefinitionSchema).max(MAX_BLOCKS).optional(),
  })
  .superRefine((doc, ctx) => {
    // Notes and layers share the canvas, where ids must be unique across both.
    const seen = new Set(doc.graph.nodes.map((n) => n.id));
    doc.notes?.forEach((note, i) => {
      if (seen.has(note.id)) ctx.addIssue({ code: 'custom', path: ['notes', i, 'id'], message: `The id "${note.id}" is used twice` });
      seen.add(note.id);
    });
    const blockIds = new Set<string>();
    doc.blocks?.forEach((block, i) => {
      if (blockIds.has(block.id)) ctx.addIssue({ code: 'custom', path: ['blocks', i, 'id'], message: `Two blocks share the id "${block.id}"` });
      blockIds.add(block.id);
    });
    const cycle = doc.blocks ? blockNestingCycle(doc.blocks) : null;
    if (cycle) ctx.addIssue({ code: 'custom', path: ['blocks'], message: `Block "${cycle[0]}" contains itself (${cycle.join(' → ')})` });
  });

export type GraphNode = z.infer<typeof GraphNodeSchema>;
export type GraphEdge = z.infer<typeof GraphEdgeSchema>;
export type Note = z.infer<typeof NoteSchema>;
export type Graph = z.infer<typeof GraphSchema>;
export type TrainingSettings = z.infer<typeof TrainingSettingsSchema>;
export type ProjectDoc = z.infer<typeof ProjectDocSchema>;

export const DEFAULT_DATA_OPTIONS: DataOptions = {
  vocabSize: 10_000,
  sequenceLength: 200,
  samples: 1000,
  noise: 0.1,
  path: null,
  labelColumn: null,
  textColumn: null,
  imageSize: [28, 28],
  grayscale: true,
  testSplit: 0.2,
  regression: false,
};

export const DEFAULT_OPTIMIZER_OPTIONS: OptimizerOptions = {
  momentum: 0,
  nesterov: false,
  weightDecay: 0.01,
  beta1: 0.9,
  beta2: 0.999,
  epsilon: 1e-7,
  rho: 0.9,
};

export const DEFAULT_EARLY_STOPPING: EarlyStopping = {
  enabled: false,
  monitor: 'val_loss',
  patience: 3,
  minDelta: 0,
  restoreBestWeights: true,
};

export const DEFAULT_TRAINING: TrainingSettings = {
  dataset: 'mnist',
  data: DEFAULT_DATA_OPTIONS,
  epochs: 1,
  batchSize: 32,
  optimizer: 'adam',
  optimizerOptions: DEFAULT_OPTIMIZER_OPTIONS,
  learningRate: 0.001,
  lrSchedule: { kind: 'constant' },
  loss: 'categoricalCrossentropy',
  metrics: ['accuracy'],
  validationSplit: 0.1,
  validationSource: 'split',
  shuffle: true,
  seed: null,
  earlyStopping: DEFAULT_EARLY_STOPPING,
  checkpointBest: false,
  trainLimit: null,
  testLimit: null,
};

/** How messages name a node: the user's name with the type, or just the type. */
export function nodeLabel(node: Pick<GraphNode, 'name' | 'type'>): string {
  return node.name ? `${node.name} (${node.type})` : node.type;
}

export function emptyProject(name = 'Untitled'): ProjectDoc {
  return {
    format: PROJECT_FORMAT,
    version: PROJECT_VERSION,
    name,
    graph: { nodes: [], edges: [] },
    training: { ...DEFAULT_TRAINING },
  };
}
