import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Module from 'node:module';
import { z } from 'zod';

/**
 * The native TensorFlow add-on that `netwright setup native` builds (tfjs-node's N-API binding
 * compiled against a TensorFlow the user has), and how the backend loader finds and loads it.
 *
 * Layout, in Netwright's home folder (`$NETWRIGHT_HOME`, default `~/.netwright`):
 *
 *   native/native.json                     the manifest below (written last, atomically)
 *   native/<build>/node_modules/@tensorflow/tfjs-node/   tfjs-node's JS, and lib/napi-v8/tfjs_binding.node
 *
 * `NETWRIGHT_NATIVE_DIR` names another `native/` folder (CI sets it so test processes with their
 * own temporary NETWRIGHT_HOME still use the one add-on); `NETWRIGHT_NATIVE=off` skips it.
 */

/** The tfjs-node release whose binding sources and JS glue the set-up uses (the app's tfjs version). */
export const TFJS_NODE_VERSION = '4.22.0';
export const NATIVE_MANIFEST_VERSION = 1;

export const NativeManifestSchema = z.object({
  version: z.literal(NATIVE_MANIFEST_VERSION),
  tfjsNode: z.string(),
  /** Folder holding node_modules/@tensorflow/tfjs-node, relative to the native/ folder. */
  build: z.string().regex(/^[\w.-]+$/),
  tensorflow: z.object({
    version: z.string(),
    /** Where it came from: a Python's pip package, or a libtensorflow folder. */
    source: z.enum(['python', 'folder']),
    /** The folder with libtensorflow(_cc).so.2 and libtensorflow_framework.so.2 the add-on links. */
    libDir: z.string(),
    /** The pip distribution (tensorflow, tensorflow-cpu) or null for a folder. */
    distribution: z.string().nullable(),
    python: z.string().nullable(),
    /** True when the TensorFlow was installed with CUDA (pip's tensorflow[and-cuda]). */
    cuda: z.boolean(),
  }),
  node: z.object({ version: z.string(), napi: z.string() }),
  builtAt: z.string(),
  /** What the set-up added to the binding (binding-patch.ts); absent in builds made before it. */
  bindingPatch: z.number().int().nonnegative().optional(),
});
export type NativeManifest = z.infer<typeof NativeManifestSchema>;

/** The `native/` folder the loader reads and the set-up writes. */
export function nativeDir(env: NodeJS.ProcessEnv = process.env): string {
  const explicit = env['NETWRIGHT_NATIVE_DIR'];
  if (explicit) return path.resolve(explicit);
  return path.join(env['NETWRIGHT_HOME'] || path.join(os.homedir(), '.netwright'), 'native');
}

export function manifestPath(dir: string): string {
  return path.join(dir, 'native.json');
}

/** The tfjs-node package folder of a build. */
export function tfjsNodeDir(dir: string, build: string): string {
  return path.join(dir, build, 'node_modules', '@tensorflow', 'tfjs-node');
}

/** Why the add-on cannot be used, as one line a user can act on; `code` lets fixes be tailored. */
export class NativeAddonError extends Error {
  constructor(
    message: string,
    readonly code: 'not-set-up' | 'disabled' | 'broken' | 'tensorflow-gone' | 'other-node',
  ) {
    super(message);
  }
}

/** The manifest of a completed set-up, or an error that says why there is none usable. */
export function readManifest(dir: string): NativeManifest {
  const file = manifestPath(dir);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new NativeAddonError(`not set up (no ${file})`, 'not-set-up');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new NativeAddonError(`its manifest ${file} is damaged`, 'broken');
  }
  const result = NativeManifestSchema.safeParse(parsed);
  if (!result.success) throw new NativeAddonError(`its manifest ${file} is from another Netwright version or damaged`, 'broken');
  return result.data;
}

/** What the loader shows once the add-on runs. */
export function nativeLabel(manifest: NativeManifest): string {
  const device = manifest.tensorflow.cuda ? 'with CUDA' : 'on the CPU';
  return `TensorFlow ${manifest.tensorflow.version} native ${device} (built by netwright setup native)`;
}

/**
 * Packages tfjs-node requires that must be the app's own copies: a second tfjs-core would hold
 * its own engine, and the `tensorflow` backend would be registered where nothing uses it.
 */
const SHARED_PACKAGE = /^@tensorflow\/tfjs(?:-core|-layers|-converter|-data|-backend-cpu|-backend-webgl)?(?:\/|$)/;

let hookedRoots: string[] | null = null;

/**
 * Makes `require('@tensorflow/tfjs...')` from inside `root` resolve to the app's copy (the one
 * this file's `require` sees), so tfjs-node registers its backend with the app's engine.
 */
function shareTfjsWith(root: string): void {
  const prefix = root.endsWith(path.sep) ? root : root + path.sep;
  if (hookedRoots) {
    if (!hookedRoots.includes(prefix)) hookedRoots.push(prefix);
    return;
  }
  hookedRoots = [prefix];
  const roots = hookedRoots;
  const appRequire = require;
  type Resolve = (request: string, parent: { filename?: string | null } | null | undefined, isMain: boolean, options?: unknown) => string;
  const mod = Module as unknown as { _resolveFilename: Resolve };
  const original = mod._resolveFilename;
  mod._resolveFilename = function resolveShared(request, parent, isMain, options) {
    const from = parent?.filename ?? '';
    if (SHARED_PACKAGE.test(request) && roots.some((r) => from.startsWith(r))) return appRequire.resolve(request);
    return original.call(this, request, parent, isMain, options);
  };
}

export interface LoadedNative {
  readonly manifest: NativeManifest;
  readonly label: string;
}

/**
 * Loads the add-on the set-up built: registers tfjs's `tensorflow` backend with the app's tfjs.
 * Throws a NativeAddonError (or the add-on's own error) when it cannot.
 */
export function loadNativeAddon(env: NodeJS.ProcessEnv = process.env): LoadedNative {
  if (/^(off|0|false|no)$/i.test(env['NETWRIGHT_NATIVE'] ?? '')) throw new NativeAddonError('turned off (NETWRIGHT_NATIVE=off)', 'disabled');
  const dir = nativeDir(env);
  const manifest = readManifest(dir);
  const pkg = tfjsNodeDir(dir, manifest.build);
  if (!fs.existsSync(path.join(pkg, 'package.json'))) throw new NativeAddonError(`its build folder ${path.join(dir, manifest.build)} is missing`, 'broken');
  const lib = manifest.tensorflow.libDir;
  if (!fs.existsSync(lib)) throw new NativeAddonError(`the TensorFlow ${manifest.tensorflow.version} it was built against is gone (${lib})`, 'tensorflow-gone');
  if (manifest.node.napi !== process.versions.napi && Number(process.versions.napi) < 8) {
    throw new NativeAddonError(`this runtime's N-API ${process.versions.napi ?? '?'} is older than the add-on's 8`, 'other-node');
  }
  shareTfjsWith(path.join(dir, manifest.build));
  // TensorFlow's C++ start-up notes (oneDNN, CPU features) would otherwise go to stderr of every run.
  if (process.env['TF_CPP_MIN_LOG_LEVEL'] === undefined) process.env['TF_CPP_MIN_LOG_LEVEL'] = '2';
  const appRequire = require;
  appRequire(pkg);
  loaded = { manifest, label: nativeLabel(manifest) };
  return loaded;
}

let loaded: LoadedNative | null = null;

/** The add-on this process loaded, if any (self-check cache keys, reports). */
export function loadedNative(): LoadedNative | null {
  return loaded;
}
