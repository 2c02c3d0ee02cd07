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

  it('exports fresh weights and reports the files', async () => {
    const { sent, job } = setup();
    const outDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'nw-fresh-')), 'nested', 'out');
    job.handle({ type: 'export-fresh', doc: exampleDoc(), outDir });
    await job.finished;
    expect(sent).toEqual([{ type: 'exported', files: [path.join(outDir, 'model.json'), path.join(outDir, 'weights.bin')] }]);
    // 101,770 float32 weights.
    expect(fs.statSync(path.join(outDir, 'weights.bin')).size).toBe(101_770 * 4);
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
    const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nw-fresh-'));
    job.handle({ type: 'export-fresh', doc: exampleDoc(), outDir });
    job.handle({ type: 'export-fresh', doc: exampleDoc(), outDir });
    await job.finished;
    expect(sent.map((m) => m.type).sort()).toEqual(['exported', 'failed']);
  });
});
