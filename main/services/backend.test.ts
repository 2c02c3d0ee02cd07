import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ApiError, CALLS, type EventName } from '../../shared/api/contract';
import type { TrainEvent } from '../../shared/training/events';
import { DATASET_IDS, type ProjectDoc } from '../../shared/graph/document';
import type { BackendDeps, BackendService } from './backend';
import type { TrainerLauncher } from './launcher';
import { createInProcessLauncher, createScriptedLauncher } from './test-launchers';
import { docWithGraph, exampleDoc, chain } from '../trainer/test-helpers';
import { tempDir as tmp, testBackend } from './test-backend';

function backendWith(launcher: TrainerLauncher = createInProcessLauncher(), extra: Pick<BackendDeps, 'dialogs'> = {}) {
  const { backend, home } = testBackend({ version: '1.2.3', launcher, defaultDir: '/home/x', ...extra });
  return { backend, dataDir: home };
}

async function apiError(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ApiError);
    return e as ApiError;
  }
  throw new Error('expected an ApiError');
}

/** Starts a run and collects its events until done or error. */
async function trainToEnd(backend: BackendService, doc: ProjectDoc): Promise<{ runId: string; events: TrainEvent[] }> {
  const events: TrainEvent[] = [];
  const run: { id?: string } = {};
  const finished = new Promise<void>((resolve) => {
    const off = backend.onEvent((name: EventName, payload) => {
      const e = payload as TrainEvent;
      if (name !== 'training.event' || e.runId !== run.id) return;
      events.push(e);
      if (e.type === 'done' || e.type === 'error') {
        off();
        resolve();
      }
    });
  });
  run.id = ((await backend.handle('training.start', { doc })) as { runId: string }).runId;
  await finished;
  return { runId: run.id, events };
}

describe('backend service: calls', () => {
  it('answers app.info and datasets.list within the contract', async () => {
    const { backend } = backendWith();
    const info = await backend.handle('app.info', {});
    expect(info).toEqual({ version: '1.2.3', mode: 'browser', platform: process.platform, defaultDir: '/home/x' });
    const sets = CALLS['datasets.list'].result.parse(await backend.handle('datasets.list', {}));
    expect(sets.map((d) => d.id)).toEqual([...DATASET_IDS]);
  });

  it('refuses unknown calls and bad params with readable ApiErrors', async () => {
    const { backend } = backendWith();
    expect(await apiError(backend.handle('nope.nope', {}))).toMatchObject({ code: 'UNKNOWN_CALL' });
    const bad = await apiError(backend.handle('project.open', { path: 42 }));
    expect(bad.code).toBe('BAD_PARAMS');
    expect(bad.message).toMatch(/project\.open.*path/);
  });

  it('saves atomically and opens a project again', async () => {
    const { backend } = backendWith();
    const dir = tmp();
    const file = path.join(dir, 'p.nwproj');
    const doc = exampleDoc();
    expect(await backend.handle('project.save', { path: file, doc })).toEqual({ path: file });
    expect(fs.readdirSync(dir)).toEqual(['p.nwproj']); // no temporary file left behind
    expect(await backend.handle('project.open', { path: file })).toEqual({ path: file, doc });
  });

  it('explains missing and damaged project files', async () => {
    const { backend } = backendWith();
    const dir = tmp();
    const missing = await apiError(backend.handle('project.open', { path: path.join(dir, 'none.nwproj') }));
    expect(missing.code).toBe('NOT_FOUND');
    fs.writeFileSync(path.join(dir, 'bad.nwproj'), '{"format":"netwright-project",');
    const damaged = await apiError(backend.handle('project.open', { path: path.join(dir, 'bad.nwproj') }));
    expect(damaged.code).toBe('DAMAGED_FILE');
    expect(damaged.message).toMatch(/not valid JSON/);
    const noFolder = await apiError(backend.handle('project.save', { path: path.join(dir, 'no', 'such', 'x.nwproj'), doc: exampleDoc() }));
    expect(noFolder.code).toBe('NOT_FOUND');
  });

  it('lists folders first, sorted, without hidden entries', async () => {
    const { backend } = backendWith();
    const dir = tmp();
    for (const d of ['b-dir', 'A-dir']) fs.mkdirSync(path.join(dir, d));
    for (const f of ['z.nwproj', 'a10.txt', 'a9.txt', '.hidden']) fs.writeFileSync(path.join(dir, f), '');
    const listing = await backend.handle('files.list', { path: dir });
    expect(listing).toEqual({
      path: dir,
      parent: path.dirname(dir),
      entries: [
        { name: 'A-dir', kind: 'dir' },
        { name: 'b-dir', kind: 'dir' },
        { name: 'a9.txt', kind: 'file' },
        { name: 'a10.txt', kind: 'file' },
        { name: 'z.nwproj', kind: 'file' },
      ],
    });
    expect(await backend.handle('files.list', { path: '/' })).toMatchObject({ parent: null });
    expect(await apiError(backend.handle('files.list', { path: path.join(dir, 'z.nwproj') }))).toMatchObject({ code: 'NOT_A_FOLDER' });
  });

  it('delegates dialogs when given and refuses them otherwise', async () => {
    const { backend } = backendWith();
    expect(await apiError(backend.handle('dialog.open', { title: 'Open' }))).toMatchObject({ code: 'UNSUPPORTED' });
    const calls: string[] = [];
    const dialogs = {
      open: async (t: string) => (calls.push(`open ${t}`), '/a.nwproj'),
      save: async (t: string, d?: string) => (calls.push(`save ${t} ${d}`), null),
      folder: async (t: string) => (calls.push(`folder ${t}`), '/out'),
    };
    const withDialogs = backendWith(undefined, { dialogs }).backend;
    expect(await withDialogs.handle('dialog.open', { title: 'Open' })).toEqual({ path: '/a.nwproj' });
    expect(await withDialogs.handle('dialog.save', { title: 'Save', defaultPath: '/x' })).toEqual({ path: null });
    expect(await withDialogs.handle('dialog.folder', { title: 'Out' })).toEqual({ path: '/out' });
    expect(calls).toEqual(['open Open', 'save Save /x', 'folder Out']);
  });
});

describe('backend service: training', () => {
  it('refuses an invalid graph and a graph that does not fit the data, launching nothing', async () => {
    const launcher = createInProcessLauncher();
    const { backend } = backendWith(launcher);
    const dangling = docWithGraph(chain(['in', 'Input', { shape: [28, 28] }], ['d', 'Dense', { units: 10 }]));
    dangling.graph.edges = [];
    const invalid = await apiError(backend.handle('training.start', { doc: dangling }));
    expect(invalid.code).toBe('INVALID_GRAPH');
    expect(invalid.message).toMatch(/nothing connected/);
    const wrongInput = docWithGraph(chain(['in', 'Input', { shape: [10] }], ['d', 'Dense', { units: 10, activation: 'softmax' }]));
    const mismatch = await apiError(backend.handle('training.start', { doc: wrongInput }));
    expect(mismatch.code).toBe('NOT_TRAINABLE');
    expect(mismatch.message).toMatch(/does not fit/);
    expect(launcher.launched).toBe(0);
  });

  it('trains, forwards events, and exports the trained model', async () => {
    const { backend, dataDir } = backendWith();
    const doc = exampleDoc();
    doc.training = { ...doc.training, trainLimit: 400, testLimit: 100, epochs: 2 };
    const { runId, events } = await trainToEnd(backend, doc);
    expect(events[0]?.type).toBe('started');
    expect(events.filter((e) => e.type === 'epoch')).toHaveLength(2);
    expect(events.at(-1)).toMatchObject({ type: 'done', stopped: false });
    expect(fs.existsSync(path.join(dataDir, 'runs', runId, 'run.json'))).toBe(true);

    const outDir = path.join(tmp(), 'export', 'here');
    const exported = (await backend.handle('export.model', { format: 'tfjs', doc, runId, outDir, selfCheck: false })) as { runId: string | null; files: string[] };
    expect(exported.runId).toBe(runId);
    expect(exported.files).toEqual(expect.arrayContaining(['model.json', 'preprocessing.json'].map((f) => expect.stringContaining(f))));
    expect(JSON.parse(fs.readFileSync(path.join(outDir, 'preprocessing.json'), 'utf8'))).toMatchObject({ kind: 'image', height: 28, width: 28, scale: 255 });
    expect(await backend.handle('training.stop', { runId })).toEqual({ stopped: false });
  });

  it('stops a run on request and reports done with stopped: true', async () => {
    const { backend } = backendWith();
    const doc = exampleDoc();
    doc.training = { ...doc.training, trainLimit: 3000, testLimit: 100, epochs: 20 };
    const off = backend.onEvent((_n, p) => {
      const e = p as TrainEvent;
      if (e.type === 'batch') void backend.handle('training.stop', { runId: e.runId });
    });
    const { events } = await trainToEnd(backend, doc);
    off();
    expect(events.at(-1)).toMatchObject({ type: 'done', stopped: true });
    expect(events.filter((e) => e.type === 'epoch').length).toBeLessThan(20);
  });

  it('reports a trainer that dies as an error event', async () => {
    const launcher = createScriptedLauncher((runId) => [{ type: 'event', event: { type: 'evaluating', runId } }], 134);
    const { backend } = backendWith(launcher);
    const { events } = await trainToEnd(backend, exampleDoc());
    expect(events.map((e) => e.type)).toEqual(['evaluating', 'error']);
    expect(events[1]).toMatchObject({ kind: 'crash', message: expect.stringMatching(/crashed in native code \(abort\).*start training again/) });
  });

  it('ends a run whose trainer sends a malformed message', async () => {
    const { backend } = backendWith(createScriptedLauncher(() => [{ type: 'event', event: { type: 'bogus' } }], 0));
    const { events } = await trainToEnd(backend, exampleDoc());
    expect(events.map((e) => e.type)).toEqual(['error']);
  });

  it('refuses to export a run without a model, or an unknown run', async () => {
    const { backend, dataDir } = backendWith();
    fs.mkdirSync(path.join(dataDir, 'runs', 'r1'), { recursive: true });
    const exportRun = (runId: string) => apiError(backend.handle('export.model', { format: 'tfjs', doc: exampleDoc(), runId, outDir: tmp() }));
    expect(await exportRun('r1')).toMatchObject({ code: 'NO_MODEL' });
    expect(await exportRun('r2')).toMatchObject({ code: 'NO_MODEL' });
    expect(await exportRun('../..')).toMatchObject({ code: 'UNKNOWN_RUN' });
  });
});

describe('backend service: data sets and training controls', () => {
  it('datasets.inspect describes an import, or answers BAD_DATA naming the file and line', async () => {
    const { backend } = backendWith(createScriptedLauncher(() => [], 0));
    const dir = tmp('nw-inspect-');
    const good = path.join(dir, 'good.csv');
    fs.writeFileSync(good, 'a,b,label\n1,2,x\n3,4,y\n5,,x\n7,8,y\n');
    const settings = { ...exampleDoc().training, dataset: 'csv' as const, data: { ...exampleDoc().training.data, path: good } };
    expect(await backend.handle('datasets.inspect', { settings })).toMatchObject({ sampleShape: [2], classNames: ['x', 'y'], warnings: ['Column "b": 1 missing value(s), filled with the column mean.'] });
    const bad = path.join(dir, 'bad.csv');
    fs.writeFileSync(bad, 'a,b,label\n1,2,x\n3,4\n');
    await expect(backend.handle('datasets.inspect', { settings: { ...settings, data: { ...settings.data, path: bad } } })).rejects.toMatchObject({
      code: 'BAD_DATA',
      message: 'bad.csv line 3: expected 3 fields like the header, found 2.',
    });
    const sets = (await backend.handle('datasets.list', {})) as { id: string; available: boolean }[];
    expect(sets.find((s) => s.id === 'fashion-mnist')?.available).toBe(fs.existsSync('/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz'));
  });

  it('training.start refuses a graph that does not fit the data set before any process starts', async () => {
    const launcher = createScriptedLauncher(() => [], 0);
    const { backend } = backendWith(launcher);
    const doc = exampleDoc();
    doc.training = { ...doc.training, dataset: 'iris' };
    await expect(backend.handle('training.start', { doc })).rejects.toMatchObject({ code: 'NOT_TRAINABLE', message: expect.stringMatching(/does not fit Iris flowers samples of shape \[\?, 4\]/) });
  });

  it('pause and resume reach the trainer; unknown runs answer false', async () => {
    const sent: string[] = [];
    const launcher: TrainerLauncher = {
      launch: () => ({ send: (m) => sent.push(m.type), onMessage: () => undefined, onExit: () => undefined, kill: () => undefined }),
    };
    const { backend } = backendWith(launcher);
    const { runId } = (await backend.handle('training.start', { doc: exampleDoc() })) as { runId: string };
    expect(await backend.handle('training.resume', { runId })).toEqual({ resumed: false });
    expect(await backend.handle('training.pause', { runId })).toEqual({ paused: true });
    expect(await backend.handle('training.resume', { runId })).toEqual({ resumed: true });
    expect(await backend.handle('training.pause', { runId: 'nope' })).toEqual({ paused: false });
    expect(sent).toEqual(['train', 'pause', 'resume']);
    await backend.dispose();
  });
});

describe('app.recentFiles', () => {
  it('hands the UI\'s recent files to the desktop app (its menu), and is a no-op without it', async () => {
    const seen: (readonly string[])[] = [];
    const launcher = createScriptedLauncher(() => [], 0);
    const { backend: electron } = testBackend({ mode: 'electron', version: '1', launcher, defaultDir: '/', onRecentFiles: (p) => seen.push(p) });
    await expect(electron.handle('app.recentFiles', { paths: ['/a.nwproj', '/b/c.nwproj'] })).resolves.toEqual({});
    expect(seen).toEqual([['/a.nwproj', '/b/c.nwproj']]);
    const err = await apiError(electron.handle('app.recentFiles', { paths: Array.from({ length: 21 }, (_, i) => `/${i}.nwproj`) }));
    expect(err.code).toBe('BAD_PARAMS');
    expect(seen).toHaveLength(1);
    const { backend } = backendWith();
    await expect(backend.handle('app.recentFiles', { paths: ['/a.nwproj'] })).resolves.toEqual({});
    await electron.dispose();
    await backend.dispose();
  });
});
