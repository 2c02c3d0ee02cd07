import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { BackendReport } from '../../shared/training/events';
import { registerNetwrightKernels } from './kernels';
import { describeNativeError } from './native-errors';
import { asarUnpackedPath } from '../app-paths';
import { loadNativeAddon, NativeAddonError, nativeLabel, readManifest, nativeDir } from './native/native-addon';

/** One backend the loader can try, best first. */
export interface BackendCandidate {
  /** Name in reports (the npm package, or `cpu`). */
  readonly name: string;
  /** The tfjs backend name this candidate registers. */
  readonly backend: string;
  /** Makes the backend available (loads its package); throws when it cannot. */
  prepare(): Promise<void> | void;
  /** Human description once it runs. */
  label(): string;
}

/** `require` with a computed id, so a bundler leaves optional packages alone. */
function requireOptional(id: string): unknown {
  const load = require;
  return load(id);
}

function resolveOptional(id: string): string {
  return require.resolve(id);
}

function nativeCandidate(pkg: string, label: string): BackendCandidate {
  return {
    name: pkg,
    backend: 'tensorflow',
    prepare: () => {
      requireOptional(pkg);
    },
    label: () => label,
  };
}

/**
 * Directory holding the backend's .wasm binaries (its `dist/`), found from its
 * package.json; in an installed app, their copy in app.asar.unpacked.
 */
export function wasmBinaryDir(): string {
  return asarUnpackedPath(path.join(path.dirname(resolveOptional(`${WASM_PACKAGE}/package.json`)), 'dist'));
}

const WASM_PACKAGE = '@tensorflow/tfjs-backend-wasm';

const wasmCandidate: BackendCandidate = {
  name: WASM_PACKAGE,
  backend: 'wasm',
  prepare: async () => {
    const wasm = requireOptional(WASM_PACKAGE) as typeof import('@tensorflow/tfjs-backend-wasm');
    // In Node, emscripten reads the binary with fs from `prefix + fileName`; the prefix
    // must end with a separator. Without it the binary is looked up next to the bundle.
    wasm.setWasmPaths(wasmBinaryDir() + path.sep);
  },
  label: () => {
    const simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT') ? 'SIMD' : 'no SIMD';
    return `WebAssembly (${simd}, 1 thread)`;
  },
};

/** Name in reports of the add-on `netwright setup native` builds. */
export const NATIVE_SETUP_NAME = 'netwright-native';

/** The add-on `netwright setup native` built against the user's TensorFlow (see native/native-addon.ts). */
export function setupNativeCandidate(env: NodeJS.ProcessEnv = process.env): BackendCandidate {
  return {
    name: NATIVE_SETUP_NAME,
    backend: 'tensorflow',
    prepare: () => {
      loadNativeAddon(env);
    },
    label: () => {
      try {
        return nativeLabel(readManifest(nativeDir(env)));
      } catch {
        return 'TensorFlow native (built by netwright setup native)';
      }
    },
  };
}

const cpuCandidate: BackendCandidate = {
  name: 'cpu',
  backend: 'cpu',
  prepare: () => undefined,
  label: () => 'plain JavaScript (cpu, slow)',
};

/**
 * Best first: the npm tfjs-node-gpu (libtensorflow 2.9 with CUDA 11.2), the add-on that
 * `netwright setup native` built against the user's own TensorFlow (CPU, or CUDA with
 * tensorflow[and-cuda]), the npm tfjs-node, WebAssembly, plain JavaScript.
 */
export function defaultCandidates(env: NodeJS.ProcessEnv = process.env): readonly BackendCandidate[] {
  return [
    nativeCandidate('@tensorflow/tfjs-node-gpu', 'TensorFlow native with CUDA (tfjs-node-gpu)'),
    setupNativeCandidate(env),
    nativeCandidate('@tensorflow/tfjs-node', 'TensorFlow native on the CPU (tfjs-node)'),
    wasmCandidate,
    cpuCandidate,
  ];
}

export const DEFAULT_CANDIDATES: readonly BackendCandidate[] = defaultCandidates();

/** Turns a load failure into one readable line. */
export function describeLoadError(name: string, error: unknown): string {
  const e = error as { code?: unknown; message?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : '';
  const message = typeof e?.message === 'string' ? e.message : String(error);
  if (error instanceof NativeAddonError) return error.message;
  if (name === NATIVE_SETUP_NAME) return `its add-on failed to load (${firstLine(message)})`;
  if (code === 'MODULE_NOT_FOUND' && message.includes(name)) {
    return name.includes('tfjs-node')
      ? 'not installed (its install needs to download libtensorflow)'
      : 'not installed';
  }
  const native = describeNativeError(name, message);
  if (native) return native;
  if (/libcud|cuda|libtensorflow|\.so/i.test(message)) {
    return `its native library failed to load (${firstLine(message)})`;
  }
  return firstLine(message) || 'failed to initialize';
}

function firstLine(text: string): string {
  return (text.split('\n')[0] ?? '').trim().slice(0, 300);
}

/**
 * Loads the best tfjs backend available, in order: tfjs-node-gpu, tfjs-node,
 * WebAssembly, cpu. Records why each better one did not load.
 */
export async function loadBestBackend(candidates: readonly BackendCandidate[] = DEFAULT_CANDIDATES): Promise<BackendReport> {
  const tried: BackendReport['tried'] = [];
  for (const candidate of candidates) {
    try {
      await candidate.prepare();
      const ok = await tf.setBackend(candidate.backend);
      if (!ok) throw new Error(`tfjs could not initialize the "${candidate.backend}" backend`);
      await tf.ready();
      // Kernels stock tfjs lacks for training on this backend, and faster replacements.
      registerNetwrightKernels(tf.getBackend());
      await quietCpuBanner();
      tried.push({ name: candidate.name, ok: true, reason: 'loaded' });
      return { backend: tf.getBackend(), label: candidate.label(), tried };
    } catch (error) {
      tried.push({ name: candidate.name, ok: false, reason: describeLoadError(candidate.name, error) });
    }
  }
  throw new Error(`No TensorFlow.js backend could be loaded: ${tried.map((t) => `${t.name}: ${t.reason}`).join('; ')}`);
}

/**
 * tfjs's cpu backend prints an "install tfjs-node" banner on its first use in Node (exports and
 * small helpers use it beside the main backend). Our backend report already says which backend
 * runs and why a better one did not load, so the banner only adds noise to CLI output.
 */
export async function quietCpuBanner(): Promise<void> {
  // tfjs creates its backends anew when it first picks one: quiet the instance it keeps.
  await tf.ready();
  const cpu = tf.findBackend('cpu') as unknown as { firstUse?: boolean } | null;
  if (cpu && typeof cpu.firstUse === 'boolean') cpu.firstUse = false;
}

/** "wasm: WebAssembly (SIMD, 1 thread); not loaded: tfjs-node (not installed ...)" */
export function formatBackendReport(report: BackendReport): string {
  const failed = report.tried.filter((t) => !t.ok).map((t) => `${t.name}: ${t.reason}`);
  return `Backend: ${report.label}` + (failed.length > 0 ? `. Not used: ${failed.join('; ')}` : '');
}
