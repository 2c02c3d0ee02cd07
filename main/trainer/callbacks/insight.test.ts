import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { INSIGHT_FILE } from '../../../shared/training/insight';
import { makeSynthetic } from '../datasets/synthetic';
import { createRunInsight } from '../layer-insight';
import { createInsightCallback } from './insight';
import { epochLogs, fakeContext } from './test-context';

describe('insight callback', () => {
  it('sends each epoch\'s layer histograms, appends them to insight.jsonl and frees its probe batch', async () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 4, activation: 'relu', name: 'hidden' }), tf.layers.dense({ units: 1, name: 'out' })] });
    const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nw-insight-cb-'));
    const before = tf.memory().numTensors;
    const insight = createRunInsight(model, makeSynthetic('xor', 40, 0), [2], 'float32', runDir);
    if (!insight) throw new Error('expected insight');
    const ctx = fakeContext(2);
    const cb = createInsightCallback(insight, ctx);
    await cb.onEpochEnd?.(epochLogs(0, 1));
    await cb.onEpochEnd?.(epochLogs(1, 0.5));
    const sent = ctx.events.filter((e) => e.type === 'insight');
    expect(sent.map((e) => e.type === 'insight' && [e.epoch, e.layers.map((l) => l.layer)])).toEqual([
      [0, ['hidden', 'out']],
      [1, ['hidden', 'out']],
    ]);
    // A header line and one line per epoch.
    expect(fs.readFileSync(path.join(runDir, INSIGHT_FILE), 'utf8').trim().split('\n')).toHaveLength(3);
    cb.dispose?.();
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('sends nothing for an epoch whose insight could not be recorded, and training goes on', async () => {
    const ctx = fakeContext(2);
    let disposed = 0;
    const cb = createInsightCallback({ record: () => null, dispose: () => disposed++ }, ctx);
    await cb.onEpochEnd?.(epochLogs(0, 1));
    expect(ctx.events).toEqual([]);
    cb.dispose?.();
    expect(disposed).toBe(1);
  });
});
