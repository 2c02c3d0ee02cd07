import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../../shared/graph/analyze';
import { DEFAULT_TRAINING, emptyProject } from '../../../shared/graph/document';
import type { RunRecordData } from '../../../shared/training/runs';
import { connectFixes } from '../graph/connect-fixes';
import { inputShapeFor } from '../../../shared/graph/edits';
import { createEditorStore } from './store';
import { createWorkbench } from './workbench';

const record = (runId: string): RunRecordData => ({
  runId,
  name: 'filters 16',
  status: 'done',
  projectPath: null,
  settings: DEFAULT_TRAINING,
  graph: { nodes: [], edges: [] },
  graphHash: 'x',
  backend: null,
  startedAt: '2026-12-05T00:00:00.000Z',
  finishedAt: '2026-12-05T00:00:10.000Z',
  seconds: 10,
  trainSeconds: 9,
  samplesPerSec: 100,
  stopped: false,
  earlyStoppedAt: null,
  bestEpoch: null,
  epochs: [{ epoch: 0, train: { loss: 1, accuracy: 0.5 }, validation: { loss: 1.1, accuracy: 0.4 }, learningRate: 0.001, seconds: 9 }],
  test: { loss: 1.2, accuracy: 0.45 },
  evaluation: null,
  preprocessing: null,
  totalParams: 10,
  modelFiles: ['model.json'],
  bestModelFiles: [],
  error: null,
});

describe('the dashboard belongs to the open project', () => {
  it('New and Open start with an empty dashboard and a new draft id', () => {
    const { editor: store, training } = createWorkbench();
    const firstDraft = store.getState().draftId;
    training.getState().loaded(record('r1'), null);
    expect(training.getState().run).toMatchObject({ status: 'done', runId: 'r1', name: 'filters 16', fromDisk: true });
    expect(training.getState().run.done?.test?.accuracy).toBe(0.45);
    expect(training.getState().run.epochs).toHaveLength(1);
    store.getState().newProject();
    expect(training.getState().run).toMatchObject({ status: 'idle', runId: null, done: null, epochs: [] });
    expect(store.getState().draftId).not.toBe(firstDraft);
    training.getState().loaded(record('r2'), '/p/a.nwproj');
    store.getState().loadProject(emptyProject('B'), '/p/b.nwproj');
    expect(training.getState().run.runId).toBeNull();
    // Recovered work keeps its draft id, so its runs stay its own; its dashboard starts empty too.
    training.getState().loaded(record('r3'), null);
    store.getState().loadProject(emptyProject('C'), null, { unsaved: true, draftId: 'd-keep' });
    expect(store.getState().draftId).toBe('d-keep');
    expect(training.getState().run.runId).toBeNull();
  });

  it('edits, undo and save leave the shown run alone', () => {
    const { editor: store, training } = createWorkbench();
    training.getState().loaded(record('r1'), null);
    store.getState().addNode('Dense', { x: 0, y: 0 });
    store.getState().undo();
    store.getState().markSaved('/p/a.nwproj', store.getState().currentRev());
    expect(training.getState().run.runId).toBe('r1');
  });

  it('a loaded run never replaces a run that is shown; a moved run follows the saved project', () => {
    const { training } = createWorkbench();
    const t = () => training.getState();
    t().starting(null);
    t().loaded(record('old'), null);
    expect(t().run.status).toBe('starting');
    t().started('live', 'Run 1');
    expect(t().run).toMatchObject({ runId: 'live', name: 'Run 1', projectPath: null });
    t().runsMoved('/p/x.nwproj', ['other']);
    expect(t().run.projectPath).toBeNull();
    t().runsMoved('/p/x.nwproj', ['live']);
    expect(t().run.projectPath).toBe('/p/x.nwproj');
  });
});

describe('a new Input fits the data set', () => {
  it('has MNIST full shape, a table its feature count, text and imports the spec default', () => {
    expect(inputShapeFor('mnist')).toEqual([28, 28, 1]);
    expect(inputShapeFor('iris')).toEqual([4]);
    expect(inputShapeFor('imdb')).toBeNull();
    expect(inputShapeFor('csv')).toBeNull();
    const store = createEditorStore();
    const id = store.getState().addNode('Input', { x: 0, y: 0 }) as string;
    expect(store.getState().doc.graph.nodes.find((n) => n.id === id)?.params['shape']).toEqual([28, 28, 1]);
  });
});

describe('one-click fixes for Input(28, 28) into Conv2D', () => {
  function refused() {
    const store = createEditorStore();
    const input = store.getState().addNode('Input', { x: 0, y: 0 }) as string;
    store.getState().setParam(input, 'shape', [28, 28]);
    const conv = store.getState().addNode('Conv2D', { x: 300, y: 0 }) as string;
    const c = { source: input, target: conv, targetPort: 'in' };
    const analysis = analyzeGraph(store.getState().doc.graph);
    const fixes = connectFixes(store.getState().doc.graph, c, (id) => analysis.nodes.get(id)?.outputShape);
    return { store, input, conv, fixes };
  }

  it('adds the channel to the Input and connects, as one undo step', () => {
    const { store, input, conv, fixes } = refused();
    const steps = store.getState().past.length;
    expect(store.getState().applyConnectFix(fixes[0] as (typeof fixes)[number])).toBe(true);
    expect(store.getState().doc.graph.nodes.find((n) => n.id === input)?.params['shape']).toEqual([28, 28, 1]);
    expect(store.getState().doc.graph.edges).toMatchObject([{ source: input, target: conv }]);
    expect(analyzeGraph(store.getState().doc.graph).nodes.get(conv)?.outputShape).toEqual([null, 26, 26, 32]);
    expect(store.getState().past.length).toBe(steps + 1);
    store.getState().undo();
    expect(store.getState().doc.graph.edges).toEqual([]);
    expect(store.getState().doc.graph.nodes.find((n) => n.id === input)?.params['shape']).toEqual([28, 28]);
  });

  it('inserts a Reshape to 28, 28, 1 between them, below both, as one undo step', () => {
    const { store, input, conv, fixes } = refused();
    expect(store.getState().applyConnectFix(fixes[1] as (typeof fixes)[number])).toBe(true);
    const reshape = store.getState().doc.graph.nodes.find((n) => n.type === 'Reshape');
    expect(reshape?.params['targetShape']).toEqual([28, 28, 1]);
    expect(reshape?.position).toEqual({ x: 150, y: 110 });
    expect(store.getState().doc.graph.edges.map((e) => [e.source, e.target])).toEqual([
      [input, reshape?.id],
      [reshape?.id, conv],
    ]);
    expect(analyzeGraph(store.getState().doc.graph).nodes.get(conv)?.outputShape).toEqual([null, 26, 26, 32]);
    store.getState().undo();
    expect(store.getState().doc.graph.nodes.map((n) => n.type)).toEqual(['Input', 'Conv2D']);
  });
});

describe('a run loaded from disk keeps its settings history', () => {
  it('its live changes become the markers and history of the dashboard, described as they were made', () => {
    const { training } = createWorkbench();
    const controls = [
      { step: 12, epoch: 1, batch: 2, at: '2026-12-05T00:00:05.000Z', change: { kind: 'learningRate' as const, learningRate: 0.1, schedule: { kind: 'cosine' as const, minLearningRate: 0 } } },
      { step: 20, epoch: 2, batch: 0, at: '2026-12-05T00:00:06.000Z', change: { kind: 'stopAfterEpoch' as const, enabled: true } },
    ];
    training.getState().loaded({ ...record('r2'), controls }, null);
    expect(training.getState().run.controls.map((c) => [c.type, c.runId, c.step, c.text])).toEqual([
      ['control', 'r2', 12, 'learning rate → 0.1 (cosine decay)'],
      ['control', 'r2', 20, 'stop after this epoch'],
    ]);
    const other = createWorkbench().training;
    other.getState().loaded(record('r3'), null);
    expect(other.getState().run.controls).toEqual([]);
  });
});
