import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Explanation, Trace } from '../../shared/training/explain';
import type { RunRecordData } from '../../shared/training/runs';
import { parseProject } from '../../shared/graph/migrations';
import { testBackend, trainToEnd } from './test-backend';
import { createForkLauncher } from './fork-launcher';
import { buildTrainerForTests } from './build-trainer-for-tests';

/** runs.explain and runs.trace end to end: a real trainer process, a trained run, each kind of data. */

let entry: string;
beforeAll(async () => {
  entry = await buildTrainerForTests();
});
afterAll(() => fs.rmSync(entry, { force: true }));

const template = (name: string) => parseProject(fs.readFileSync(path.join(__dirname, `../../resources/templates/${name}.nwproj`), 'utf8'));

describe('runs.explain and runs.trace through the back end', () => {
  it('explains a CNN run’s test example and a drawn digit (saliency, Grad-CAM at a chosen layer) and steps one example through it', async () => {
    const { backend } = testBackend({ launcher: createForkLauncher(entry) });
    try {
      const doc = template('mnist-cnn');
      doc.training = { ...doc.training, epochs: 1, trainLimit: 256, testLimit: 30, batchSize: 64, seed: 5 };
      const { runId, events } = await trainToEnd(backend, doc);
      expect(events.at(-1)).toMatchObject({ type: 'done' });

      const e = (await backend.handle('runs.explain', { projectPath: null, runId, sampleIndex: 3 })) as Explanation;
      expect(e).toMatchObject({ sampleIndex: 3, testSize: 30, score: { kind: 'logit' } });
      expect(e.label).toMatch(/^[0-9]$/);
      expect(e.prediction.task).toBe('classification');
      if (e.prediction.task === 'classification') expect(e.target.index).toBe(e.prediction.predicted);
      if (e.detail.kind !== 'image') throw new Error('expected an image explanation');
      expect(e.detail).toMatchObject({ width: 28, height: 28, channels: 1 });
      expect(e.detail.saliency).toHaveLength(784);
      expect(Math.max(...e.detail.saliency)).toBe(1);
      expect(e.detail.saliencyMax).toBeGreaterThan(0);
      expect(e.detail.convLayers.length).toBeGreaterThanOrEqual(2);
      expect(e.detail.convLayers.every((l) => l.nodeId !== null && l.shape.length === 3)).toBe(true);
      const last = e.detail.convLayers.at(-1);
      expect(e.detail.gradCam?.layer).toBe(last?.layer);
      expect(e.detail.gradCam?.map).toHaveLength(784);
      expect(e.detail.gradCam?.raw).toHaveLength((last?.shape[0] ?? 0) * (last?.shape[1] ?? 0));

      // Another layer and another class.
      const first = e.detail.convLayers[0]?.layer as string;
      const other = (e.target.index + 1) % 10;
      const e2 = (await backend.handle('runs.explain', { projectPath: null, runId, sampleIndex: 3, camLayer: first, targetClass: other })) as Explanation;
      expect(e2.target.index).toBe(other);
      expect(e2.detail.kind === 'image' && e2.detail.gradCam?.layer).toBe(first);
      expect(e2.score.value).toBeLessThan(e.score.value);

      // A drawn digit goes through Try it's preprocessing.
      const pixels = Array.from({ length: 784 }, (_, i) => (Math.abs((i % 28) - 14) < 3 && i > 84 && i < 700 ? 1 : 0));
      const drawn = (await backend.handle('runs.explain', { projectPath: null, runId, input: { kind: 'image', width: 28, height: 28, channels: 1, pixels } })) as Explanation;
      expect(drawn).toMatchObject({ sampleIndex: null, label: null });
      expect(drawn.detail.kind === 'image' && drawn.detail.pixels.filter((p) => p === 255).length).toBe(pixels.filter((p) => p === 1).length);

      await expect(backend.handle('runs.explain', { projectPath: null, runId, sampleIndex: 3, camLayer: 'nope' })).rejects.toMatchObject({ code: 'EXPLAIN_FAILED', message: expect.stringMatching(/"nope" is not one/) });
      await expect(backend.handle('runs.explain', { projectPath: null, runId, sampleIndex: 3, targetClass: 10 })).rejects.toMatchObject({ message: expect.stringMatching(/no class 10/) });
      await expect(backend.handle('runs.explain', { projectPath: null, runId })).rejects.toMatchObject({ code: 'BAD_PARAMS' });
      await expect(backend.handle('runs.explain', { projectPath: null, runId, sampleIndex: 30 })).rejects.toThrow(/no test example 30/);

      const t = (await backend.handle('runs.trace', { projectPath: null, runId, sampleIndex: 3 })) as Trace;
      const record = (await backend.handle('runs.get', { projectPath: null, runId })) as RunRecordData;
      expect(t.loss).toMatchObject({ name: 'categoricalCrossentropy', against: 'label' });
      expect(t.loss.value).toBeGreaterThan(0);
      expect(t.label).toBe(e.label);
      expect(t.layers[0]?.className).toBe('InputLayer');
      // Every layer is a node of the run's graph, in an order the graph allows.
      const ids = record.graph.nodes.map((n) => n.id);
      expect(t.layers.map((l) => l.nodeId).every((id) => id !== null && ids.includes(id))).toBe(true);
      expect(t.layers).toHaveLength(record.graph.nodes.length);
      const position = new Map(t.layers.map((l, i) => [l.layer, i]));
      for (const [i, l] of t.layers.entries()) for (const from of l.inputs) expect(position.get(from)).toBeLessThan(i);
      expect(t.layers.every((l) => l.gradientNorm !== null && l.gradientNorm >= 0)).toBe(true);
      expect(t.layers.find((l) => l.className === 'Conv2D')?.weightGradients.map((w) => w.name)).toEqual(['kernel', 'bias']);
      await expect(backend.handle('runs.trace', { projectPath: null, runId })).rejects.toMatchObject({ code: 'BAD_PARAMS' });
    } finally {
      await backend.dispose();
    }
  }, 300_000);

  it('explains a text run per token and a tabular run per feature', async () => {
    const { backend } = testBackend({ launcher: createForkLauncher(entry) });
    try {
      const text = template('imdb-lstm');
      text.training = { ...text.training, epochs: 1, trainLimit: 256, testLimit: 20, batchSize: 64, seed: 2, data: { ...text.training.data, vocabSize: 400, sequenceLength: 30 } };
      const input = text.graph.nodes.find((n) => n.type === 'Input');
      if (input) input.params = { ...input.params, shape: [30] };
      const run = await trainToEnd(backend, text);
      expect(run.events.at(-1)).toMatchObject({ type: 'done' });
      const review = 'This film was a wonderful surprise and the acting was great';
      const e = (await backend.handle('runs.explain', { projectPath: null, runId: run.runId, input: { kind: 'text', text: review } })) as Explanation;
      if (e.detail.kind !== 'text') throw new Error('expected a text explanation');
      // One entry per word the model read, the words as typed (also those outside the vocabulary).
      expect(e.detail.tokens.map((t) => t.token)).toEqual(review.toLowerCase().split(' '));
      expect(e.detail.tokens.every((t) => Number.isFinite(t.attribution))).toBe(true);
      expect(e.detail.tokens.some((t) => t.attribution !== 0)).toBe(true);
      const fromTest = (await backend.handle('runs.explain', { projectPath: null, runId: run.runId, sampleIndex: 0 })) as Explanation;
      expect(fromTest.detail.kind === 'text' && fromTest.detail.tokens.length).toBeGreaterThan(0);
      expect(fromTest.detail.kind === 'text' && fromTest.detail.tokens.length).toBeLessThanOrEqual(30);

      const tab = template('diabetes-regression');
      tab.training = { ...tab.training, epochs: 2, seed: 4 };
      const tabRun = await trainToEnd(backend, tab);
      expect(tabRun.events.at(-1)).toMatchObject({ type: 'done' });
      const f = (await backend.handle('runs.explain', { projectPath: null, runId: tabRun.runId, sampleIndex: 1 })) as Explanation;
      expect(f).toMatchObject({ score: { kind: 'output' }, prediction: { task: 'regression' } });
      if (f.detail.kind !== 'features') throw new Error('expected feature attributions');
      expect(f.detail.features.length).toBe(10);
      for (const x of f.detail.features) expect(x.attribution).toBeCloseTo(x.input * x.gradient, 6);
      const trace = (await backend.handle('runs.trace', { projectPath: null, runId: tabRun.runId, sampleIndex: 1 })) as Trace;
      expect(trace.loss.against).toBe('label');
    } finally {
      await backend.dispose();
    }
  }, 300_000);
});
