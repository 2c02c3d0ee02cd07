import { z } from 'zod';
import { ProjectDocSchema } from '../graph/document';
import { TrainEventSchema } from './events';
import { DoctorReportSchema } from './doctor';
import { DecisionGridSchema, GridRequestSchema, PredictInputSchema, PredictionSchema } from './runs';
import { ActivationsSchema } from './activations';
import { ExplainOptionsSchema, ExplanationSchema, TraceSchema } from './explain';
import { AppliedChangeSchema, RunChangeSchema } from './control';

/** Messages between the back-end service and its trainer process. */
export const ToTrainerSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('train'),
    runId: z.string(),
    /** The run's name in run.json (absent: the project's name). */
    name: z.string().optional(),
    doc: ProjectDocSchema,
    /** Folder where the trained model (model.json + weights.bin) and run.json are written. */
    runDir: z.string(),
    /** The project the run is kept beside (null or absent: unsaved). */
    projectPath: z.string().nullable().optional(),
    /** Start from the model saved in this run folder (fine-tuning), or only evaluate it. */
    initialWeights: z.object({ runId: z.string(), runDir: z.string(), evaluateOnly: z.boolean() }).optional(),
    /** An earlier run's live changes, made again at the same steps. */
    replay: z.array(AppliedChangeSchema).max(100_000).optional(),
  }),
  z.object({ type: z.literal('stop') }),
  /** A live change to the run, applied before its next batch. */
  z.object({ type: z.literal('control'), change: RunChangeSchema }),
  z.object({ type: z.literal('pause') }),
  z.object({ type: z.literal('resume') }),
  /** Predict one example with the model saved in `runDir` (or its `best/` checkpoint). */
  z.object({ type: z.literal('predict'), runDir: z.string(), input: PredictInputSchema, weights: z.enum(['final', 'best']) }),
  /** Predict a grid over the plane with a two-feature run's saved model (its decision boundary). */
  z.object({ type: z.literal('predict-grid'), runDir: z.string(), grid: GridRequestSchema }),
  /** Every layer's output for one example (a test example by index, or an input) with the model saved in `runDir`. */
  z.object({
    type: z.literal('activations'),
    runDir: z.string(),
    sampleIndex: z.number().int().min(0).optional(),
    input: PredictInputSchema.optional(),
  }),
  /** Why the model saved in `runDir` predicts what it does for one example (a test example by index, or an input). */
  z.object({
    type: z.literal('explain'),
    runDir: z.string(),
    sampleIndex: z.number().int().min(0).optional(),
    input: PredictInputSchema.optional(),
    options: ExplainOptionsSchema,
  }),
  /** One example stepped through the model saved in `runDir`: every layer's output, and the loss's gradient norms at each layer. */
  z.object({
    type: z.literal('trace'),
    runDir: z.string(),
    sampleIndex: z.number().int().min(0).optional(),
    input: PredictInputSchema.optional(),
  }),
  /** Load the best backend and describe it. */
  z.object({ type: z.literal('doctor') }),
]);
export type ToTrainer = z.infer<typeof ToTrainerSchema>;

export const FromTrainerSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('event'), event: TrainEventSchema }),
  z.object({ type: z.literal('failed'), message: z.string() }),
  z.object({ type: z.literal('predicted'), prediction: PredictionSchema }),
  z.object({ type: z.literal('grid'), grid: DecisionGridSchema }),
  z.object({ type: z.literal('doctor'), report: DoctorReportSchema }),
  z.object({ type: z.literal('activations'), activations: ActivationsSchema }),
  z.object({ type: z.literal('explained'), explanation: ExplanationSchema }),
  z.object({ type: z.literal('traced'), trace: TraceSchema }),
]);
export type FromTrainer = z.infer<typeof FromTrainerSchema>;
