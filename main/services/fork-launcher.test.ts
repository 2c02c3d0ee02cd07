import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FromTrainerSchema, type FromTrainer } from '../../shared/training/protocol';
import { createForkLauncher } from './fork-launcher';
import { buildTrainerForTests } from './build-trainer-for-tests';
import { exampleDoc } from '../trainer/test-helpers';
import { TRAINING_BACKEND } from '../trainer/native/native-for-tests';

let entry: string;
beforeAll(async () => {
  entry = await buildTrainerForTests();
});
afterAll(() => fs.rmSync(entry, { force: true }));

function collect(proc: ReturnType<ReturnType<typeof createForkLauncher>['launch']>) {
  const messages: FromTrainer[] = [];
  const exited = new Promise<number | null>((resolve) => proc.onExit(resolve));
  proc.onMessage((m) => messages.push(FromTrainerSchema.parse(m)));
  return { messages, exited };
}

describe('createForkLauncher (real child process)', () => {
  it('trains in a child process (on WebAssembly, or native TensorFlow where set up) and exits when done', async () => {
    const proc = createForkLauncher(entry).launch();
    const { messages, exited } = collect(proc);
    const doc = exampleDoc();
    doc.training = { ...doc.training, trainLimit: 300, testLimit: 100 };
    const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nw-fork-'));
    proc.send({ type: 'train', runId: 'fork1', doc, runDir });
    expect(await exited).toBe(0);
    const events = messages.flatMap((m) => (m.type === 'event' ? [m.event] : []));
    expect(events[0]).toMatchObject({ type: 'started', backend: { backend: TRAINING_BACKEND } });
    expect(events.at(-1)).toMatchObject({ type: 'done', stopped: false });
    expect(fs.readdirSync(runDir).sort()).toEqual(['insight.jsonl', 'model.json', 'run.json', 'weights.bin']);
  });

  it('receives stop while training and exits after done with stopped: true', async () => {
    const proc = createForkLauncher(entry).launch();
    const messages: FromTrainer[] = [];
    const exited = new Promise<number | null>((resolve) => proc.onExit(resolve));
    let stopSent = false;
    proc.onMessage((m) => {
      const msg = FromTrainerSchema.parse(m);
      messages.push(msg);
      if (!stopSent && msg.type === 'event' && msg.event.type === 'batch') {
        stopSent = true;
        proc.send({ type: 'stop' });
      }
    });
    const doc = exampleDoc();
    doc.training = { ...doc.training, trainLimit: 3000, testLimit: 100, epochs: 50 };
    proc.send({ type: 'train', runId: 'fork2', doc, runDir: fs.mkdtempSync(path.join(os.tmpdir(), 'nw-fork-')) });
    expect(await exited).toBe(0);
    const events = messages.flatMap((m) => (m.type === 'event' ? [m.event] : []));
    expect(events.at(-1)).toMatchObject({ type: 'done', stopped: true });
    expect(events.filter((e) => e.type === 'epoch').length).toBeLessThan(50);
  });

  it('reports exit when killed', async () => {
    const proc = createForkLauncher(entry).launch();
    const { exited } = collect(proc);
    proc.kill();
    expect(await exited).toBeNull();
  });

  it('reports a missing entry file as an exit', async () => {
    const proc = createForkLauncher(path.join(os.tmpdir(), 'no-such-trainer.cjs')).launch();
    const { exited } = collect(proc);
    expect(await exited).not.toBe(0);
  });
});
