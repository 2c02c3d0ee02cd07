import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { TrainEvent } from '../../shared/training/events';
import { exampleDoc } from '../trainer/test-helpers';
import { createForkLauncher } from './fork-launcher';
import { readRun, runsRoot } from '../storage/runs';
import { testBackend } from './test-backend';

/**
 * Trainer processes that do not cooperate (issue 14), as real child processes: one that ignores
 * SIGTERM and never answers. On the main branch before this change, stopping it sent SIGTERM and
 * left the process alive and run.json `running` for good; and any number of trainer processes
 * could be started at once.
 */

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nw-process-limits-'));
const pids: number[] = [];
afterAll(() => {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** A trainer that ignores SIGTERM and the stop message; on `train` it writes its pid into the run folder. */
const stubborn = path.join(tmp, 'stubborn-trainer.cjs');
fs.writeFileSync(
  stubborn,
  `process.on('SIGTERM', () => {});
process.on('disconnect', () => process.exit(0));
process.on('message', (msg) => {
  if (msg && msg.type === 'train') require('fs').writeFileSync(require('path').join(msg.runDir, 'trainer-pid'), String(process.pid));
});
setInterval(() => {}, 1000);
`,
);

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function waitFor<T>(what: string, fn: () => T | undefined | null | false, ms = 20_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function pidOf(home: string, runId: string): Promise<number> {
  const file = path.join(runsRoot(home, null), runId, 'trainer-pid');
  return waitFor(`trainer ${runId} to start`, () => (fs.existsSync(file) ? Number(fs.readFileSync(file, 'utf8')) : null)).then((pid) => {
    pids.push(pid);
    return pid;
  });
}

describe('a trainer that ignores SIGTERM', () => {
  it('is killed with SIGKILL after the grace, and run.json records the final state', async () => {
    const { backend, home } = testBackend({ dataDir: path.join(tmp, 'home-stop'), launcher: createForkLauncher(stubborn), stopTiming: { stopGraceMs: 300, killGraceMs: 300 } });
    const events: TrainEvent[] = [];
    backend.onEvent((name, payload) => {
      if (name === 'training.event') events.push(payload as TrainEvent);
    });
    const { runId } = (await backend.handle('training.start', { doc: exampleDoc(), projectPath: null })) as { runId: string };
    const pid = await pidOf(home, runId);
    expect(readRun(home, null, runId).status).toBe('running');
    await expect(backend.handle('training.stop', { runId })).resolves.toEqual({ stopped: true });
    await waitFor('the stubborn trainer to die', () => !alive(pid), 10_000);
    const record = readRun(home, null, runId);
    expect(record.status).toBe('stopped');
    expect(record.error).toMatch(/did not stop within 0 s and was ended/);
    expect(record.finishedAt).not.toBeNull();
    expect(events.filter((e) => e.runId === runId && e.type === 'error')).toHaveLength(1);
    await backend.dispose();
  });
});

describe('a cap on trainer processes', () => {
  it('refuses one more process with a clear BUSY error, and starts again once one has ended', async () => {
    const { backend, home } = testBackend({
      dataDir: path.join(tmp, 'home-cap'),
      launcher: createForkLauncher(stubborn),
      maxTrainerProcesses: 2,
      stopTiming: { stopGraceMs: 100, killGraceMs: 100 },
    });
    const start = () => backend.handle('training.start', { doc: exampleDoc(), projectPath: null }) as Promise<{ runId: string }>;
    const a = await start();
    const b = await start();
    const pidA = await pidOf(home, a.runId);
    await pidOf(home, b.runId);
    const folders = () => fs.readdirSync(runsRoot(home, null)).length;
    const before = folders();
    const busy = { code: 'BUSY', message: expect.stringMatching(/Netwright is busy: 2 trainer processes .* are already running.*Wait for one to finish or stop a run/) };
    await expect(start()).rejects.toMatchObject(busy);
    await expect(backend.handle('backend.report', {})).rejects.toMatchObject(busy);
    // A refused start leaves no run folder behind.
    expect(folders()).toBe(before);
    await backend.handle('training.stop', { runId: a.runId });
    await waitFor('run a to end', () => !alive(pidA), 10_000);
    // Its slot frees when the parent hears of the exit (an event-loop turn after the pid is gone).
    let third: { runId: string } | null = null;
    for (let i = 0; i < 100 && !third; i++) {
      third = await start().catch((e: { code?: string }) => (e.code === 'BUSY' ? null : Promise.reject(e)));
      if (!third) await new Promise((r) => setTimeout(r, 50));
    }
    expect(third).not.toBeNull();
    await pidOf(home, (third as { runId: string }).runId);
    await backend.dispose();
  });
});
