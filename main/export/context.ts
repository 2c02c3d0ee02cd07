import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import type { ExportCheck } from '../../shared/export/result';
import { EXPORT_TOLERANCE } from '../../shared/export/result';
import type { ExampleBatch } from './examples';
import type { ModelInfo } from './model-info';

/** What every format writer gets. */
export interface ExportContext {
  readonly model: tf.LayersModel;
  readonly info: ModelInfo;
  /** The project's name, for titles and READMEs. */
  readonly title: string;
  readonly outDir: string;
  readonly runId: string | null;
  readonly preprocessing: Record<string, unknown> | null;
  readonly training: Record<string, unknown>;
  /** Held-out examples and Netwright's own predictions for them (one entry per output). */
  readonly examples: readonly ExampleBatch[];
  readonly expected: readonly { shape: number[]; data: Float32Array }[];
  /** Run the self-checks (predictions in the target runtime, validators). */
  readonly selfCheck: boolean;
}

/** What a format writer returns. */
export interface FormatOutput {
  readonly files: string[];
  readonly checks: ExportCheck[];
  /** The exported model's own parameter count (null where it cannot count). */
  readonly exportedParams: number | null;
}

/** Writes a file in the export folder and returns its path. */
export function writeOut(ctx: ExportContext, name: string, data: string | Uint8Array): string {
  const file = path.join(ctx.outDir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, data);
  return file;
}

/** A prediction check from a measured difference. */
export function predictionCheck(name: string, diff: number, examples: number): ExportCheck {
  const ok = diff <= EXPORT_TOLERANCE;
  return {
    name,
    status: ok ? 'passed' : 'failed',
    detail: Number.isFinite(diff)
      ? `largest difference from Netwright's predictions ${diff.toExponential(2)} over ${examples} examples (tolerance ${EXPORT_TOLERANCE})`
      : 'the outputs have a different shape or are not finite',
    maxDifference: Number.isFinite(diff) ? diff : null,
  };
}

export const skipped = (name: string, why: string): ExportCheck => ({ name, status: 'skipped', detail: why, maxDifference: null });
export const failed = (name: string, why: string): ExportCheck => ({ name, status: 'failed', detail: why, maxDifference: null });
export const passed = (name: string, detail: string): ExportCheck => ({ name, status: 'passed', detail, maxDifference: null });
