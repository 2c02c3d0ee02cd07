import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackendReport, TrainEvent } from '../../shared/training/events';
import type { ProjectDoc } from '../../shared/graph/document';
import { loadBestBackend } from '../trainer/backend-loader';
import { loadMnist, type SplitData } from '../trainer/datasets/mnist';
import { runTraining } from '../trainer/train';
import { exampleDoc } from '../trainer/test-helpers';
import { runsRoot } from '../storage/runs';
import { importModelFile } from './import-model';

/**
 * A trained MNIST MLP saved as TF.js, imported (weights become a run), then evaluated and
 * fine-tuned from that run: the evaluation repeats the original's test accuracy, and fine-tuning
 * starts where the imported weights are (first-epoch accuracy far above chance and above a
 * fresh start on the same slice).
 */

let backend: BackendReport;
let big: SplitData;
let slice: SplitData;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'netwright-finetune-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

beforeAll(async () => {
  backend = await loadBestBackend();
  big = loadMnist({ trainLimit: 3000, testLimit: 500, validationSplit: 0 });
  slice = loadMnist({ trainLimit: 256, testLimit: 500, validationSplit: 0 });
});

async function train(doc: ProjectDoc, data: SplitData, runDir: string, initialWeights?: { runId: string; runDir: string; evaluateOnly: boolean }) {
  const events: TrainEvent[] = [];
  const record = await runTraining({ runId: path.basename(runDir), doc, runDir, backend, data, shouldStop: () => false, emit: (e) => events.push(e), ...(initialWeights ? { initialWeights } : {}) });
  return { record, events };
}

describe('fine-tuning an imported model', () => {
  let original: { testAccuracy: number };
  let imported: { doc: ProjectDoc; runId: string; runDir: string };

  beforeAll(async () => {
    const doc = exampleDoc();
    doc.training = { ...doc.training, epochs: 3, seed: 3, trainLimit: null, testLimit: null, validationSplit: 0 };
    const runDir = path.join(tmp, 'original');
    const { record } = await train(doc, big, runDir);
    if (!record?.test) throw new Error('the original run did not train');
    original = { testAccuracy: record.test.accuracy };
    const home = path.join(tmp, 'home');
    const result = await importModelFile(path.join(runDir, 'model.json'), { outPath: path.join(tmp, 'imported.nwproj'), dataDir: home });
    if (!result.runId) throw new Error('no weights were imported');
    imported = { doc: { ...result.doc, training: { ...doc.training } }, runId: result.runId, runDir: path.join(runsRoot(home, result.path), result.runId) };
  }, 300_000);

  it('evaluating the imported run gives the original test accuracy', async () => {
    const { record, events } = await train(imported.doc, big, path.join(tmp, 'evaluated'), { runId: imported.runId, runDir: imported.runDir, evaluateOnly: true });
    expect(events.filter((e) => e.type === 'epoch')).toHaveLength(0);
    expect(record?.origin).toEqual({ kind: 'evaluated', runId: imported.runId });
    expect(original.testAccuracy).toBeGreaterThan(0.8);
    expect(record?.test?.accuracy).toBeCloseTo(original.testAccuracy, 6);
    expect(record?.modelFiles).toEqual(['model.json', 'weights.bin']);
  }, 120_000);

  it('fine-tuning starts from the imported accuracy: first epoch far above chance and above a fresh start', async () => {
    const doc: ProjectDoc = { ...imported.doc, training: { ...imported.doc.training, epochs: 1, learningRate: 0.0005 } };
    const tuned = await train(doc, slice, path.join(tmp, 'tuned'), { runId: imported.runId, runDir: imported.runDir, evaluateOnly: false });
    const fresh = await train(doc, slice, path.join(tmp, 'fresh'));
    const firstEpoch = (r: typeof tuned) => r.record?.epochs[0]?.train.accuracy ?? 0;
    console.log(`first-epoch accuracy: fine-tuned ${firstEpoch(tuned).toFixed(3)}, fresh ${firstEpoch(fresh).toFixed(3)}; test: fine-tuned ${tuned.record?.test?.accuracy.toFixed(3)}, fresh ${fresh.record?.test?.accuracy.toFixed(3)}`);
    expect(tuned.record?.origin).toEqual({ kind: 'fineTuned', runId: imported.runId });
    expect(firstEpoch(tuned)).toBeGreaterThan(0.75);
    expect(firstEpoch(tuned)).toBeGreaterThan(firstEpoch(fresh) + 0.2);
    expect(tuned.record?.test?.accuracy ?? 0).toBeGreaterThan(0.75);
  }, 120_000);

  it('refuses, naming the layer and both shapes, when no layer fits the weights any more (both Dense layers change)', async () => {
    const doc = structuredClone(imported.doc);
    const dense = doc.graph.nodes.find((n) => n.type === 'Dense');
    if (!dense) throw new Error('no Dense');
    dense.params['units'] = 64;
    const { record, events } = await train(doc, slice, path.join(tmp, 'mismatch'), { runId: imported.runId, runDir: imported.runDir, evaluateOnly: false });
    expect(record).toBeNull();
    const error = events.find((e) => e.type === 'error');
    expect(error?.type === 'error' && error.message).toMatch(
      new RegExp(`^The graph no longer matches run ${imported.runId}: none of its layers match the run's \\(.+: changed: its kernel is \\[784, 64\\] now, the run's \\[784, 128\\]\\)`),
    );
  }, 120_000);
});
