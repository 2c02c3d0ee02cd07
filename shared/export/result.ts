import { z } from 'zod';

/** What `netwright export` and the UI's export produce: the files, and whether the export proved itself. */

export const EXPORT_FORMATS = ['tfjs', 'onnx', 'keras', 'pytorch', 'torchrun'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Largest difference from Netwright's own predictions an export may show and still pass. */
export const EXPORT_TOLERANCE = 1e-4;

export const ExportCheckSchema = z.object({
  /** What was checked, e.g. `onnxruntime-node predictions`, `ONNX checker`, `h5py reads the weights`. */
  name: z.string(),
  status: z.enum(['passed', 'failed', 'skipped']),
  /** One line: the measured value, the error, or why it was skipped. */
  detail: z.string(),
  /** For prediction checks: the largest absolute difference from Netwright's predictions. */
  maxDifference: z.number().nullable(),
});
export type ExportCheck = z.infer<typeof ExportCheckSchema>;

export const ExportResultSchema = z.object({
  format: z.enum(EXPORT_FORMATS),
  outDir: z.string(),
  files: z.array(z.string()),
  /** Trained weights from a run (its id), or fresh ones (null). */
  runId: z.string().nullable(),
  /** Held-out examples the self-check predicted. */
  examples: z.number().int(),
  tolerance: z.number(),
  /** Largest difference over the prediction checks that ran; null when none ran. */
  maxDifference: z.number().nullable(),
  checks: z.array(ExportCheckSchema),
  /** Parameters as Netwright counts them, and as the exported model counts them (null: not counted). */
  params: z.object({ netwright: z.number().int(), exported: z.number().int().nullable() }),
  /** No check failed (skipped ones do not fail an export). */
  ok: z.boolean(),
});
export type ExportResult = z.infer<typeof ExportResultSchema>;

/** One line for a terminal or a toast: `PASSED: pytorch export, max difference 3.1e-7 over 8 examples`. */
export function exportSummaryLine(r: ExportResult): string {
  const diff = r.maxDifference === null ? 'no prediction check ran' : `max difference ${r.maxDifference.toExponential(1)} (tolerance ${r.tolerance})`;
  const failed = r.checks.filter((c) => c.status === 'failed');
  const head = r.ok ? 'PASSED' : 'FAILED';
  const why = failed.length ? `; failed: ${failed.map((c) => `${c.name} (${c.detail})`).join('; ')}` : '';
  return `${head}: ${r.format} export, ${diff} over ${r.examples} held-out examples${why}`;
}
