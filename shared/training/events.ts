import { z } from 'zod';

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

export const MetricsSchema = z.object({ loss: z.number(), accuracy: z.number() });
export type Metrics = z.infer<typeof MetricsSchema>;

const RunId = z.string().min(1).max(100);

/** Everything a training run reports, in order: started, (batch | epoch)*, done | error. */
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
  }),
  z.object({
    type: z.literal('epoch'),
    runId: RunId,
    epoch: z.number().int(),
    step: z.number().int(),
    train: MetricsSchema,
    validation: MetricsSchema.nullable(),
  }),
  z.object({ type: z.literal('evaluating'), runId: RunId }),
  z.object({
    type: z.literal('done'),
    runId: RunId,
    /** True when the user stopped the run before its last epoch. */
    stopped: z.boolean(),
    test: MetricsSchema.nullable(),
    seconds: z.number(),
  }),
  z.object({ type: z.literal('error'), runId: RunId, message: z.string() }),
]);
export type TrainEvent = z.infer<typeof TrainEventSchema>;
