import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseProject } from '../../shared/graph/migrations';
import type { TrainEvent } from '../../shared/training/events';
import { RunRecordSchema, type RunRecordData, type RunSummary } from '../../shared/training/runs';
import { fashionMnistMissing } from '../trainer/datasets/mnist';
import { loadModelFromDir } from '../trainer/save-model';
import { buildTrainerForTests } from './build-trainer-for-tests';
import { createForkLauncher } from './fork-launcher';
import { listRuns, runsDir } from '../storage/runs';
import { installTemplateBackbone, templateBackboneOf, templateBackbonesDir } from './template-backbone';
import { tempDir, testBackend, untilEvent } from './test-backend';

/**
 * The template "Transfer: MNIST features → Fashion-MNIST" ships a run of Netwright's trainer as
 * its backbone (resources/templates/backbones/mnist-cnn-features). Opening it copies that run into
 * the unsaved project's runs; training from it loads the convolutions, keeps them frozen, and
 * trains the new head.
 */

const TEMPLATES = path.resolve(__dirname, '../../resources/templates');
const TEMPLATE = path.join(TEMPLATES, 'transfer-mnist-fashion.nwproj');
const SHIPPED = path.join(TEMPLATES, 'backbones', 'mnist-cnn-features');

/** A layer's weights as raw bytes, from a saved model folder. */
async function layerBytes(dir: string, layers: readonly string[]): Promise<Buffer[]> {
  const model = await loadModelFromDir(dir);
  try {
    return layers.flatMap((l) => model.getLayer(l).getWeights().map((w) => Buffer.from((w.dataSync() as Float32Array).buffer)));
  } finally {
    model.dispose();
  }
}

describe('the shipped backbone', () => {
  it('is a small run of the MNIST CNN whose convolutions the template freezes', () => {
    const size = ['run.json', 'model.json', 'weights.bin'].reduce((n, f) => n + fs.statSync(path.join(SHIPPED, f)).size, 0);
    expect(size).toBeLessThan(300 * 1024);
    expect(templateBackbonesDir()).toBe(path.join(TEMPLATES, 'backbones'));
    const record = RunRecordSchema.parse(JSON.parse(fs.readFileSync(path.join(SHIPPED, 'run.json'), 'utf8')));
    expect(record.status).toBe('done');
    expect(record.settings.dataset).toBe('mnist');
    expect(record.test?.accuracy).toBeGreaterThan(0.98);
    const raw = JSON.parse(fs.readFileSync(TEMPLATE, 'utf8')) as Record<string, unknown>;
    expect(templateBackboneOf(raw)).toBe('mnist-cnn-features');
    const doc = parseProject(JSON.stringify(raw));
    const frozen = doc.graph.nodes.filter((n) => n.params['trainable'] === false).map((n) => n.id);
    expect(frozen).toEqual(['conv1', 'conv2']);
    const conv = (nodes: typeof doc.graph.nodes, id: string) => {
      const { trainable: _, ...params } = nodes.find((n) => n.id === id)?.params ?? {};
      return params;
    };
    for (const id of frozen) expect(conv(record.graph.nodes, id)).toEqual(conv(doc.graph.nodes, id));
    expect(doc.training.dataset).toBe('fashion-mnist');
  });

  it('names of backbones are checked', () => {
    expect(templateBackboneOf({})).toBeNull();
    expect(() => templateBackboneOf({ backbone: '../../etc' })).toThrow(/not the name of a shipped backbone/);
    expect(() => installTemplateBackbone(path.join(TEMPLATES, 'backbones'), '../backbones/mnist-cnn-features', tempDir())).toThrow(/not the name/);
    expect(() => installTemplateBackbone(path.join(TEMPLATES, 'backbones'), 'no-such-backbone', tempDir())).toThrow(/missing or damaged/);
  });

  it('becomes a run of an unsaved project (a new id each time), or once the same run beside a project', () => {
    const home = tempDir('nw-tb-');
    try {
      const a = installTemplateBackbone(templateBackbonesDir(), 'mnist-cnn-features', runsDir(home), { draft: 'draft-t' });
      const b = installTemplateBackbone(templateBackbonesDir(), 'mnist-cnn-features', runsDir(home), { draft: 'draft-u' });
      expect(a.runId).not.toBe(b.runId);
      expect(a.name).toBe('MNIST digits CNN');
      expect(listRuns(home, null, 'draft-t').map((r) => [r.runId, r.name, r.hasModel])).toEqual([[a.runId, a.name, true]]);
      expect(fs.readFileSync(path.join(runsDir(home), a.runId, 'weights.bin')).equals(fs.readFileSync(path.join(SHIPPED, 'weights.bin')))).toBe(true);

      const project = path.join(home, 'p.runs');
      const once = installTemplateBackbone(templateBackbonesDir(), 'mnist-cnn-features', project, { keepRunId: true });
      const shippedId = (JSON.parse(fs.readFileSync(path.join(SHIPPED, 'run.json'), 'utf8')) as RunRecordData).runId;
      expect(once.runId).toBe(shippedId);
      fs.writeFileSync(path.join(project, shippedId, 'note'), 'kept');
      expect(installTemplateBackbone(templateBackbonesDir(), 'mnist-cnn-features', project, { keepRunId: true }).runId).toBe(shippedId);
      expect(fs.existsSync(path.join(project, shippedId, 'note'))).toBe(true);
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  });
});

const missing = fashionMnistMissing();

describe.skipIf(missing !== null)(`opening the template in the app and training it${missing ? ` (skipped: ${missing})` : ''}`, () => {
  let entry: string;
  beforeAll(async () => {
    entry = await buildTrainerForTests();
  }, 120_000);
  afterAll(() => fs.rmSync(entry, { force: true }));

  it('templates.backbone makes the shipped run the draft\'s; training from it loads the convolutions and keeps them bit-identical', async () => {
    const { backend, home } = testBackend({ launcher: createForkLauncher(entry) });
    try {
      await expect(backend.handle('templates.backbone', { name: '../x', draft: 'draft-t' })).rejects.toMatchObject({ code: 'BAD_PARAMS' });
      const installed = (await backend.handle('templates.backbone', { name: 'mnist-cnn-features', draft: 'draft-t' })) as { runId: string; name: string };
      const listed = (await backend.handle('runs.list', { projectPath: null, draft: 'draft-t' })) as RunSummary[];
      expect(listed.map((r) => r.runId)).toEqual([installed.runId]);

      const template = parseProject(fs.readFileSync(TEMPLATE, 'utf8'));
      const doc = { ...template, training: { ...template.training, epochs: 1, trainLimit: 256, testLimit: 100, validationSplit: 0 } };
      const ids: { runId?: string } = {};
      const events: TrainEvent[] = [];
      const off = backend.onEvent((name, payload) => {
        if (name === 'training.event') events.push(payload as TrainEvent);
      });
      const end = untilEvent(backend, () => ids.runId, (e) => e.type === 'done' || e.type === 'error');
      const started = (await backend.handle('training.start', { doc, draft: 'draft-t', initialWeights: { runId: installed.runId } })) as { runId: string };
      ids.runId = started.runId;
      const last = await end;
      off();
      expect(last.type === 'error' ? last.message : last.type).toBe('done');

      const record = (await backend.handle('runs.get', { projectPath: null, runId: started.runId })) as RunRecordData;
      expect(record.weights?.fromRunId).toBe(installed.runId);
      expect(record.weights?.loaded.map((l) => l.nodeId)).toEqual(['conv1', 'conv2']);
      expect(record.weights?.fresh.map((l) => l.nodeId)).toEqual(['head', 'classes']);
      expect(record.weights?.dropped.map((l) => l.nodeId)).toEqual(['output']);
      expect(events.some((e) => e.type === 'weights' && e.runId === started.runId)).toBe(true);

      const runDir = path.join(runsDir(home), started.runId);
      const before = await layerBytes(SHIPPED, ['conv2d_1', 'conv2d_2']);
      const after = await layerBytes(runDir, ['conv2d_1', 'conv2d_2']);
      expect(after).toHaveLength(4);
      after.forEach((w, i) => expect(w.equals(before[i] as Buffer), `conv weight ${i} changed`).toBe(true));
    } finally {
      await backend.dispose();
      fs.rmSync(home, { recursive: true, force: true });
    }
  }, 240_000);
});
