import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main, type CliIo } from './cli';
import { buildTrainerForTests } from '../services/build-trainer-for-tests';
import { RunRecordSchema } from '../../shared/training/runs';

let trainerEntry: string;
beforeAll(async () => {
  trainerEntry = await buildTrainerForTests();
});
afterAll(() => fs.rmSync(trainerEntry, { force: true }));

const SPIRALS = path.resolve(__dirname, '../../resources/templates/spirals-classifier.nwproj');

function tmp(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** The spirals template copied into a fresh folder, so its runs are kept beside the copy. */
function spiralsCopy(training: Record<string, unknown> = {}): string {
  const file = path.join(tmp('nw-sweep-'), 'spirals.nwproj');
  const doc = JSON.parse(fs.readFileSync(SPIRALS, 'utf8'));
  doc.training = { ...doc.training, ...training };
  fs.writeFileSync(file, JSON.stringify(doc));
  return file;
}

async function run(argv: string[], home: string, extra: Partial<CliIo> & { onOut?: (text: string) => void } = {}) {
  let out = '';
  let err = '';
  const { onOut, ...io } = extra;
  const code = await main(argv, {
    stdout: (t) => {
      out += t;
      onOut?.(t);
    },
    stderr: (t) => (err += t),
    env: { NETWRIGHT_HOME: home },
    trainerEntry,
    interactive: false,
    ...io,
  });
  return { code, out, err, lines: out.trim().split('\n').filter(Boolean) };
}

const json = (lines: string[]) => lines.map((l) => JSON.parse(l) as Record<string, unknown> & { event: string });

describe('netwright sweep', () => {
  it('sweeps learning rate x units on the spirals template (6 runs) and names the run with the best test accuracy', async () => {
    const project = spiralsCopy({ epochs: 4 });
    const home = tmp('nw-home-');
    const r = await run(['sweep', project, '--vary', 'lr=1e-3..1e-1:log:3', '--vary', 'hidden1.units=4,16', '--limit', '300', '--test-limit', '100', '--json'], home);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const events = json(r.lines);
    expect(events[0]).toMatchObject({ event: 'sweep-started', runs: 6, metric: 'test.accuracy', parallel: 1 });
    expect(events.filter((e) => e.event === 'run-done')).toHaveLength(6);
    const done = events.at(-1) as unknown as { event: string; runs: { runId: string; settings: Record<string, number>; test: { accuracy: number; loss: number } }[]; best: string };
    expect(done.event).toBe('sweep-done');
    expect(done.runs).toHaveLength(6);
    expect(done.runs.map((x) => x.settings)).toEqual([
      { lr: 0.001, 'hidden1.units': 4 },
      { lr: 0.001, 'hidden1.units': 16 },
      { lr: 0.01, 'hidden1.units': 4 },
      { lr: 0.01, 'hidden1.units': 16 },
      { lr: 0.1, 'hidden1.units': 4 },
      { lr: 0.1, 'hidden1.units': 16 },
    ]);
    // Best = highest test accuracy, the earliest run among equals.
    const top = Math.max(...done.runs.map((x) => x.test.accuracy));
    expect(done.best).toBe(done.runs.find((x) => x.test.accuracy === top)?.runId);

    // Each is an ordinary run beside the project, listed by `netwright runs`, with its sweep values and graph.
    const listed = await run(['runs', project, '--json'], home);
    const runs = JSON.parse(listed.out) as { runId: string; sweep?: { values: Record<string, number> } }[];
    expect(runs.map((x) => x.runId).sort()).toEqual(done.runs.map((x) => x.runId).sort());
    for (const d of done.runs) {
      const record = RunRecordSchema.parse(JSON.parse(fs.readFileSync(path.join(path.dirname(project), 'spirals.runs', d.runId, 'run.json'), 'utf8')));
      expect(record.settings.learningRate).toBe(d.settings['lr']);
      expect(record.graph.nodes.find((n) => n.id === 'hidden1')?.params['units']).toBe(d.settings['hidden1.units']);
      expect(record.sweep?.values).toEqual(d.settings);
      expect(record.test?.accuracy).toBe(d.test.accuracy);
    }
  }, 600_000);

  it('a run that fails does not stop the sweep; bad keys are refused in one line', async () => {
    const project = spiralsCopy({ epochs: 1 });
    const home = tmp('nw-home-');
    // Values a layer refuses are named before anything trains.
    const bad = await run(['sweep', project, '--vary', 'hidden1.units=0,4', '--limit', '100', '--test-limit', '50', '--json'], home);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/^netwright: hidden1.units=0: Units must be from 1/);
    // An output of 3 units does not fit two classes: that run is refused when it starts, the other trains.
    const r = await run(['sweep', project, '--vary', 'output.units=3,2', '--limit', '100', '--test-limit', '50', '--json'], home);
    const events = json(r.lines);
    const done = events.at(-1) as unknown as { runs: { status: string; error?: string; runId: string | null }[]; best: string };
    expect(done.runs.map((x) => x.status)).toEqual(['error', 'done']);
    expect(done.runs[0]?.error).toMatch(/must be \[\?, 2\]: one score per class/);
    expect(events.filter((e) => e.event === 'run-failed')).toHaveLength(1);
    expect(done.best).toBe(done.runs.find((x) => x.status === 'done')?.runId);
    expect(r.code).toBe(0);
    const unknown = await run(['sweep', project, '--vary', 'hidden7.units=4'], home);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/no layer "hidden7"/);
  }, 300_000);
});

describe('netwright train --control', () => {
  it('applies commands appended to a control file at the next batch, and --replay gives the same weights', async () => {
    const project = spiralsCopy({ epochs: 500, seed: 5, batchSize: 16, learningRate: 0.01 });
    const home = tmp('nw-home-');
    const control = path.join(tmp('nw-ctl-'), 'control.txt');
    let asked = false;
    const r = await run(['train', project, '--limit', '200', '--test-limit', '50', '--json', '--control', control], home, {
      onOut: (text) => {
        // Once a batch from step 5 on has been reported (batch events are throttled), "the user" appends commands.
        const step = Number(/"event":"batch".*"step":(\d+),/.exec(text)?.[1] ?? -1);
        if (!asked && step >= 5) {
          asked = true;
          fs.appendFileSync(control, '# slow down\nlr 0.0005\nbogus\nstop-after-epoch\n');
        }
      },
    });
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/netwright: control: unknown command "bogus"/);
    const events = json(r.lines);
    const change = events.find((e) => e.event === 'control') as unknown as { step: number; text: string };
    expect(change.text).toBe('learning rate → 5e-4 (constant)');
    const batches = events.filter((e) => e.event === 'batch') as unknown as { step: number; learningRate: number }[];
    expect(change.step).toBeGreaterThan(5);
    expect(batches.filter((b) => b.step < change.step).every((b) => b.learningRate === 0.01)).toBe(true);
    expect(batches.filter((b) => b.step >= change.step).every((b) => b.learningRate === 0.0005)).toBe(true);
    const runId = (events.at(-1) as unknown as { runId: string }).runId;
    const runDir = (id: string) => path.join(path.dirname(project), 'spirals.runs', id);
    const record = RunRecordSchema.parse(JSON.parse(fs.readFileSync(path.join(runDir(runId), 'run.json'), 'utf8')));
    expect(record.controls?.map((c) => [c.step, c.change.kind])).toEqual([
      [change.step, 'learningRate'],
      [change.step, 'stopAfterEpoch'],
    ]);

    const replay = await run(['train', project, '--replay', runId, '--json'], home);
    expect(replay.code).toBe(0);
    const replayId = (json(replay.lines).at(-1) as unknown as { runId: string }).runId;
    expect(fs.readFileSync(path.join(runDir(replayId), 'weights.bin')).equals(fs.readFileSync(path.join(runDir(runId), 'weights.bin')))).toBe(true);
  }, 300_000);

  it('reads commands from stdin with --control -', async () => {
    const project = spiralsCopy({ epochs: 50, batchSize: 16 });
    const home = tmp('nw-home-');
    const stdin = new PassThrough();
    let sent = false;
    const r = await run(['train', project, '--limit', '100', '--test-limit', '20', '--json', '--control', '-'], home, {
      stdin,
      onOut: (text) => {
        if (!sent && text.includes('"event":"batch"')) {
          sent = true;
          stdin.write('epochs 2\n');
        }
      },
    });
    expect(r.code).toBe(0);
    const events = json(r.lines);
    expect(events.find((e) => e.event === 'control')).toMatchObject({ change: { kind: 'epochs', epochs: 2 } });
    expect(events.filter((e) => e.event === 'epoch')).toHaveLength(2);
    expect(events.at(-1)).toMatchObject({ event: 'done', stopped: false });
  }, 300_000);
});
