import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { tensorflowFromFolder, tensorflowFromPython, tensorflowInFolder, TensorFlowNotFound } from './find-tensorflow';
import { BINDING_PATCH_LEVEL } from './binding-patch';
import { loadNativeAddon, manifestPath, NativeAddonError, nativeDir, readManifest, type NativeManifest } from './native-addon';
import { setupNative, NativeSetupError } from './native-setup';

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'netwright-native-test-'));
});
afterEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

function touch(file: string, text = ''): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

/** A fake pip `tensorflow/` package folder: libraries and include/ side by side. */
function pipLayout(root: string): string {
  touch(path.join(root, 'libtensorflow_cc.so.2'));
  touch(path.join(root, 'libtensorflow_framework.so.2'));
  touch(path.join(root, 'include', 'tensorflow', 'c', 'c_api.h'));
  return root;
}

const manifest = (libDir: string): NativeManifest => ({
  version: 1,
  tfjsNode: '4.22.0',
  build: 'tfjs-node-4.22.0-tf-2.21.0-x',
  tensorflow: { version: '2.21.0', source: 'python', libDir, distribution: 'tensorflow-cpu', python: '/usr/bin/python3', cuda: false },
  node: { version: process.versions.node, napi: process.versions.napi ?? '8' },
  builtAt: new Date().toISOString(),
  bindingPatch: BINDING_PATCH_LEVEL,
});

describe('finding TensorFlow', () => {
  it("reads pip's package layout and a libtensorflow archive's (lib/ + include/)", () => {
    const pip = tensorflowInFolder(pipLayout(path.join(tmp, 'site-packages', 'tensorflow')));
    expect(pip).toEqual({ libDir: path.join(tmp, 'site-packages', 'tensorflow'), cLibrary: 'libtensorflow_cc.so.2', frameworkLibrary: 'libtensorflow_framework.so.2', includeDir: path.join(tmp, 'site-packages', 'tensorflow', 'include') });
    const archive = path.join(tmp, 'libtensorflow');
    touch(path.join(archive, 'lib', 'libtensorflow.so.2'));
    touch(path.join(archive, 'lib', 'libtensorflow_framework.so.2'));
    touch(path.join(archive, 'include', 'tensorflow', 'c', 'c_api.h'));
    touch(path.join(archive, 'include', 'tensorflow', 'core', 'public', 'release_version.h'), '#define TF_MAJOR_VERSION 2\n#define TF_MINOR_VERSION 18\n#define TF_PATCH_VERSION 1\n');
    const found = tensorflowFromFolder(archive);
    expect(found).toMatchObject({ libDir: path.join(archive, 'lib'), cLibrary: 'libtensorflow.so.2', version: '2.18.1', source: 'folder', cuda: false });
  });

  it('says what is missing in a folder that is not a TensorFlow', () => {
    expect(() => tensorflowInFolder(path.join(tmp, 'nope'))).toThrow(/does not exist/);
    expect(() => tensorflowInFolder(tmp)).toThrow(/holds no TensorFlow library/);
    touch(path.join(tmp, 'libtensorflow_cc.so.2'));
    expect(() => tensorflowInFolder(tmp)).toThrow(/no libtensorflow_framework\.so\.2/);
    touch(path.join(tmp, 'libtensorflow_framework.so.2'));
    expect(() => tensorflowInFolder(tmp)).toThrow(/not the C headers/);
  });

  it('asks a Python, and says how to install TensorFlow where it has none', () => {
    expect(() => tensorflowFromPython(path.join(tmp, 'no-python'))).toThrow(TensorFlowNotFound);
    expect(() => tensorflowFromPython(path.join(tmp, 'no-python'))).toThrow(/no Python at/);
    // A Python without TensorFlow: an empty PYTHONPATH-only interpreter is hard to make, so fake one.
    const fake = path.join(tmp, 'python');
    touch(fake, `#!/bin/sh\necho '{"python": "${fake}", "pythonVersion": "3.11.0", "dir": null}'\n`);
    fs.chmodSync(fake, 0o755);
    expect(() => tensorflowFromPython(fake)).toThrow(/has no TensorFlow\. Install one: .* -m pip install tensorflow-cpu/);
    const tfDir = pipLayout(path.join(tmp, 'tf'));
    touch(fake, `#!/bin/sh\necho '{"python": "${fake}", "pythonVersion": "3.11.0", "dir": "${tfDir}", "version": "2.21.0", "distribution": "tensorflow", "cuda": true}'\n`);
    expect(tensorflowFromPython(fake)).toMatchObject({ version: '2.21.0', distribution: 'tensorflow', cuda: true, libDir: tfDir, python: fake });
    touch(fake, `#!/bin/sh\necho '{"python": "${fake}", "pythonVersion": "3.11.0", "dir": "${tfDir}", "version": "1.15.0", "distribution": "tensorflow"}'\n`);
    expect(() => tensorflowFromPython(fake)).toThrow(/only TensorFlow 2\.x/);
  });
});

describe('the native add-on manifest and loader', () => {
  it('lives in $NETWRIGHT_HOME/native unless NETWRIGHT_NATIVE_DIR names another folder', () => {
    expect(nativeDir({ NETWRIGHT_HOME: '/data/nw' })).toBe(path.join('/data/nw', 'native'));
    expect(nativeDir({ NETWRIGHT_HOME: '/data/nw', NETWRIGHT_NATIVE_DIR: '/ci/native' })).toBe('/ci/native');
    expect(nativeDir({})).toBe(path.join(os.homedir(), '.netwright', 'native'));
  });

  it('explains each way a set-up can be unusable', () => {
    const env = { NETWRIGHT_NATIVE_DIR: tmp };
    expect(() => loadNativeAddon(env)).toThrow(`not set up (no ${manifestPath(tmp)})`);
    touch(manifestPath(tmp), '{ not json');
    expect(() => readManifest(tmp)).toThrow(/damaged/);
    touch(manifestPath(tmp), JSON.stringify({ version: 99 }));
    expect(() => readManifest(tmp)).toThrow(/another Netwright version or damaged/);
    touch(manifestPath(tmp), JSON.stringify(manifest('/gone/tensorflow')));
    expect(() => loadNativeAddon(env)).toThrow(/build folder .* is missing/);
    touch(path.join(tmp, 'tfjs-node-4.22.0-tf-2.21.0-x', 'node_modules', '@tensorflow', 'tfjs-node', 'package.json'), '{}');
    const error = (() => {
      try {
        loadNativeAddon(env);
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(NativeAddonError);
    expect((error as NativeAddonError).code).toBe('tensorflow-gone');
    expect(() => loadNativeAddon({ ...env, NETWRIGHT_NATIVE: 'off' })).toThrow('turned off (NETWRIGHT_NATIVE=off)');
  });
});

describe('setupNative', () => {
  const quiet = { log: () => undefined, verify: () => Promise.reject(new Error('not reached')) };

  it('refuses with what to install when there is no TensorFlow', async () => {
    await expect(setupNative({ dir: tmp, tensorflowDir: path.join(tmp, 'missing'), ...quiet })).rejects.toThrow(NativeSetupError);
    await expect(setupNative({ dir: tmp, tensorflowDir: path.join(tmp, 'missing'), ...quiet })).rejects.toThrow(/No TensorFlow to build against: .* does not exist/);
    expect(fs.existsSync(manifestPath(tmp))).toBe(false);
  });

  it('refuses a TensorFlow path the linker flags cannot carry', async () => {
    const tf = pipLayout(path.join(tmp, "it's here"));
    await expect(setupNative({ dir: path.join(tmp, 'native'), tensorflowDir: tf, ...quiet })).rejects.toThrow(/spaces or quotes/);
  });

  it('does nothing when the same TensorFlow is already set up', async () => {
    const tf = pipLayout(path.join(tmp, 'tf'));
    const dir = path.join(tmp, 'native');
    const m = { ...manifest(tf), tensorflow: { ...manifest(tf).tensorflow, source: 'folder' as const } };
    touch(manifestPath(dir), JSON.stringify(m));
    touch(path.join(dir, m.build, 'node_modules', '@tensorflow', 'tfjs-node', 'package.json'), '{}');
    const lines: string[] = [];
    const result = await setupNative({ dir, tensorflowDir: tf, log: (l) => lines.push(l), verify: quiet.verify });
    expect(result.alreadyDone).toBe(true);
    expect(lines.join('\n')).toMatch(/Already set up for this TensorFlow .* --force builds again/);
  });
});
