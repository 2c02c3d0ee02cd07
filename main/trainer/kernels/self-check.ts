import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { LAYER_CASES, compareCase, type CaseComparison } from './layer-cases';
import { netwrightKernelNames } from './index';
import { loadedNative } from '../native/native-addon';

/**
 * Start-up self-check: for the backend in use, each layer type's loss, gradients and weights
 * after one SGD step are compared with stock tfjs `cpu` on a tiny input (1e-4 relative).
 * The result is cached once per installation (backend, tfjs version, kernel set, Node) in
 * `$NETWRIGHT_HOME/self-check.json` (default `~/.netwright`). `netwright doctor` prints
 * `formatSelfCheck(report)`.
 */

export const SELF_CHECK_TOLERANCE = 1e-4;
/** Bump when a kernel or a case changes, so cached results are redone. */
export const SELF_CHECK_VERSION = 5;

export interface SelfCheckReport {
  readonly version: number;
  readonly key: string;
  readonly backend: string;
  readonly checkedAt: string;
  readonly seconds: number;
  readonly tolerance: number;
  readonly results: readonly CaseComparison[];
  /** Layer types that failed (wrong gradients or an error): the UI should refuse to train them here. */
  readonly failing: readonly string[];
}

export function dataDir(env: NodeJS.ProcessEnv = process.env): string {
  return env['NETWRIGHT_HOME'] || path.join(os.homedir(), '.netwright');
}

function cacheKey(backend: string): string {
  const native = loadedNative();
  const build = backend === 'tensorflow' ? [native ? `native ${native.manifest.build} tf ${native.manifest.tensorflow.version}` : 'tfjs-node'] : [];
  return [backend, ...build, `tfjs ${tf.version_core}`, `kernels ${netwrightKernelNames(backend).join(',')}`, `v${SELF_CHECK_VERSION}`, `node ${process.versions.node}`].join('; ');
}

export interface SelfCheckOptions {
  /** Backend to check; default the active one. */
  readonly backend?: string;
  /** Redo it even when a cached result for this installation exists. */
  readonly force?: boolean;
  /** Where self-check.json lives; default dataDir(). */
  readonly dir?: string;
  /** Only these case ids (tests). */
  readonly only?: readonly string[];
}

function readCache(file: string, key: string): SelfCheckReport | null {
  try {
    const cached = JSON.parse(fs.readFileSync(file, 'utf8')) as SelfCheckReport;
    return cached.key === key && cached.version === SELF_CHECK_VERSION ? cached : null;
  } catch {
    return null;
  }
}

/**
 * Runs (or returns the cached) self-check for a backend. The `cpu` backend is the reference, so
 * checking it compares Netwright's cpu kernels with the stock ones. Leaves the backend active.
 */
export function runSelfCheck(options: SelfCheckOptions = {}): SelfCheckReport {
  const backend = options.backend ?? tf.getBackend();
  const dir = options.dir ?? dataDir();
  const file = path.join(dir, 'self-check.json');
  const key = cacheKey(backend);
  if (!options.force && !options.only) {
    const cached = readCache(file, key);
    if (cached) return cached;
  }
  const t0 = performance.now();
  const cases = options.only ? LAYER_CASES.filter((c) => options.only?.includes(c.id)) : LAYER_CASES;
  const results = cases.map((c) => compareCase(c, backend, 1, SELF_CHECK_TOLERANCE));
  tf.setBackend(backend);
  const report: SelfCheckReport = {
    version: SELF_CHECK_VERSION,
    key,
    backend,
    checkedAt: new Date().toISOString(),
    seconds: (performance.now() - t0) / 1000,
    tolerance: SELF_CHECK_TOLERANCE,
    results,
    failing: results.filter((r) => !r.ok).map((r) => r.id),
  };
  if (!options.only) {
    try {
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
    } catch {
      // An unwritable data dir only costs a re-check next time.
    }
  }
  return report;
}

/** Human-readable report for `netwright doctor`. */
export function formatSelfCheck(report: SelfCheckReport): string {
  const lines = [
    `Layer self-check on ${report.backend} (${report.results.length} layer types, gradients vs stock tfjs cpu, tolerance ${report.tolerance}), ${report.checkedAt}:`,
  ];
  for (const r of report.results) {
    const detail = r.failure ? `error: ${r.failure}` : `relative error ${r.error.toExponential(1)}`;
    lines.push(`  ${r.ok ? 'ok  ' : 'FAIL'} ${r.id.padEnd(40)} ${detail}`);
  }
  lines.push(report.failing.length === 0 ? 'All layer types train correctly on this backend.' : `Not trainable here: ${report.failing.join(', ')}.`);
  return lines.join('\n');
}
