import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, expect } from 'vitest';
import type { ExportFormat, ExportResult } from '../../shared/export/result';
import type { ProjectDoc } from '../../shared/graph/document';
import { parseProject } from '../../shared/graph/migrations';
import { buildModelFromDoc } from '../trainer/build-model';
import { saveModelToDir } from '../trainer/save-model';
import { modelGraph } from '../../shared/graph/analyze-blocks';
import { seededRandom } from './examples';
import { exportFromSource } from './export';
import { loadExportSource, type ExportSource } from './source';

/** Every example and gallery template project, by file name. */
export function galleryProjects(): { file: string; doc: ProjectDoc }[] {
  const root = path.resolve(__dirname, '../../resources');
  const out: { file: string; doc: ProjectDoc }[] = [];
  for (const dir of ['examples', 'templates']) {
    const full = path.join(root, dir);
    if (!fs.existsSync(full)) continue;
    for (const f of fs.readdirSync(full).filter((n) => n.endsWith('.nwproj')).sort()) {
      out.push({ file: `${dir}/${f}`, doc: parseProject(fs.readFileSync(path.join(full, f), 'utf8')) });
    }
  }
  return out;
}

/**
 * Builds the project's model, gives every bias, normalization statistic and scale a random
 * non-trivial value (fresh ones are 0 or 1, which would hide a mis-mapped weight), and saves it
 * as a run folder (model.json, weights.bin, run.json). Returns the folder.
 */
export async function randomizedRun(doc: ProjectDoc, seed = 7, preprocessing: unknown = null): Promise<string> {
  const { model } = buildModelFromDoc(doc);
  const rand = seededRandom(seed);
  const uniform = (lo: number, hi: number, n: number) => Float32Array.from({ length: n }, () => lo + (hi - lo) * rand());
  try {
    for (const layer of model.layers) {
      const values = layer.getWeights();
      const next = layer.weights.map((v, i) => {
        const t = values[i] as tf.Tensor;
        const name = v.name;
        const n = t.size;
        if (/moving_variance/.test(name)) return tf.tensor(uniform(0.5, 1.5, n), t.shape);
        if (/gamma/.test(name)) return tf.tensor(uniform(0.7, 1.3, n), t.shape);
        if (/(bias|beta|moving_mean)/.test(name)) return tf.tensor(uniform(-0.3, 0.3, n), t.shape);
        return tf.clone(t);
      });
      layer.setWeights(next);
      for (const t of next) t.dispose(); // values are the variables themselves
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netwright-run-'));
    await saveModelToDir(model, dir);
    fs.writeFileSync(path.join(dir, 'run.json'), JSON.stringify({ graph: modelGraph(doc), settings: doc.training, preprocessing }));
    return dir;
  } finally {
    model.dispose();
  }
}

/**
 * For a describe block: a randomized run of `doc` (see randomizedRun) loaded as an export source
 * before its tests, and disposed with its run folder after them. The getter throws if asked
 * before the block's beforeAll ran.
 */
export function randomizedExportSource(doc: ProjectDoc): () => ExportSource {
  let source: ExportSource | undefined;
  let runDir: string | undefined;
  beforeAll(async () => {
    runDir = await randomizedRun(doc);
    source = await loadExportSource(doc, runDir);
  }, 120_000);
  afterAll(() => {
    source?.model.dispose();
    if (runDir) fs.rmSync(runDir, { recursive: true, force: true });
  });
  return () => {
    if (!source) throw new Error('the export source is made in beforeAll');
    return source;
  };
}

/**
 * Exports `source` to `outDir` and expects the export's own checks to pass: it reloads in its
 * runtime, predicts within 1e-4 of Netwright, and has the same parameter count. Logs the report.
 */
export async function expectExportReloads(source: ExportSource, format: ExportFormat, outDir: string, tag: string): Promise<ExportResult> {
  const result = await exportFromSource(source, { format, outDir });
  const report = result.checks.map((c) => `${c.status} ${c.name}: ${c.detail}`).join('\n');
  console.log(`${tag} ${format}:\n${report}`);
  expect(result.ok, report).toBe(true);
  for (const c of result.checks) if (c.maxDifference !== null) expect(c.maxDifference).toBeLessThanOrEqual(1e-4);
  if (result.params.exported !== null) expect(result.params.exported).toBe(source.info.totalParams);
  return result;
}
