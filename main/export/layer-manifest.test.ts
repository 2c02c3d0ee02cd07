import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExportFormat } from '../../shared/export/result';
import type { Graph, GraphEdge, GraphNode } from '../../shared/graph/document';
import { getLayerSpec, LAYER_TYPES } from '../../shared/layers/registry';
import { inputPorts } from '../../shared/layers/ports';
import { withDefaults } from '../../shared/layers/params';
import { docWithGraph } from '../trainer/test-helpers';
import { encodeNpz } from './npy';
import { exportFromSource } from './export';
import { heldOutExamples, maxDifference, predictTfjs } from './examples';
import { findKerasRuntime } from './keras-check';
import { ExportError } from './model-info';
import { lastLine, pythonModuleMissing, runPython } from './python';
import { loadExportSource, type ExportSource } from './source';
import { randomizedRun } from './test-support';
import manifest from './layer-manifest.json';

/**
 * The layer x format manifest (layer-manifest.json, in the manner of Netron's test/models.json):
 * one graph per case (Input(s) -> the layer), one row per case per format with its expected
 * outcome. TF.js and ONNX rows run the export's own self-check (a fresh Node process with stock
 * TF.js; the ONNX checker and onnxruntime); the PyTorch and Keras rows load every case's export
 * in one Python process per format (torch or Keras importing once), with the same tolerance.
 */

interface Case {
  readonly layer: string;
  readonly inputs: (number | null)[][];
  readonly params?: Record<string, unknown>;
  readonly dtype?: string;
}
interface Row {
  readonly case: string;
  readonly format: string;
  readonly expect: string;
  readonly reason?: string;
}
const CASES = manifest.cases as Record<string, Case>;
const ROWS = manifest.rows as Row[];
const FORMATS = ['tfjs', 'onnx', 'pytorch', 'keras'] as const;
const TOLERANCE = 1e-4;

/** The case's graph: an Input per port feeding the layer. */
function caseGraph(c: Case): Graph {
  const spec = getLayerSpec(c.layer);
  if (!spec) throw new Error(`unknown layer ${c.layer}`);
  const params = (c.params ?? {}) as GraphNode['params'];
  const ports = inputPorts(spec, withDefaults(spec.params, params));
  const nodes: GraphNode[] = c.inputs.map((shape, i) => ({ id: `in${i}`, type: 'Input', position: { x: 0, y: 0 }, params: { shape, ...(c.dtype ? { dtype: c.dtype } : {}) } }));
  nodes.push({ id: 'x', type: c.layer, position: { x: 200, y: 0 }, params });
  const edges: GraphEdge[] = ports.slice(0, c.inputs.length).map((p, i) => ({ id: `e${i}`, source: `in${i}`, target: 'x', targetPort: p.name }));
  return { nodes, edges };
}

describe('the manifest covers every layer type in every format', () => {
  it('has a case for every layer type (Input aside) and a row per case per format', () => {
    const covered = new Set(Object.values(CASES).map((c) => c.layer));
    expect(LAYER_TYPES.filter((t) => t !== 'Input' && !covered.has(t))).toEqual([]);
    for (const name of Object.keys(CASES)) expect(ROWS.filter((r) => r.case === name).map((r) => r.format).sort(), name).toEqual([...FORMATS].sort());
    for (const r of ROWS) {
      expect(CASES[r.case], r.case).toBeDefined();
      expect(['loads', 'refused']).toContain(r.expect);
      if (r.expect === 'refused') expect(r.reason, `${r.case} ${r.format}`).toBeTruthy();
    }
  });
});

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'netwright-manifest-'));
const sources = new Map<string, ExportSource>();
const runs: string[] = [];

beforeAll(async () => {
  await tf.setBackend('cpu');
  for (const [name, c] of Object.entries(CASES)) {
    const doc = docWithGraph(caseGraph(c));
    const run = await randomizedRun(doc, 11);
    runs.push(run);
    sources.set(name, await loadExportSource(doc, run));
  }
}, 600_000);

afterAll(() => {
  for (const s of sources.values()) s.model.dispose();
  for (const r of runs) fs.rmSync(r, { recursive: true, force: true });
  fs.rmSync(tmp, { recursive: true, force: true });
});

const dirOf = (row: Row) => path.join(tmp, `${row.format}-${row.case.replace(/[^A-Za-z0-9]+/g, '_')}`);

async function expectRefused(row: Row) {
  const source = sources.get(row.case) as ExportSource;
  const error = await exportFromSource(source, { format: row.format as ExportFormat, outDir: dirOf(row), selfCheck: false }).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, `${row.case} -> ${row.format} should be refused`).toBeInstanceOf(ExportError);
  expect((error as ExportError).message).toContain(row.reason);
  expect((error as ExportError).message).toContain(source.info.layers[0]?.name);
}

describe.each(['tfjs', 'onnx'] as const)('%s rows: the export self-checks in its runtime', (format) => {
  it.each(ROWS.filter((r) => r.format === format))('$case: $expect', async (row) => {
    if (row.expect === 'refused') return expectRefused(row);
    const source = sources.get(row.case) as ExportSource;
    const result = await exportFromSource(source, { format, outDir: dirOf(row) });
    const report = result.checks.map((c) => `${c.status} ${c.name}: ${c.detail}`).join('\n');
    expect(result.ok, report).toBe(true);
    if (result.checks.some((c) => c.status === 'skipped')) return console.warn(`${row.case} ${format}: ${report}`);
    expect(result.maxDifference, report).not.toBeNull();
    expect(result.maxDifference as number, report).toBeLessThanOrEqual(TOLERANCE);
    expect(result.params.exported).toBe(source.info.totalParams);
  }, 120_000);
});

/** Loads every case folder's model.py in one Python (by file path, each its own module) and predicts its inputs.npz. */
const BATCH = (loader: string) => `
import importlib.util, json, sys, os
import numpy as np
cases = json.loads(open(sys.argv[1]).read())
for i, case in enumerate(cases):
    try:
        spec = importlib.util.spec_from_file_location(f"netwright_case_{i}", os.path.join(case["dir"], "model.py"))
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        with np.load(os.path.join(case["dir"], "inputs.npz")) as npz:
            xs = [npz[name] for name in case["inputs"]]
${loader}
        ys = ys if isinstance(ys, (list, tuple)) else [ys]
        ys = [np.asarray(y, dtype=np.float32) for y in ys]
        print(json.dumps({"case": case["name"], "params": int(params), "outputs": [{"shape": list(y.shape), "data": y.reshape(-1).tolist()} for y in ys]}), flush=True)
    except Exception as error:
        print(json.dumps({"case": case["name"], "error": f"{type(error).__name__}: {error}"}), flush=True)
`;

const TORCH = `        import torch
        torch.set_num_threads(1)
        model = mod.load_model()
        params = mod.count_params(model)
        with torch.no_grad():
            ys = model(*[torch.from_numpy(x) for x in xs])
        ys = [y.numpy() for y in ys] if isinstance(ys, tuple) else ys.numpy()`;

const KERAS = `        model = mod.build_model(os.path.join(case["dir"], "weights.h5"))
        params = model.count_params()
        ys = model.predict(xs if len(xs) > 1 else xs[0], verbose=0, batch_size=len(xs[0]))`;

describe.each([
  { format: 'pytorch' as const, loader: TORCH },
  { format: 'keras' as const, loader: KERAS },
])('$format rows: every case loaded in one Python', ({ format, loader }) => {
  const rows = ROWS.filter((r) => r.format === format);
  const got = new Map<string, { params?: number; outputs?: { shape: number[]; data: number[] }[]; error?: string }>();
  const expected = new Map<string, { shape: number[]; data: Float32Array }[]>();
  let skip: string | null = null;

  beforeAll(async () => {
    let env: NodeJS.ProcessEnv = {};
    if (format === 'pytorch') skip = (await pythonModuleMissing('torch')) ?? (await pythonModuleMissing('numpy'));
    else {
      const runtime = await findKerasRuntime();
      if (typeof runtime === 'string') skip = runtime;
      else env = { NETWRIGHT_PYTHON: runtime.python, KERAS_BACKEND: runtime.backend };
    }
    if (skip) return;
    const list = [];
    for (const row of rows.filter((r) => r.expect === 'loads')) {
      const source = sources.get(row.case) as ExportSource;
      const dir = dirOf(row);
      await exportFromSource(source, { format, outDir: dir, selfCheck: false });
      const examples = heldOutExamples(source.info, 4);
      fs.writeFileSync(path.join(dir, 'inputs.npz'), encodeNpz(new Map(examples.map((e) => [e.name, { shape: e.shape, dtype: e.dtype, data: e.data }]))));
      expected.set(row.case, predictTfjs(source.model, examples));
      list.push({ name: row.case, dir, inputs: examples.map((e) => e.name) });
    }
    const casesFile = path.join(tmp, `${format}-cases.json`);
    fs.writeFileSync(casesFile, JSON.stringify(list));
    const r = await runPython(['-c', BATCH(loader), casesFile], { cwd: tmp, timeoutMs: 600_000, env: { ...env, PYTHONPYCACHEPREFIX: tmp } });
    for (const line of r.stdout.split('\n')) {
      if (!line.startsWith('{')) continue;
      const o = JSON.parse(line) as { case: string; params?: number; outputs?: { shape: number[]; data: number[] }[]; error?: string };
      got.set(o.case, o);
    }
    if (got.size === 0) throw new Error(`the ${format} batch printed nothing: ${lastLine(r.stderr)}`);
  }, 900_000);

  it.each(rows)('$case: $expect', async (row) => {
    if (row.expect === 'refused') return expectRefused(row);
    if (skip) return console.warn(`skipped ${row.case} ${format}: ${skip}`);
    const r = got.get(row.case);
    expect(r, `${row.case}: no result`).toBeDefined();
    expect(r?.error, `${row.case} in ${format}`).toBeUndefined();
    const diff = maxDifference(expected.get(row.case) ?? [], r?.outputs ?? []);
    expect(diff, `${row.case} ${format}: largest difference`).toBeLessThanOrEqual(TOLERANCE);
    expect(r?.params, `${row.case} ${format}: parameter count`).toBe(sources.get(row.case)?.info.totalParams);
  }, 120_000);
});
