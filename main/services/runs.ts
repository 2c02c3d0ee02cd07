import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { ApiError } from '../../shared/api/contract';
import { fileError } from './project-files';

const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/;
export const MODEL_FILES = ['model.json', 'weights.bin'] as const;

export function runsDir(dataDir: string): string {
  return path.join(dataDir, 'runs');
}

/** A sortable, unique id: `20261126-225400-1a2b3c`. */
export function newRunId(now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/\.\d+Z$/, '').replace(/[-:]/g, '').replace('T', '-');
  return `${stamp}-${Math.random().toString(16).slice(2, 8).padEnd(6, '0')}`;
}

/** The folder of a run; refuses ids that could point outside the runs folder. */
export function runDirOf(dataDir: string, runId: string): string {
  if (!RUN_ID.test(runId)) throw new ApiError('UNKNOWN_RUN', `"${runId}" is not a run id.`);
  return path.join(runsDir(dataDir), runId);
}

/** The newest run that saved a trained model, or null. */
export function latestRunWithModel(dataDir: string): string | null {
  let names: string[];
  try {
    names = fs.readdirSync(runsDir(dataDir));
  } catch {
    return null;
  }
  const withModel = names.filter((n) => RUN_ID.test(n) && fs.existsSync(path.join(runsDir(dataDir), n, 'model.json')));
  withModel.sort();
  return withModel.at(-1) ?? null;
}

/** Copies a run's model.json + weights.bin to `outDir` (created if needed). */
export async function exportRun(dataDir: string, runId: string, outDir: string): Promise<{ outDir: string; files: string[] }> {
  const runDir = runDirOf(dataDir, runId);
  if (!fs.existsSync(runDir)) throw new ApiError('UNKNOWN_RUN', `There is no run "${runId}".`);
  if (!MODEL_FILES.every((f) => fs.existsSync(path.join(runDir, f)))) {
    throw new ApiError('NO_MODEL', `Run "${runId}" has no saved model: it failed or was stopped before its first batch.`);
  }
  const out = path.resolve(outDir);
  try {
    await fsp.mkdir(out, { recursive: true });
  } catch (error) {
    throw fileError(error, out);
  }
  const files: string[] = [];
  for (const f of MODEL_FILES) {
    const to = path.join(out, f);
    try {
      await fsp.copyFile(path.join(runDir, f), to);
    } catch (error) {
      throw fileError(error, to);
    }
    files.push(to);
  }
  return { outDir: out, files };
}
