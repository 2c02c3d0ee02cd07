import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';

/** A TensorFlow whose C API the native add-on can be built against. */
export interface TensorFlowInstall {
  readonly version: string;
  readonly source: 'python' | 'folder';
  /** Folder holding the two libraries. */
  readonly libDir: string;
  /** The library with the C and eager C APIs (TF_*, TFE_*): pip's libtensorflow_cc.so.2, or libtensorflow.so.2. */
  readonly cLibrary: string;
  readonly frameworkLibrary: string;
  /** Folder holding tensorflow/c/c_api.h. */
  readonly includeDir: string;
  readonly distribution: string | null;
  readonly python: string | null;
  readonly cuda: boolean;
}

/** Why no TensorFlow could be used, with what to do about it. */
export class TensorFlowNotFound extends Error {}

const C_LIBRARIES = ['libtensorflow_cc.so.2', 'libtensorflow.so.2'];

/**
 * The libraries and headers in `dir`: pip's `tensorflow/` package folder (libraries and
 * `include/` side by side) or a libtensorflow C archive (`lib/` and `include/`).
 */
export function tensorflowInFolder(dir: string): Omit<TensorFlowInstall, 'version' | 'source' | 'distribution' | 'python' | 'cuda'> {
  const root = path.resolve(dir);
  if (!fs.existsSync(root)) throw new TensorFlowNotFound(`${root} does not exist`);
  for (const libDir of [root, path.join(root, 'lib'), path.join(root, 'lib64')]) {
    const cLibrary = C_LIBRARIES.find((name) => fs.existsSync(path.join(libDir, name)));
    if (!cLibrary) continue;
    if (!fs.existsSync(path.join(libDir, 'libtensorflow_framework.so.2'))) {
      throw new TensorFlowNotFound(`${libDir} has ${cLibrary} but no libtensorflow_framework.so.2`);
    }
    const includeDir = [path.join(root, 'include'), path.join(libDir, 'include')].find((d) => fs.existsSync(path.join(d, 'tensorflow', 'c', 'c_api.h')));
    if (!includeDir) throw new TensorFlowNotFound(`${root} has the TensorFlow libraries but not the C headers (include/tensorflow/c/c_api.h)`);
    return { libDir, cLibrary, frameworkLibrary: 'libtensorflow_framework.so.2', includeDir };
  }
  throw new TensorFlowNotFound(`${root} holds no TensorFlow library (looked for ${C_LIBRARIES.join(' or ')} in it and in lib/)`);
}

/** The version a libtensorflow folder declares, where it can be read without loading it. */
function folderVersion(includeDir: string): string {
  try {
    const header = fs.readFileSync(path.join(includeDir, 'tensorflow', 'core', 'public', 'release_version.h'), 'utf8');
    const part = (name: string): string | undefined => new RegExp(`#define\\s+${name}\\s+(\\d+)`).exec(header)?.[1];
    const [major, minor, patch] = ['TF_MAJOR_VERSION', 'TF_MINOR_VERSION', 'TF_PATCH_VERSION'].map(part);
    if (major && minor) return `${major}.${minor}.${patch ?? '0'}`;
  } catch {
    // An older archive without the header: unknown version.
  }
  return 'unknown version';
}

export function tensorflowFromFolder(dir: string): TensorFlowInstall {
  const found = tensorflowInFolder(dir);
  return { ...found, version: folderVersion(found.includeDir), source: 'folder', distribution: null, python: null, cuda: false };
}

/** Asks a Python where its pip TensorFlow is, without importing it (an import takes seconds and may fail on CUDA). */
const PROBE = `
import importlib.util, importlib.metadata as md, json, os, sys
spec = importlib.util.find_spec('tensorflow')
out = {'python': sys.executable, 'pythonVersion': sys.version.split()[0]}
if spec is None or not spec.origin:
    out['dir'] = None
else:
    out['dir'] = os.path.dirname(spec.origin)
    for name in ('tensorflow', 'tensorflow-cpu', 'tensorflow-gpu', 'tensorflow-intel', 'tf-nightly', 'tf-nightly-cpu'):
        try:
            out['version'] = md.version(name); out['distribution'] = name; break
        except md.PackageNotFoundError:
            pass
    cuda = False
    for name in ('nvidia-cudnn-cu12', 'nvidia-cuda-runtime-cu12', 'nvidia-cudnn-cu11'):
        try:
            md.version(name); cuda = True; break
        except md.PackageNotFoundError:
            pass
    out['cuda'] = cuda
print(json.dumps(out))
`;

interface ProbeResult {
  python: string;
  pythonVersion: string;
  dir: string | null;
  version?: string;
  distribution?: string;
  cuda?: boolean;
}

/** The pip TensorFlow `python` sees (`python3` on PATH by default). */
export function tensorflowFromPython(python: string): TensorFlowInstall {
  const r = spawnSync(python, ['-c', PROBE], { encoding: 'utf8', timeout: 60_000 });
  if (r.error) {
    const code = (r.error as NodeJS.ErrnoException).code;
    throw new TensorFlowNotFound(code === 'ENOENT' ? `no Python at "${python}"` : `${python} could not be run (${r.error.message})`);
  }
  if (r.status !== 0) throw new TensorFlowNotFound(`${python} failed: ${(r.stderr || r.stdout).trim().split('\n').pop() ?? ''}`);
  let probe: ProbeResult;
  try {
    probe = JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as ProbeResult;
  } catch {
    throw new TensorFlowNotFound(`${python} gave an answer that is not JSON: ${r.stdout.slice(0, 200)}`);
  }
  if (!probe.dir) {
    throw new TensorFlowNotFound(`the Python at ${probe.python} (${probe.pythonVersion}) has no TensorFlow. Install one: ${probe.python} -m pip install tensorflow-cpu (or tensorflow[and-cuda] for an NVIDIA GPU)`);
  }
  const version = probe.version ?? 'unknown version';
  const major = Number(version.split('.')[0]);
  if (Number.isFinite(major) && major !== 2) throw new TensorFlowNotFound(`TensorFlow ${version} at ${probe.dir}: only TensorFlow 2.x is supported`);
  const found = tensorflowInFolder(probe.dir);
  return { ...found, version, source: 'python', distribution: probe.distribution ?? null, python: probe.python, cuda: probe.cuda === true };
}
