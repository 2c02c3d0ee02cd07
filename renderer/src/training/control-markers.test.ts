import { describe, expect, it } from 'vitest';
import { changePlace, epochMarkers, stepMarkers } from './control-markers';
import type { ControlEvent } from '../state/training';

const ev = (step: number, epoch: number, batch: number, text: string): ControlEvent => ({
  type: 'control',
  runId: 'r',
  step,
  epoch,
  batch,
  at: '2026-01-01T00:00:00.000Z',
  change: { kind: 'learningRate', learningRate: 0.1 },
  text,
});

describe('control markers', () => {
  it('puts each change at its global step on the batch chart', () => {
    const m = stepMarkers([ev(0, 0, 0, 'a'), ev(37, 3, 7, 'b')]);
    expect(m.map((x) => [x.x, x.label, x.step])).toEqual([
      [0, 'a', 0],
      [37, 'b', 37],
    ]);
  });

  it('puts a change inside its epoch on the per-epoch chart (point k is the end of epoch k, at k + 1)', () => {
    const m = epochMarkers([ev(30, 3, 0, 'start of epoch 4'), ev(37, 3, 7, 'inside epoch 4')], 10);
    expect(m.map((x) => x.x)).toEqual([3, 3.7]);
    // A change at batch 0 of epoch 3 is after the point of epoch 3 (x = 3), before that of epoch 4.
    expect(m[1]?.x).toBeGreaterThan(3);
    expect(m[1]?.x).toBeLessThan(4);
  });

  it('says where a change took effect, counting from 1 for people', () => {
    expect(changePlace({ step: 37, epoch: 3, batch: 7 })).toBe('step 37 (epoch 4, batch 8)');
  });
});
