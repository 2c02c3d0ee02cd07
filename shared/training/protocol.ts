import { z } from 'zod';
import { ProjectDocSchema } from '../graph/document';
import { TrainEventSchema } from './events';

/** Messages between the back-end service and its trainer process. */
export const ToTrainerSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('train'),
    runId: z.string(),
    doc: ProjectDocSchema,
    /** Folder where the trained model (model.json + weights.bin) and run.json are written. */
    runDir: z.string(),
  }),
  z.object({ type: z.literal('stop') }),
  /** Build the graph with fresh weights and write it as a TF.js LayersModel. */
  z.object({ type: z.literal('export-fresh'), doc: ProjectDocSchema, outDir: z.string() }),
]);
export type ToTrainer = z.infer<typeof ToTrainerSchema>;

export const FromTrainerSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('event'), event: TrainEventSchema }),
  z.object({ type: z.literal('exported'), files: z.array(z.string()) }),
  z.object({ type: z.literal('failed'), message: z.string() }),
]);
export type FromTrainer = z.infer<typeof FromTrainerSchema>;
