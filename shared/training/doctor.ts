import { z } from 'zod';

/** What `netwright doctor` and `backend.report` say about the machine's TensorFlow.js backends. */
export const DoctorAttemptSchema = z.object({
  name: z.string(),
  ok: z.boolean(),
  reason: z.string(),
  /** What a user can do about it, where something can be done. */
  fix: z.string().nullable(),
});

export const DoctorReportSchema = z.object({
  /** The tfjs backend that would run training: `tensorflow`, `wasm` or `cpu`. */
  backend: z.string(),
  label: z.string(),
  tried: z.array(DoctorAttemptSchema),
  /** GPU name where a GPU backend loaded; otherwise the CPU model. */
  device: z.string(),
  /** Threads the backend computes with (WASM in Node: 1). */
  threads: z.number().int(),
  cpuCores: z.number().int(),
  simd: z.boolean().nullable(),
  /** One line per thing a user could do to get a faster backend. */
  fixes: z.array(z.string()),
  /** The WASM kernels' self check, where available. */
  selfCheck: z.unknown().nullable(),
});
export type DoctorReport = z.infer<typeof DoctorReportSchema>;
