import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ExampleBatch } from './examples';

/**
 * Loads a TF.js export as a user's program would: a fresh Node process that requires only stock
 * `@tensorflow/tfjs` and the export's own netwright-layers.js, reads model.json and its weight
 * files, and predicts the examples. Nothing of Netwright is loaded there, so a custom layer the
 * shipped file lacks fails as it would for the user (`Unknown layer: ...`).
 */

const SCRIPT = String.raw`
const fs = require('fs');
const path = require('path');
const [tfPath, dir, inputsFile, outFile] = process.argv.slice(2);
const tf = require(tfPath);
(async () => {
  const registered = require(path.join(dir, 'netwright-layers.js'))(tf);
  const json = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'));
  const weightSpecs = json.weightsManifest.flatMap((m) => m.weights);
  const bytes = Buffer.concat(json.weightsManifest.flatMap((m) => m.paths).map((p) => fs.readFileSync(path.join(dir, p))));
  const weightData = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  const model = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs, weightData }));
  const inputs = JSON.parse(fs.readFileSync(inputsFile, 'utf8'));
  const xs = inputs.map((e) => tf.tensor(e.dtype === 'int32' ? Int32Array.from(e.data) : Float32Array.from(e.data), e.shape, e.dtype));
  const out = model.predict(xs.length === 1 ? xs[0] : xs, { batchSize: inputs[0] ? inputs[0].shape[0] : 1 });
  const list = Array.isArray(out) ? out : [out];
  const result = { registered, params: model.countParams(), outputs: list.map((t) => ({ shape: t.shape, data: Array.from(t.dataSync()) })) };
  fs.writeFileSync(outFile, JSON.stringify(result));
})().catch((error) => {
  process.stderr.write('\n' + String((error && error.message) || error).split('\n')[0] + '\n');
  process.exit(1);
});
`;

export interface FreshTfjsResult {
  /** The classes the shipped netwright-layers.js registered. */
  readonly registered: string[];
  readonly params: number;
  readonly outputs: { shape: number[]; data: number[] }[];
}

/** Where stock @tensorflow/tfjs is (the app's own dependency, as a user's project would have it). */
export function stockTfjsPath(): string {
  return createRequire(__filename).resolve('@tensorflow/tfjs');
}

/** Runs the export in `dir` in a fresh Node process; its predictions, or the error in one line. */
export async function runFreshTfjs(dir: string, examples: readonly ExampleBatch[], timeoutMs = 180_000): Promise<FreshTfjsResult | { error: string }> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'netwright-tfjs-check-'));
  try {
    const script = path.join(tmp, 'check.cjs');
    const inputs = path.join(tmp, 'inputs.json');
    const out = path.join(tmp, 'outputs.json');
    fs.writeFileSync(script, SCRIPT);
    fs.writeFileSync(inputs, JSON.stringify(examples.map((e) => ({ name: e.name, shape: e.shape, dtype: e.dtype, data: Array.from(e.data) }))));
    const r = await runNode([script, stockTfjsPath(), path.resolve(dir), inputs, out], tmp, timeoutMs);
    if (r.code !== 0) {
      const last = r.stderr.split('\n').map((l) => l.trim()).filter(Boolean).at(-1);
      return { error: last ?? (r.code === null ? `stopped after ${timeoutMs / 1000} s` : `exit code ${r.code}`) };
    }
    return JSON.parse(fs.readFileSync(out, 'utf8')) as FreshTfjsResult;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** `node args...` with this process's Node (Electron's, run as Node); never throws. */
function runNode(args: readonly string[], cwd: string, timeoutMs: number): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    let stderr = '';
    const proc = spawn(process.execPath, [...args], {
      cwd,
      // Only what Node needs: no NODE_OPTIONS or NODE_PATH of ours that could load anything else.
      env: { PATH: process.env['PATH'] ?? '', HOME: os.tmpdir(), ELECTRON_RUN_AS_NODE: '1' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    proc.on('error', (error) => {
      clearTimeout(timer);
      resolve({ code: null, stderr: `${stderr}\n${String(error)}` });
    });
    proc.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}
