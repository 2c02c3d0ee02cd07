import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { main } from './cli';
import { loadModelFromDir } from '../trainer/save-model';

export interface CliResult {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

export interface CliSession {
  /** The suite's folder, also its NETWRIGHT_HOME. */
  readonly dir: string;
  /** Runs `netwright argv…` in this process, non-interactive, with what it prints captured. */
  readonly cli: (...argv: string[]) => Promise<CliResult>;
}

/**
 * Tests, called in a describe: a temporary folder for the suite and the trainer bundled before
 * its tests (as scripts/build.mjs does), both removed after them.
 */
export function cliSession(prefix: string): CliSession {
  let trainerEntry: string | undefined;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  beforeAll(async () => {
    const { buildTrainerForTests } = await import('../services/build-trainer-for-tests');
    trainerEntry = await buildTrainerForTests();
  }, 120_000);
  afterAll(() => {
    if (trainerEntry) fs.rmSync(trainerEntry, { force: true });
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const cli = async (...argv: string[]): Promise<CliResult> => {
    if (!trainerEntry) throw new Error('cliSession: the trainer is built in beforeAll; run the CLI from a test.');
    let out = '';
    let err = '';
    const code = await main(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t), env: { NETWRIGHT_HOME: dir }, interactive: false, trainerEntry });
    return { code, out, err };
  };
  return { dir, cli };
}

/** The weights of the named layers of a saved model (a run's folder) as bytes, for bit-identity checks. */
export async function layerWeightBytes(modelDir: string, layers: readonly string[]): Promise<Buffer[]> {
  const model = await loadModelFromDir(modelDir);
  try {
    return layers.flatMap((l) => model.getLayer(l).getWeights().map((w) => Buffer.from((w.dataSync() as Float32Array).buffer)));
  } finally {
    model.dispose();
  }
}

/** The `weights` event of `train --json` output: which layers came from which run. */
export function weightsEvent(out: string): { fromRunId: string; loaded: { nodeId: string }[] } | undefined {
  return out
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { event: string; report?: { fromRunId: string; loaded: { nodeId: string }[] } })
    .find((e) => e.event === 'weights')?.report;
}
