import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { BINDING_PATCH_LEVEL, patchBinding } from './binding-patch';
import { manifestPath, NATIVE_MANIFEST_VERSION, NativeManifestSchema, readManifest, TFJS_NODE_VERSION, tfjsNodeDir, type NativeManifest } from './native-addon';
import { tensorflowFromFolder, tensorflowFromPython, TensorFlowNotFound, type TensorFlowInstall } from './find-tensorflow';

/**
 * `netwright setup native`: builds tfjs-node's N-API binding against a TensorFlow the user has
 * (a pip tensorflow / tensorflow-cpu / tensorflow[and-cuda] 2.x found through Python, or a
 * libtensorflow folder), in Netwright's home folder, where the backend loader finds it.
 *
 *  1. find TensorFlow's C library, framework library and C headers;
 *  2. fetch tfjs-node's sources from the npm registry with its install script off (that script
 *     downloads libtensorflow 2.9.1, which is what we replace); the app's own tfjs is used at run
 *     time, so tfjs-node's copy of it is removed;
 *  3. point its deps/ at the TensorFlow found and compile with npm's bundled node-gyp, with a
 *     run path to TensorFlow's real folder (so a CUDA TensorFlow finds its pip CUDA libraries);
 *  4. check it in a fresh process (`netwright doctor --json` against the new build: the backend
 *     loads as `tensorflow` and every layer type trains like the reference);
 *  5. only then write native/native.json, which the loader reads.
 */

export interface SetupNativeOptions {
  /** The native/ folder (see nativeDir). */
  readonly dir: string;
  /** Python whose pip TensorFlow to use (default `python3`); ignored with `tensorflowDir`. */
  readonly python?: string;
  /** A libtensorflow folder (lib/ + include/) or pip's tensorflow/ package folder. */
  readonly tensorflowDir?: string;
  /** Build again even where the same TensorFlow is already set up. */
  readonly force?: boolean;
  readonly log: (line: string) => void;
  /**
   * Checks a build in a fresh process; resolves to what the binding reports. The CLI runs
   * `netwright doctor --json` with NETWRIGHT_NATIVE_DIR set to the build folder.
   */
  readonly verify: (buildDir: string) => Promise<VerifyResult>;
  readonly env?: NodeJS.ProcessEnv;
}

export interface VerifyResult {
  readonly backend: string;
  /** Layer types that failed the self-check on the new backend. */
  readonly failing: readonly string[];
}

export class NativeSetupError extends Error {}

export interface SetupNativeResult {
  readonly manifest: NativeManifest;
  readonly alreadyDone: boolean;
  readonly failing: readonly string[];
}

/** npm's CLI (for `npm install`) and its bundled node-gyp. */
export function findNpm(env: NodeJS.ProcessEnv = process.env): { npmCli: string; nodeGyp: string } {
  const candidates = [
    env['npm_execpath'],
    path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js'),
    path.join(path.dirname(process.execPath), 'node_modules', 'npm', 'bin', 'npm-cli.js'),
    '/usr/lib/node_modules/npm/bin/npm-cli.js',
    '/usr/local/lib/node_modules/npm/bin/npm-cli.js',
    '/usr/share/nodejs/npm/bin/npm-cli.js',
  ];
  for (const c of candidates) {
    if (!c || !/npm-cli\.js$/.test(c) || !fs.existsSync(c)) continue;
    const nodeGyp = path.join(path.dirname(c), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
    if (fs.existsSync(nodeGyp)) return { npmCli: c, nodeGyp };
  }
  throw new NativeSetupError('npm (with its bundled node-gyp) was not found next to this Node; install Node.js with npm from nodejs.org or your package manager');
}

/** Where this Node's headers are, when they are installed locally (no download needed). */
function localNodeDir(): string | null {
  for (const prefix of [path.resolve(path.dirname(process.execPath), '..'), '/usr', '/usr/local']) {
    if (fs.existsSync(path.join(prefix, 'include', 'node', 'node_api.h'))) return prefix;
  }
  return null;
}

function onPath(cmd: string, env: NodeJS.ProcessEnv): boolean {
  return (env['PATH'] ?? '').split(path.delimiter).some((d) => d && fs.existsSync(path.join(d, cmd)));
}

/** Runs a command, passing its output to `log` a line at a time; rejects with its last lines. */
function run(cmd: string, args: readonly string[], opts: { cwd: string; env: NodeJS.ProcessEnv; log: (line: string) => void; what: string }): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const tail: string[] = [];
    const take = (chunk: Buffer): void => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line.trim()) continue;
        tail.push(line);
        if (tail.length > 15) tail.shift();
      }
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('error', (e) => reject(new NativeSetupError(`${opts.what} could not start: ${e.message}`)));
    child.on('close', (code) => {
      if (code === 0) resolve();
      else reject(new NativeSetupError(`${opts.what} failed (exit ${String(code)}):\n${tail.join('\n')}`));
    });
  });
}

/** A path we write into binding.gyp and a linker flag: plain characters only. */
function assertPlainPath(p: string, what: string): void {
  if (!/^[\w./+@-]+$/.test(p)) throw new NativeSetupError(`${what} ${p} has characters the build cannot pass to the linker (spaces or quotes); copy or link it to a plain path and use --tensorflow <dir>`);
}

function findTensorFlow(options: SetupNativeOptions, env: NodeJS.ProcessEnv): TensorFlowInstall {
  try {
    if (options.tensorflowDir) return tensorflowFromFolder(options.tensorflowDir);
    return tensorflowFromPython(options.python ?? env['NETWRIGHT_PYTHON'] ?? 'python3');
  } catch (error) {
    if (error instanceof TensorFlowNotFound) throw new NativeSetupError(`No TensorFlow to build against: ${error.message}.`);
    throw error;
  }
}

function sameInstall(manifest: NativeManifest, tf: TensorFlowInstall): boolean {
  return (
    manifest.tensorflow.libDir === tf.libDir &&
    (tf.source === 'folder' || manifest.tensorflow.version === tf.version) &&
    manifest.tfjsNode === TFJS_NODE_VERSION &&
    (manifest.bindingPatch ?? 0) === BINDING_PATCH_LEVEL
  );
}

function writeJsonAtomic(file: string, value: unknown): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`);
  fs.renameSync(tmp, file);
}

/** Fetches tfjs-node (scripts off) into `build`, and removes its own copy of tfjs (the app's is used). */
async function fetchTfjsNode(build: string, npmCli: string, env: NodeJS.ProcessEnv, log: (l: string) => void): Promise<string> {
  fs.writeFileSync(path.join(build, 'package.json'), `${JSON.stringify({ name: 'netwright-native', private: true }, null, 2)}\n`);
  log(`Fetching @tensorflow/tfjs-node@${TFJS_NODE_VERSION}'s sources from the npm registry (install script off)...`);
  await run(process.execPath, [npmCli, 'install', '--ignore-scripts', '--no-audit', '--no-fund', '--no-package-lock', '--omit=dev', '--omit=optional', `@tensorflow/tfjs-node@${TFJS_NODE_VERSION}`], {
    cwd: build,
    env,
    log,
    what: `npm install @tensorflow/tfjs-node@${TFJS_NODE_VERSION}`,
  });
  const scoped = path.join(build, 'node_modules', '@tensorflow');
  for (const name of fs.readdirSync(scoped)) if (name !== 'tfjs-node') fs.rmSync(path.join(scoped, name), { recursive: true, force: true });
  return tfjsNodeDir(build, '.');
}

/** deps/lib and deps/include of the tfjs-node folder point at `tf`; binding.gyp gets a run path to its real folder. */
function pointAtTensorFlow(pkg: string, tf: TensorFlowInstall): void {
  const deps = path.join(pkg, 'deps');
  fs.rmSync(deps, { recursive: true, force: true });
  fs.mkdirSync(path.join(deps, 'lib'), { recursive: true });
  fs.symlinkSync(path.join(tf.libDir, tf.cLibrary), path.join(deps, 'lib', 'libtensorflow.so'));
  fs.symlinkSync(path.join(tf.libDir, tf.frameworkLibrary), path.join(deps, 'lib', 'libtensorflow_framework.so'));
  fs.symlinkSync(tf.includeDir, path.join(deps, 'include'));
  const gypFile = path.join(pkg, 'binding.gyp');
  const gyp = fs.readFileSync(gypFile, 'utf8');
  const rpath = "'-Wl,-rpath,\\$$ORIGIN/../../deps/lib',";
  if (!gyp.includes(rpath)) throw new NativeSetupError(`tfjs-node's binding.gyp is not the one this set-up knows (${TFJS_NODE_VERSION})`);
  fs.writeFileSync(gypFile, gyp.replace(rpath, `'-Wl,-rpath,${tf.libDir}',`));
}

export async function setupNative(options: SetupNativeOptions): Promise<SetupNativeResult> {
  const env = options.env ?? process.env;
  const { log } = options;
  if (process.platform !== 'linux') {
    throw new NativeSetupError(`netwright setup native builds on Linux only for now (this is ${process.platform}); Netwright trains with WebAssembly here`);
  }
  const tf = findTensorFlow(options, env);
  log(`TensorFlow ${tf.version}${tf.distribution ? ` (pip ${tf.distribution})` : ''}${tf.cuda ? ' with CUDA' : ''} at ${tf.libDir}`);
  assertPlainPath(tf.libDir, 'TensorFlow folder');

  const dir = path.resolve(options.dir);
  if (!options.force) {
    try {
      const existing = readManifest(dir);
      if (sameInstall(existing, tf) && fs.existsSync(tfjsNodeDir(dir, existing.build))) {
        log(`Already set up for this TensorFlow (${path.join(dir, existing.build)}); --force builds again.`);
        return { manifest: existing, alreadyDone: true, failing: [] };
      }
    } catch {
      // Not set up yet, or a broken set-up: build.
    }
  }

  for (const tool of ['make', 'g++']) {
    if (!onPath(tool, env)) throw new NativeSetupError(`${tool} is needed to compile the add-on; install a C++ toolchain (Debian/Ubuntu: apt-get install -y build-essential)`);
  }
  const { npmCli, nodeGyp } = findNpm(env);
  const nodeDir = localNodeDir();

  fs.mkdirSync(dir, { recursive: true });
  const buildName = `tfjs-node-${TFJS_NODE_VERSION}-tf-${tf.version.replace(/[^\w.-]/g, '_')}-${Date.now().toString(36)}`;
  const build = path.join(dir, buildName);
  fs.mkdirSync(build);
  try {
    const started = Date.now();
    const pkg = await fetchTfjsNode(build, npmCli, env, log);
    pointAtTensorFlow(pkg, tf);
    try {
      patchBinding(pkg);
    } catch (error) {
      throw new NativeSetupError(error instanceof Error ? error.message : String(error));
    }
    log(`Compiling the add-on against TensorFlow ${tf.version} (node-gyp; about a minute)...`);
    const python = tf.python ?? (onPath('python3', env) ? 'python3' : undefined);
    await run(
      process.execPath,
      [
        nodeGyp,
        'rebuild',
        ...(nodeDir ? [`--nodedir=${nodeDir}`] : []),
        ...(python ? [`--python=${python}`] : []),
        '--module_name=tfjs_binding',
        `--module_path=${path.join(pkg, 'lib', 'napi-v8')}`,
        '--napi_build_version=8',
      ],
      { cwd: pkg, env: { ...env, JOBS: '2' }, log, what: 'node-gyp (compiling tfjs-node against TensorFlow)' },
    );
    const addon = path.join(pkg, 'lib', 'napi-v8', 'tfjs_binding.node');
    if (!fs.existsSync(addon)) throw new NativeSetupError(`node-gyp finished but ${addon} is missing`);
    fs.rmSync(path.join(pkg, 'build'), { recursive: true, force: true });
    log(`Built in ${Math.round((Date.now() - started) / 1000)} s.`);

    const manifest: NativeManifest = NativeManifestSchema.parse({
      version: NATIVE_MANIFEST_VERSION,
      tfjsNode: TFJS_NODE_VERSION,
      build: buildName,
      tensorflow: { version: tf.version, source: tf.source, libDir: tf.libDir, distribution: tf.distribution, python: tf.python, cuda: tf.cuda },
      node: { version: process.versions.node, napi: process.versions.napi ?? '8' },
      builtAt: new Date().toISOString(),
      bindingPatch: BINDING_PATCH_LEVEL,
    });
    // The build checks itself through its own manifest before the loader may see it.
    writeJsonAtomic(manifestPath(build), { ...manifest, build: '.' });
    log('Checking it in a fresh process: the backend loads and every layer type trains like the reference...');
    const verified = await options.verify(build);
    if (verified.backend !== 'tensorflow') throw new NativeSetupError(`the new add-on did not load as the tensorflow backend (got ${verified.backend}); see netwright doctor`);
    writeJsonAtomic(manifestPath(dir), manifest);
    for (const old of fs.readdirSync(dir)) {
      if (old !== buildName && old.startsWith('tfjs-node-')) fs.rmSync(path.join(dir, old), { recursive: true, force: true });
    }
    return { manifest, alreadyDone: false, failing: verified.failing };
  } catch (error) {
    fs.rmSync(build, { recursive: true, force: true });
    throw error;
  }
}
