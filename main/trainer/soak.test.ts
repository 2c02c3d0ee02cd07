import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { FromTrainerSchema, type FromTrainer } from '../../shared/training/protocol';
import { loadBestBackend } from './backend-loader';
import { createTrainerJob } from './trainer-job';
import { exampleDoc } from './test-helpers';

/** A full garbage collection, so that heap samples compare live objects, not GC timing. */
function collector(): () => void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as unknown;
  return typeof gc === 'function' ? (gc as () => void) : () => undefined;
}

interface Sample {
  readonly epoch: number;
  readonly tensors: number;
  readonly bytes: number;
  readonly heap: number;
}

/** Least-squares slope of `ys` over 0..n-1. */
function slope(ys: readonly number[]): number {
  const n = ys.length;
  const mx = (n - 1) / 2;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  ys.forEach((y, x) => {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  });
  return num / den;
}

/**
 * The long-run soak of issue 7 in CI size: the same code path as a long run (the
 * trainer job, batches, validation, best checkpoints) over several epochs, whose
 * tensor count and heap must stay flat; a leak of one tensor per batch or a
 * growing event buffer shows here.
 */
describe('training soak', () => {
  it('keeps tensors, tensor bytes and the heap flat across epochs, and frees everything at the end', { timeout: 120_000 }, async () => {
    const gc = collector();
    await loadBestBackend();
    gc();
    const tensorsBefore = tf.memory().numTensors;
    const samples: Sample[] = [];
    const sent: FromTrainer[] = [];
    const job = createTrainerJob({
      send: (m) => {
        const msg = FromTrainerSchema.parse(m);
        // Only epochs are kept: a soak must not hold every batch event itself.
        if (msg.type === 'event' && msg.event.type === 'batch') return;
        sent.push(msg);
        if (msg.type === 'event' && msg.event.type === 'epoch') {
          gc();
          const mem = tf.memory();
          samples.push({ epoch: msg.event.epoch, tensors: mem.numTensors, bytes: mem.numBytes, heap: process.memoryUsage().heapUsed });
        }
      },
      loadBackend: () => loadBestBackend(),
    });
    const doc = exampleDoc();
    const epochs = 10;
    doc.training = { ...doc.training, epochs, trainLimit: 10000, testLimit: 200, validationSplit: 0.1, checkpointBest: true, seed: 3 };
    const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nw-soak-'));
    job.handle({ type: 'train', runId: 'soak', doc, runDir });
    await job.finished;

    const last = sent.at(-1);
    expect(last?.type === 'event' && last.event.type).toBe('done');
    expect(samples.map((s) => s.epoch)).toEqual([...Array(epochs).keys()]);
    // From the second epoch on (the first warms caches and the optimizer's slots), nothing grows.
    const steady = samples.slice(1);
    const first = steady[0] as Sample;
    for (const s of steady) {
      expect(s.tensors, `tensors at epoch ${s.epoch}`).toBe(first.tensors);
      expect(s.bytes, `tensor bytes at epoch ${s.epoch}`).toBe(first.bytes);
    }
    const heaps = steady.map((s) => s.heap);
    const MB = 1024 * 1024;
    expect(Math.max(...heaps) - Math.min(...heaps), `heap samples ${heaps.map((h) => (h / MB).toFixed(1)).join(', ')} MB`).toBeLessThan(16 * MB);
    expect(slope(heaps), 'heap growth per epoch').toBeLessThan(1 * MB);
    // The model, optimizer and data tensors are all released when the run ends.
    gc();
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });
});
