import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackendReport, TrainEvent } from '../../shared/training/events';
import type { ProjectDoc } from '../../shared/graph/document';
import { parseProject } from '../../shared/graph/migrations';
import { cutAfter } from '../../shared/graph/backbone';
import { freezableBefore, withTrainable } from '../../shared/graph/freeze';
import { loadBestBackend } from './backend-loader';
import { loadDataset } from './datasets/load-dataset';
import { fashionMnistMissing } from './datasets/mnist';
import { runTraining } from './train';
import { loadModelFromDir } from './save-model';
import { node, edge } from './test-helpers';

/**
 * A backbone with a new head (issue 18): the MNIST CNN template trained on a slice, then its
 * convolutional part kept and frozen, the head cut and replaced, and the graph trained on
 * Fashion-MNIST from that run. Loaded / fresh / dropped are reported (event and run.json), the
 * frozen weights come out bit-identical, the new head learns, and it beats the same head on a
 * frozen random backbone. Partial matches, evaluate-only and a graph that shares nothing are checked.
 */

const missing = fashionMnistMissing();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'netwright-backbone-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
let backend: BackendReport;

const template = (): ProjectDoc => parseProject(fs.readFileSync(path.join(__dirname, '../../resources/templates/mnist-cnn.nwproj'), 'utf8'));

async function train(doc: ProjectDoc, name: string, from?: { runId: string; evaluateOnly?: boolean }) {
  const events: TrainEvent[] = [];
  const runDir = path.join(tmp, name);
  const data = loadDataset(doc.training);
  const record = await runTraining({
    runId: name,
    doc,
    runDir,
    backend,
    data,
    shouldStop: () => false,
    emit: (e) => events.push(e),
    ...(from ? { initialWeights: { runId: from.runId, runDir: path.join(tmp, from.runId), evaluateOnly: from.evaluateOnly ?? false } } : {}),
  });
  return { record, events, runDir };
}

async function weightsOf(runDir: string, layer: string): Promise<Float32Array[]> {
  const model = await loadModelFromDir(runDir);
  try {
    return model.getLayer(layer).getWeights().map((w) => w.dataSync() as Float32Array);
  } finally {
    model.dispose();
  }
}

/** The MNIST CNN cut after its Flatten, a new Dense head, the convolutional part frozen, on Fashion-MNIST. */
function transferDoc(): ProjectDoc {
  const base = template();
  let graph = cutAfter(base.graph, 'flatten');
  graph = {
    ...graph,
    nodes: [...graph.nodes, node('head', 'Dense', { units: 64, activation: 'relu' }), node('classes', 'Dense', { units: 10, activation: 'softmax' })],
    edges: [...graph.edges, edge('flatten', 'head'), edge('head', 'classes')],
  };
  graph = withTrainable(graph, freezableBefore(graph, 'flatten'), true);
  return { ...base, graph, training: { ...base.training, dataset: 'fashion-mnist', epochs: 1, seed: 7, trainLimit: 3000, testLimit: 1000, validationSplit: 0 } };
}

describe.skipIf(missing !== null)(`a backbone with a new head${missing ? ` (skipped: ${missing})` : ''}`, () => {
  beforeAll(async () => {
    backend = await loadBestBackend();
    const mnist = template();
    mnist.training = { ...mnist.training, epochs: 1, seed: 3, trainLimit: 6000, testLimit: 300, validationSplit: 0 };
    const { record } = await train(mnist, 'mnist');
    if (!record?.test) throw new Error('the MNIST CNN did not train');
    expect(record.test.accuracy).toBeGreaterThan(0.8);
  }, 600_000);

  it('loads the backbone, trains the new head, keeps frozen weights bit-identical and beats a frozen random backbone', async () => {
    const doc = transferDoc();
    const { record, events, runDir } = await train(doc, 'transfer', { runId: 'mnist' });
    expect(record?.status).toBe('done');
    const report = events.find((e) => e.type === 'weights');
    if (report?.type !== 'weights') throw new Error('no weights event');
    expect(report.report.loaded.map((l) => l.nodeId).sort()).toEqual(['conv1', 'conv2']);
    expect(report.report.fresh.map((l) => l.nodeId)).toEqual(['head', 'classes']);
    expect(report.report.fresh.every((f) => f.reason.startsWith('new'))).toBe(true);
    expect(report.report.dropped.map((l) => [l.nodeId, l.reason])).toEqual([['output', 'not in the graph any more']]);
    expect(events.findIndex((e) => e.type === 'weights')).toBe(events.findIndex((e) => e.type === 'started') + 1);
    const onDisk = JSON.parse(fs.readFileSync(path.join(runDir, 'run.json'), 'utf8')) as { weights?: unknown };
    expect(onDisk.weights).toEqual(report.report);
    for (const layer of ['conv2d_1', 'conv2d_2']) {
      const before = await weightsOf(path.join(tmp, 'mnist'), layer);
      const after = await weightsOf(runDir, layer);
      expect(after.length).toBe(2);
      after.forEach((w, i) => expect(Buffer.from(w.buffer).equals(Buffer.from((before[i] as Float32Array).buffer))).toBe(true));
    }
    const accuracy = record?.test?.accuracy ?? 0;
    expect(accuracy).toBeGreaterThan(0.6);
    // The same head on a frozen random backbone (same seed, same slice).
    const random = await train(transferDoc(), 'random');
    const randomAccuracy = random.record?.test?.accuracy ?? 1;
    expect(accuracy).toBeGreaterThan(randomAccuracy + 0.02);
    console.log(`backbone: MNIST features ${(accuracy * 100).toFixed(1)}% vs frozen random ${(randomAccuracy * 100).toFixed(1)}% on Fashion-MNIST (1 epoch, 3000 samples)`);
  }, 600_000);

  it('a layer whose shapes changed starts fresh and its old weights are dropped; evaluating such a graph is refused', async () => {
    const doc = template();
    const graph = { ...doc.graph, nodes: doc.graph.nodes.map((n) => (n.id === 'conv2' ? { ...n, params: { ...n.params, filters: 16 } } : n)) };
    const changed: ProjectDoc = { ...doc, graph, training: { ...doc.training, epochs: 1, seed: 1, trainLimit: 200, testLimit: 100, validationSplit: 0 } };
    const { events, record } = await train(changed, 'changed', { runId: 'mnist' });
    const report = events.find((e) => e.type === 'weights');
    if (report?.type !== 'weights') throw new Error('no weights event');
    expect(report.report.loaded.map((l) => l.nodeId)).toEqual(['conv1']);
    expect(report.report.fresh.map((f) => f.nodeId)).toEqual(['conv2', 'output']);
    expect(report.report.fresh[0]?.reason).toBe('changed: its kernel is [3, 3, 32, 16] now, the run\'s [3, 3, 32, 64]');
    expect(report.report.dropped.map((d) => d.nodeId)).toEqual(['conv2', 'output']);
    expect(record?.status).toBe('done');
    const evaluated = await train(changed, 'changed-eval', { runId: 'mnist', evaluateOnly: true });
    expect(evaluated.record).toBeNull();
    const error = evaluated.events.find((e) => e.type === 'error');
    expect(error?.type === 'error' ? error.message : '').toMatch(/evaluating needs a weight for every layer, but conv2d_2, dense_1 would start untrained/);
  }, 300_000);

  it('a graph that shares no layer with the run is refused with the reason', async () => {
    const doc = template();
    const graph = { nodes: [node('in', 'Input', { shape: [28, 28] }), node('f', 'Flatten'), node('d', 'Dense', { units: 10, activation: 'softmax' })], edges: [edge('in', 'f'), edge('f', 'd')] };
    const { record, events } = await train({ ...doc, graph, training: { ...doc.training, trainLimit: 100, testLimit: 50, validationSplit: 0 } }, 'unrelated', { runId: 'mnist' });
    expect(record).toBeNull();
    const error = events.find((e) => e.type === 'error');
    expect(error?.type === 'error' ? [error.kind, error.message] : []).toEqual(['data', expect.stringMatching(/^The graph no longer matches run mnist: none of its layers match the run's \(dense_1: /)]);
  }, 120_000);
});
