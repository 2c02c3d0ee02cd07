import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FromTrainerSchema, type FromTrainer } from '../../shared/training/protocol';
import { loadBestBackend } from './backend-loader';
import { createTrainerJob } from './trainer-job';
import { exampleDoc } from './test-helpers';

function setup() {
  const sent: FromTrainer[] = [];
  const job = createTrainerJob({ send: (m) => sent.push(FromTrainerSchema.parse(m)), loadBackend: () => loadBestBackend() });
  return { sent, job };
}

describe('createTrainerJob', () => {
  it('answers a malformed message with failed', () => {
    const { sent, job } = setup();
    job.handle({ type: 'train', runId: 'x' });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ type: 'failed' });
  });

  it('receives stop while a training job runs', async () => {
    const { sent, job } = setup();
    const doc = exampleDoc();
    doc.training = { ...doc.training, trainLimit: 3000, testLimit: 100, epochs: 5 };
    const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nw-job-'));
    job.handle({ type: 'train', runId: 'r', doc, runDir });
    // The handler returned at once; stop once the first batch was reported.
    while (!sent.some((m) => m.type === 'event' && m.event.type === 'batch')) await new Promise((r) => setTimeout(r, 5));
    job.handle({ type: 'stop' });
    await job.finished;
    const last = sent.at(-1);
    expect(last?.type === 'event' && last.event).toMatchObject({ type: 'done', stopped: true });
    const epochs = sent.filter((m) => m.type === 'event' && m.event.type === 'epoch');
    expect(epochs.length).toBeLessThan(5);
  });

  it('refuses a second job in the same process', async () => {
    const { sent, job } = setup();
    job.handle({ type: 'doctor' });
    job.handle({ type: 'doctor' });
    await job.finished;
    expect(sent.map((m) => m.type).sort()).toEqual(['doctor', 'failed']);
  });
});
