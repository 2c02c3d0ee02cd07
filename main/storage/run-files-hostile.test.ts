import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { testBackend } from '../services/test-backend';
import { rootedPaths } from '../services/path-policy';
import { exampleDoc } from '../trainer/test-helpers';
import { loadModelFromDir } from '../trainer/save-model';
import { newRunRecord, writeRun } from './runs';

/**
 * A project's runs folder travels with it (`p.runs/<run>/run.json`, insight.jsonl, model.json,
 * weights.bin, `.sweeps/*.json`), so what is there may be anything (issue 14, "the host never
 * freezes"). Before this test's change, a FIFO as a run.json blocked the browser-mode host's
 * thread for good on `runs.list` (no other call was answered), a link to /dev/zero grew it past
 * 12 GB, and a link to a file outside the allowed folder was read: a valid run record there was
 * returned whole, any other text came back in the error ("Unexpected token 'r', "root:x:0:0"...").
 *
 * Each FIFO here gets a writer that fills it after WRITER_DELAY_MS, so code that waits on it
 * fails this test (too slow) instead of hanging the test run.
 */
const WRITER_DELAY_MS = 3000;

const base = fs.mkdtempSync(path.join(os.tmpdir(), 'nw-run-files-'));
const root = path.join(base, 'allowed');
const outside = path.join(base, 'outside');
fs.mkdirSync(root);
fs.mkdirSync(outside);
const writers: ChildProcess[] = [];
afterEach(() => {
  for (const w of writers.splice(0)) w.kill('SIGKILL');
});
afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

/** A FIFO at `file`, and a process that opens it and writes `text` after WRITER_DELAY_MS. */
function lateFifo(file: string, text = '{}'): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  execFileSync('mkfifo', [file]);
  const writer = spawn('sh', ['-c', `sleep ${WRITER_DELAY_MS / 1000}; printf '%s' "$1" > "$2"`, 'sh', text, file], { stdio: 'ignore' });
  writer.on('error', () => undefined);
  writers.push(writer);
}

/** Runs `fn` and returns how long it took and what it threw (null when it did not). */
async function timed(fn: () => Promise<unknown>): Promise<{ ms: number; error: { code?: string; message?: string } | null; value: unknown }> {
  const started = Date.now();
  try {
    const value = await fn();
    return { ms: Date.now() - started, error: null, value };
  } catch (error) {
    return { ms: Date.now() - started, error: error as { code?: string; message?: string }, value: undefined };
  }
}

const project = (name: string) => path.join(root, `${name}.nwproj`);
const runDir = (name: string, runId: string) => path.join(root, `${name}.runs`, runId);
const RUN = '20261205-120000-000abc';

describe("files in a project's runs folder", () => {
  const { backend } = testBackend({ dataDir: path.join(base, 'home'), defaultDir: root, paths: rootedPaths([root]) });
  afterAll(() => backend.dispose());

  it('a FIFO as a run.json is refused at once, and runs.list still answers', async () => {
    lateFifo(path.join(runDir('fifo', RUN), 'run.json'));
    const listed = await timed(() => backend.handle('runs.list', { projectPath: project('fifo') }));
    expect(listed.ms).toBeLessThan(1000);
    expect(listed.value).toEqual([]);
    const got = await timed(() => backend.handle('runs.get', { projectPath: project('fifo'), runId: RUN }));
    expect(got.ms).toBeLessThan(1000);
    expect(got.error).toMatchObject({ code: 'DAMAGED_RUN', message: expect.stringMatching(/run\.json: .*is a named pipe \(FIFO\)/) });
  });

  it("a FIFO as a run's insight.jsonl or as a sweep's file is refused at once", async () => {
    const dir = runDir('insight', RUN);
    writeRun(dir, newRunRecord(RUN, exampleDoc(), project('insight'), new Date().toISOString()));
    lateFifo(path.join(dir, 'insight.jsonl'));
    const insight = await timed(() => backend.handle('runs.insight', { projectPath: project('insight'), runId: RUN }));
    expect(insight.ms).toBeLessThan(1000);
    expect(insight.error).toMatchObject({ code: 'DAMAGED_RUN', message: expect.stringMatching(/insight\.jsonl: .*named pipe/) });

    lateFifo(path.join(root, 'sweeps.runs', '.sweeps', 's1.json'));
    const listed = await timed(() => backend.handle('sweep.list', { projectPath: project('sweeps') }));
    expect(listed.ms).toBeLessThan(1000);
    expect(listed.value).toEqual([]);
    const stopped = await timed(() => backend.handle('sweep.stop', { projectPath: project('sweeps'), sweepId: 's1' }));
    expect(stopped.ms).toBeLessThan(1000);
    expect(stopped.error).toMatchObject({ code: 'DAMAGED_SWEEP', message: expect.stringMatching(/named pipe/) });
  });

  it('a link as a run.json is not followed: not to a device (/dev/null; /dev/zero grew the host without end), not to a file outside the allowed folder', async () => {
    fs.mkdirSync(runDir('device', RUN), { recursive: true });
    fs.symlinkSync('/dev/null', path.join(runDir('device', RUN), 'run.json'));
    const device = await timed(() => backend.handle('runs.get', { projectPath: project('device'), runId: RUN }));
    expect(device.error).toMatchObject({ code: 'DAMAGED_RUN', message: expect.stringMatching(/run\.json is a symbolic link/) });

    // A valid run record outside the allowed folder, and a file that is not JSON.
    const foreign = path.join(outside, 'foreign');
    writeRun(foreign, newRunRecord(RUN, { ...exampleDoc(), name: 'FOREIGN-RECORD' }, null, new Date().toISOString()));
    const secret = path.join(outside, 'passwd');
    fs.writeFileSync(secret, 'root:x:0:0:TOP-SECRET:/root:/bin/sh\n');
    for (const [name, target] of [
      ['record', path.join(foreign, 'run.json')],
      ['secret', secret],
    ] as const) {
      fs.mkdirSync(runDir(name, RUN), { recursive: true });
      fs.symlinkSync(target, path.join(runDir(name, RUN), 'run.json'));
      const got = await timed(() => backend.handle('runs.get', { projectPath: project(name), runId: RUN }));
      expect(got.value).toBeUndefined();
      expect(got.error).toMatchObject({ code: 'DAMAGED_RUN', message: expect.stringMatching(/run\.json is a symbolic link/) });
      expect(JSON.stringify(got.error)).not.toMatch(/root:x|TOP-SECRET|FOREIGN-RECORD/);
      await expect(backend.handle('runs.list', { projectPath: project(name) })).resolves.toEqual([]);
    }
  });

  it('a run.json over 64 MB is refused before it is read', async () => {
    fs.mkdirSync(runDir('large', RUN), { recursive: true });
    // Sparse: 100 MB without using the disk.
    fs.writeFileSync(path.join(runDir('large', RUN), 'run.json'), '');
    fs.truncateSync(path.join(runDir('large', RUN), 'run.json'), 100 * 1024 * 1024);
    const got = await timed(() => backend.handle('runs.get', { projectPath: project('large'), runId: RUN }));
    expect(got.ms).toBeLessThan(1000);
    expect(got.error).toMatchObject({ code: 'DAMAGED_RUN', message: expect.stringMatching(/run\.json is 105 MB; at most 67 MB is read here/) });
    await expect(backend.handle('runs.list', { projectPath: project('large') })).resolves.toEqual([]);
  });

  it('a run.json that is not JSON is DAMAGED_RUN, and its text is not repeated', async () => {
    fs.mkdirSync(runDir('text', RUN), { recursive: true });
    fs.writeFileSync(path.join(runDir('text', RUN), 'run.json'), 'root:x:0:0:TOP-SECRET');
    await expect(backend.handle('runs.get', { projectPath: project('text'), runId: RUN })).rejects.toMatchObject({
      code: 'DAMAGED_RUN',
      message: expect.not.stringMatching(/root:x|TOP-SECRET/),
    });
  });
});

describe("the trainer's reading of a saved model", () => {
  it('a FIFO as weights.bin is refused at once', async () => {
    const dir = path.join(base, 'saved');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify({ modelTopology: {}, weightsManifest: [{ paths: ['weights.bin'], weights: [] }] }));
    lateFifo(path.join(dir, 'weights.bin'));
    const loaded = await timed(() => loadModelFromDir(dir));
    expect(loaded.ms).toBeLessThan(1000);
    expect(loaded.error?.message).toMatch(/weights\.bin is a named pipe \(FIFO\)/);
  });
});
