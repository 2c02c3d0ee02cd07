import { describe, expect, it } from 'vitest';
import { createTrainingStore } from './training-store';
import { createWorkbench } from './workbench';

const backend = { backend: 'cpu', label: 'CPU', tried: [] };
const started = { type: 'started' as const, runId: 'r1', backend, epochs: 2, batchesPerEpoch: 10, trainSamples: 320, validationSamples: 0, testSamples: 100 };

describe('the training store', () => {
  it('follows a run from start to done and ignores other runs', () => {
    const store = createTrainingStore();
    const s = () => store.getState();
    s().starting('/p/a.nwproj');
    expect(s().run).toMatchObject({ status: 'starting', runId: null, projectPath: '/p/a.nwproj' });
    s().applyEvent(started); // before training.start answered
    expect(s().run.runId).toBe('r1');
    s().started('r1');
    s().applyEvent({ type: 'batch', runId: 'r1', epoch: 0, batch: 0, step: 0, loss: 2.3, accuracy: 0.1, samplesPerSec: 100, etaSec: 5 });
    s().applyEvent({ type: 'batch', runId: 'other', epoch: 0, batch: 0, step: 0, loss: 9, accuracy: 0, samplesPerSec: 1, etaSec: 1 });
    expect(s().run.series.loss).toEqual([2.3]);
    s().applyEvent({ type: 'epoch', runId: 'r1', epoch: 0, step: 9, train: { loss: 1, accuracy: 0.5 }, validation: null });
    s().applyEvent({ type: 'done', runId: 'r1', stopped: false, test: { loss: 0.5, accuracy: 0.9 }, seconds: 3 });
    expect(s().run.status).toBe('done');
    expect(s().run.done?.test?.accuracy).toBe(0.9);
    expect(s().run.epochs).toHaveLength(1);
  });

  it('ignores events when no run is starting, and notifies no one for them', () => {
    const store = createTrainingStore();
    let notified = 0;
    store.subscribe(() => notified++);
    store.getState().applyEvent(started);
    expect(store.getState().run.status).toBe('idle');
    expect(notified).toBe(0);
  });

  it('follows pause and resume, records the learning rate per batch, and is not an edit of the document', () => {
    const { editor, training } = createWorkbench();
    const s = () => training.getState();
    s().starting(null);
    s().started('run-1');
    s().applyEvent({ type: 'started', runId: 'run-1', backend, epochs: 1, batchesPerEpoch: 2, trainSamples: 64, validationSamples: 0, testSamples: 10 });
    s().applyEvent({ type: 'batch', runId: 'run-1', epoch: 0, batch: 0, step: 0, loss: 2, accuracy: 0.1, samplesPerSec: 100, etaSec: 1, learningRate: 0.01 });
    s().applyEvent({ type: 'batch', runId: 'run-1', epoch: 0, batch: 1, step: 1, loss: 1.5, accuracy: 0.2, samplesPerSec: 100, etaSec: 0 });
    expect(s().run.series.lr).toEqual([0.01, null]);
    s().paused(true);
    expect(s().run.paused).toBe(true);
    s().applyEvent({ type: 'batch', runId: 'other', epoch: 0, batch: 1, step: 1, loss: 9, accuracy: 0, samplesPerSec: 1, etaSec: 0 });
    expect(s().run.series.loss).toEqual([2, 1.5]);
    s().applyEvent({ type: 'done', runId: 'run-1', stopped: false, test: { loss: 1, accuracy: 0.5 }, seconds: 1 });
    expect(s().run.paused).toBe(false);
    expect(s().run.status).toBe('done');
    expect(editor.getState().past).toHaveLength(0);
    expect(editor.getState().dirty).toBe(false);
    editor.getState().undo();
    expect(s().run.status).toBe('done');
  });

  it('a failed start and a stop request keep the run shown, with the reason', () => {
    const store = createTrainingStore();
    store.getState().starting(null);
    store.getState().stopRequested();
    expect(store.getState().run).toMatchObject({ status: 'starting', stopRequested: true });
    store.getState().failed('Training could not start: no data');
    expect(store.getState().run).toMatchObject({ status: 'error', error: 'Training could not start: no data' });
  });

  it('reattaches to a run it did not start, but never over a run that is shown', () => {
    const store = createTrainingStore();
    const events = [started, { type: 'batch' as const, runId: 'r1', epoch: 0, batch: 0, step: 0, loss: 2, accuracy: 0.1, samplesPerSec: 10, etaSec: 1 }];
    store.getState().reattach({ runId: 'r1', paused: true, events });
    expect(store.getState().run).toMatchObject({ status: 'running', runId: 'r1', paused: true });
    expect(store.getState().run.series.loss).toEqual([2]);
    store.getState().reattach({ runId: 'r2', paused: false, events: [] });
    expect(store.getState().run.runId).toBe('r1');
  });
});
