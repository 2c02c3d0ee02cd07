import { z } from 'zod';
import { ClientPathSchema } from './client-path';
import { EXPORT_FORMATS, ExportResultSchema } from '../export/result';
import { ProjectDocSchema, TrainingSettingsSchema } from '../graph/document';
import { DoctorReportSchema } from '../training/doctor';
import { DatasetInfoSchema } from '../training/dataset-info';
import {
  DecisionGridSchema,
  GridRequestSchema,
  PredictInputSchema,
  PredictionSchema,
  RunComparisonSchema,
  RunRecordSchema,
  RunSummarySchema,
} from '../training/runs';
import { TrainEventSchema } from '../training/events';
import { InsightFileSchema } from '../training/insight';
import { ActivationsSchema } from '../training/activations';
import { ExplainOptionsSchema, ExplanationSchema, TraceSchema } from '../training/explain';
import { RunChangeSchema } from '../training/control';
import { SweepSpecSchema, SweepStateSchema } from '../training/sweep';
import { TEMPLATE_BACKBONE_NAME } from '../training/template-backbone';

/**
 * The one typed contract between the UI and the back end. Every call has a
 * zod schema for its params and its result; both transports (Electron IPC
 * and the WebSocket host) validate against it on both ends.
 */

/**
 * Every file or folder path the UI sends is a ClientPathSchema (client-path.ts): the back end checks
 * each one, at any depth, against its path policy, so new fields that take paths must use it.
 */
export { ClientPathSchema };
/** An unsaved project's id for this session: its runs are listed apart from other unsaved projects' and follow it when it is saved. */
export const DraftIdSchema = z.string().regex(/^[A-Za-z0-9-]{1,64}$/);
/** A run's name, as people give it (the Runs table's editable name). */
export const RunNameSchema = z.string().trim().min(1).max(120);

export { DatasetInfoSchema, type DatasetInfo } from '../training/dataset-info';

export const DirEntrySchema = z.object({ name: z.string(), kind: z.enum(['dir', 'file']) });

/**
 * What the desktop app's menu asks the UI to do; the renderer runs each with
 * its own actions (renderer/src/shell/menu-commands.ts). Cut, copy, paste,
 * quit, reload, developer tools and the theme are handled by Electron itself.
 */
export const MENU_COMMANDS = [
  'file.new',
  'file.open',
  'file.openPath',
  'file.save',
  'file.saveAs',
  'file.export',
  'edit.undo',
  'edit.redo',
  'edit.duplicate',
  'edit.delete',
  'edit.selectAll',
  'view.zoomToFit',
  'view.autoLayout',
  'train.start',
  'train.pauseResume',
  'train.stop',
  'help.shortcuts',
  'help.about',
] as const;
export const MenuCommandSchema = z.enum(MENU_COMMANDS);
export type MenuCommand = z.infer<typeof MenuCommandSchema>;
/** `file.openPath` carries the project to open (Open Recent, or a .nwproj the system opened the app with). */
export const MenuCommandEventSchema = z.discriminatedUnion('command', [
  z.object({ command: z.literal('file.openPath'), path: ClientPathSchema }),
  z.object({ command: MenuCommandSchema.exclude(['file.openPath']) }),
]);
export type MenuCommandEvent = z.infer<typeof MenuCommandEventSchema>;
export const MAX_RECENT_FILES = 20;

export const CALLS = {
  'app.info': {
    params: z.object({}),
    result: z.object({
      version: z.string(),
      mode: z.enum(['electron', 'browser']),
      platform: z.string(),
      /** A folder to offer first in file pickers (the user's documents or home). */
      defaultDir: z.string(),
    }),
  },
  'datasets.list': {
    params: z.object({}),
    result: z.array(DatasetInfoSchema),
  },
  'project.open': {
    params: z.object({ path: ClientPathSchema }),
    result: z.object({ path: z.string(), doc: ProjectDocSchema }),
  },
  'project.save': {
    params: z.object({ path: ClientPathSchema, doc: ProjectDocSchema }),
    result: z.object({ path: z.string() }),
  },
  /**
   * Imports a TF.js/Keras model.json (weights from the shards beside it) or an ONNX model into a
   * new project, laid out, saved at `outPath` (default: beside the model); its weights become a run.
   */
  'project.import': {
    params: z.object({ path: ClientPathSchema, outPath: ClientPathSchema.nullable().optional() }),
    result: z.object({
      path: z.string(),
      doc: ProjectDocSchema,
      format: z.enum(['tfjs', 'onnx']),
      /** The run holding the imported weights; null when the file had none. */
      runId: z.string().nullable(),
      totalParams: z.number().int(),
      warnings: z.array(z.string()),
      /** What the graph needs fixed before it can train. */
      errors: z.array(z.string()),
    }),
  },
  'files.list': {
    params: z.object({ path: ClientPathSchema }),
    result: z.object({ path: z.string(), parent: z.string().nullable(), entries: z.array(DirEntrySchema) }),
  },
  /**
   * The file picker's New folder: makes the folder `name` in `parent` (which must exist). EXISTS when
   * something has that name, BAD_NAME for a name a folder cannot have (a path is not a name).
   */
  'files.mkdir': {
    params: z.object({ parent: ClientPathSchema, name: z.string().max(1024) }),
    result: z.object({ path: z.string() }),
  },
  /** The data set as the settings configure it; imports read their file or folder (errors name the line or file). */
  'datasets.inspect': {
    params: z.object({ settings: TrainingSettingsSchema }),
    result: DatasetInfoSchema,
  },
  /** Which TensorFlow.js backend training would use, what did not load and why, and what to do about it. */
  'backend.report': {
    params: z.object({}),
    result: DoctorReportSchema,
  },
  'training.start': {
    /** `projectPath`: the saved project the run is kept beside (absent or null: the data folder). */
    params: z.object({
      doc: ProjectDocSchema,
      projectPath: ClientPathSchema.nullable().optional(),
      /**
       * Start from a run's saved weights instead of fresh ones (fine-tuning); with `evaluateOnly`
       * the weights are only evaluated on the test set. The graph must still fit the weights.
       */
      initialWeights: z.object({ runId: z.string(), evaluateOnly: z.boolean().optional() }).optional(),
      /** The unsaved project this run belongs to (runs.list and runs.adopt find it by this). */
      draft: DraftIdSchema.optional(),
      /** The run's name; absent: what differs from the project's previous run ("filters 16 · lr 0.002"). */
      name: RunNameSchema.optional(),
    }),
    result: z.object({ runId: z.string(), name: z.string() }),
  },
  'training.stop': {
    params: z.object({ runId: z.string() }),
    result: z.object({ stopped: z.boolean() }),
  },
  /**
   * Changes a run while it trains (learning rate or schedule, epochs, stop after this epoch, early
   * stopping, a checkpoint now); it takes effect before the next batch and is kept in run.json.
   * `accepted` is false when the run has ended.
   */
  'training.control': {
    params: z.object({ runId: z.string(), change: RunChangeSchema }),
    result: z.object({ accepted: z.boolean() }),
  },
  /** Trains a run again: its graph, settings and live changes (at the same steps); same seed and backend give the same weights. */
  'training.replay': {
    params: z.object({ projectPath: ClientPathSchema.nullable(), runId: z.string() }),
    result: z.object({ runId: z.string() }),
  },
  /** Pauses after the current batch; progress events stop until `training.resume`. */
  'training.pause': {
    params: z.object({ runId: z.string() }),
    result: z.object({ paused: z.boolean() }),
  },
  'training.resume': {
    params: z.object({ runId: z.string() }),
    result: z.object({ resumed: z.boolean() }),
  },
  /**
   * The run still training, for a UI that connects or reloads mid-run: its id,
   * whether it is paused and its events so far (every event but batches, and
   * the last 2,000 batch events). `run` is null when nothing trains.
   */
  'training.current': {
    params: z.object({}),
    result: z.object({
      run: z.object({ runId: z.string(), paused: z.boolean(), events: z.array(TrainEventSchema).max(100_000) }).nullable(),
    }),
  },
  /**
   * Starts a sweep: one ordinary run per combination of the varied settings (kept beside the
   * project), `spec.parallel` at a time; progress arrives as `sweep.event`.
   */
  'sweep.start': {
    /** `draft`: an unsaved project's id, carried by the sweep and its runs (as `training.start`'s). */
    params: z.object({ doc: ProjectDocSchema, projectPath: ClientPathSchema.nullable(), spec: SweepSpecSchema, draft: DraftIdSchema.optional() }),
    result: SweepStateSchema,
  },
  /** Stops a sweep; what finished is kept, and `sweep.resume` trains the rest. */
  'sweep.stop': {
    params: z.object({ projectPath: ClientPathSchema.nullable(), sweepId: z.string() }),
    result: SweepStateSchema,
  },
  'sweep.resume': {
    params: z.object({ projectPath: ClientPathSchema.nullable(), sweepId: z.string() }),
    result: SweepStateSchema,
  },
  /** The project's sweeps, newest first (`draft`, with `projectPath` null: only that unsaved project's). */
  'sweep.list': {
    params: z.object({ projectPath: ClientPathSchema.nullable(), draft: DraftIdSchema.optional() }),
    result: z.array(SweepStateSchema),
  },
  /** Runs kept beside a project (null: unsaved projects' runs in the data folder), newest first. */
  'runs.list': {
    /** `draft`: only that unsaved project's runs (with `projectPath` null). */
    params: z.object({ projectPath: ClientPathSchema.nullable(), draft: DraftIdSchema.optional() }),
    result: z.array(RunSummarySchema),
  },
  /** Gives a run a new name (refused while it trains). */
  'runs.rename': {
    params: z.object({ projectPath: ClientPathSchema.nullable(), runId: z.string(), name: RunNameSchema }),
    result: z.object({ name: z.string() }),
  },
  /**
   * An unsaved project was saved to `projectPath`: its finished runs (by `draft`) move from the
   * data folder to beside the project. Runs still training stay and are listed in `training`.
   */
  'runs.adopt': {
    params: z.object({ draft: DraftIdSchema, projectPath: ClientPathSchema }),
    result: z.object({ moved: z.array(z.string()), training: z.array(z.string()) }),
  },
  /**
   * Opening a template that ships trained weights (its `backbone`): they become a run of the
   * unsaved project `draft`, for it to train from as from a run chosen with "Use as backbone".
   */
  'templates.backbone': {
    params: z.object({ name: z.string().regex(TEMPLATE_BACKBONE_NAME), draft: DraftIdSchema }),
    result: z.object({ runId: z.string(), name: z.string() }),
  },
  /** Everything about one run: settings, graph snapshot, curves, test evaluation, preprocessing. */
  'runs.get': {
    params: z.object({ projectPath: ClientPathSchema.nullable(), runId: z.string() }),
    result: RunRecordSchema,
  },
  'runs.delete': {
    params: z.object({ projectPath: ClientPathSchema.nullable(), runId: z.string() }),
    result: z.object({ deleted: z.boolean() }),
  },
  /** Differing settings, graph differences and per-epoch curves of two or more runs. */
  'runs.compare': {
    params: z.object({ projectPath: ClientPathSchema.nullable(), runIds: z.array(z.string()).min(2).max(10) }),
    result: RunComparisonSchema,
  },
  /** Predicts one example with a run's model (final weights, or the best epoch's), preprocessed as in training. */
  'runs.predict': {
    params: z.object({
      projectPath: ClientPathSchema.nullable(),
      runId: z.string(),
      input: PredictInputSchema,
      weights: z.enum(['final', 'best']).default('final'),
    }),
    result: PredictionSchema,
  },
  /** The decision boundary of a finished run on a two-feature data set: one batched prediction over a grid. */
  'runs.predictGrid': {
    params: z.object({ projectPath: ClientPathSchema.nullable(), runId: z.string() }).extend(GridRequestSchema.shape),
    result: DecisionGridSchema,
  },
  /** A run's per-layer weight and activation histograms of each epoch (empty for runs from before they were kept). */
  'runs.insight': {
    params: z.object({ projectPath: ClientPathSchema.nullable(), runId: z.string() }),
    result: InsightFileSchema,
  },
  /** Every layer's output for one example with a run's saved model: a test example by index, or an input. */
  'runs.activations': {
    /** Exactly one of `sampleIndex` and `input` (a plain object, so that the path policy sees `projectPath`; the back end checks the pair). */
    params: z.object({
      projectPath: ClientPathSchema.nullable(),
      runId: z.string(),
      sampleIndex: z.number().int().min(0).max(10_000_000).optional(),
      input: PredictInputSchema.optional(),
    }),
    result: ActivationsSchema,
  },
  /**
   * Why a run's model predicts what it does for one example (a test example by index, or an input):
   * saliency and Grad-CAM for images, gradient × input per token or per feature; computed in the trainer.
   */
  'runs.explain': {
    /** Exactly one of `sampleIndex` and `input`, as for `runs.activations`. */
    params: z
      .object({
        projectPath: ClientPathSchema.nullable(),
        runId: z.string(),
        sampleIndex: z.number().int().min(0).max(10_000_000).optional(),
        input: PredictInputSchema.optional(),
      })
      .extend(ExplainOptionsSchema.shape),
    result: ExplanationSchema,
  },
  /** One test example stepped through a run's model: each layer's output (forward) and the loss's gradient norms at each layer (backward). */
  'runs.trace': {
    params: z.object({
      projectPath: ClientPathSchema.nullable(),
      runId: z.string(),
      sampleIndex: z.number().int().min(0).max(10_000_000).optional(),
      input: PredictInputSchema.optional(),
    }),
    result: TraceSchema,
  },
  /**
   * Exports the project in any format: a run's trained weights (`runId`) or fresh ones (null),
   * then checks the export in its target runtime where one is available.
   */
  'export.model': {
    params: z.object({
      format: z.enum(EXPORT_FORMATS),
      doc: ProjectDocSchema,
      runId: z.string().nullable(),
      projectPath: ClientPathSchema.nullable().optional(),
      outDir: ClientPathSchema,
      /** False skips loading the export in its target runtime (the command line's --no-check); default true. */
      selfCheck: z.boolean().optional(),
    }),
    result: ExportResultSchema,
  },
  /** Electron only: native dialogs. The browser mode has an in-app picker over `files.list`. */
  'dialog.open': {
    params: z.object({ title: z.string(), defaultPath: z.string().optional() }),
    result: z.object({ path: z.string().nullable() }),
  },
  'dialog.save': {
    params: z.object({ title: z.string(), defaultPath: z.string().optional() }),
    result: z.object({ path: z.string().nullable() }),
  },
  'dialog.folder': {
    params: z.object({ title: z.string(), defaultPath: z.string().optional() }),
    result: z.object({ path: z.string().nullable() }),
  },
  /** The UI's recent project files, newest first, for the desktop app's File > Open Recent menu (ignored in the browser). */
  'app.recentFiles': {
    params: z.object({ paths: z.array(ClientPathSchema).max(MAX_RECENT_FILES) }),
    result: z.object({}),
  },
} as const;

export const EVENTS = {
  'training.event': TrainEventSchema,
  /** A sweep's state whenever one of its runs starts, reports an epoch or ends. */
  'sweep.event': SweepStateSchema,
  /** A command chosen in the desktop app's menu (main/electron/menu-template.ts), sent only to the app's own window. */
  'menu.command': MenuCommandEventSchema,
} as const;

export type CallName = keyof typeof CALLS;
export type EventName = keyof typeof EVENTS;
export type CallParams<C extends CallName> = z.input<(typeof CALLS)[C]['params']>;
export type CallResult<C extends CallName> = z.infer<(typeof CALLS)[C]['result']>;
export type EventPayload<E extends EventName> = z.infer<(typeof EVENTS)[E]>;

export const CALL_NAMES = Object.keys(CALLS) as CallName[];
export const EVENT_NAMES = Object.keys(EVENTS) as EventName[];

/** A back end, as the UI sees it, whatever the transport. */
export interface NetwrightApi {
  call<C extends CallName>(name: C, params: CallParams<C>): Promise<CallResult<C>>;
  on<E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void): () => void;
}

/** Errors cross the boundary as `{code, message}`; `message` is meant for people. */
export const ApiErrorSchema = z.object({ code: z.string(), message: z.string() });
export type ApiErrorData = z.infer<typeof ApiErrorSchema>;

export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function isCallName(name: unknown): name is CallName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(CALLS, name);
}

/** Largest message either transport accepts, in bytes of JSON. */
export const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
