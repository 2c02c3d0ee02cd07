import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrainEvent } from '../../shared/training/events';
import type { Activations } from '../../shared/training/activations';
import type { InsightFile } from '../../shared/training/insight';
import { parseProject } from '../../shared/graph/migrations';
import { testBackend, trainToEnd } from './test-backend';
import { createForkLauncher } from './fork-launcher';
import { buildTrainerForTests } from './build-trainer-for-tests';

let entry: string;
beforeAll(async () => {
  entry = await buildTrainerForTests();
});
afterAll(() => fs.rmSync(entry, { force: true }));

const template = (name: string) => parseProject(fs.readFileSync(path.join(__dirname, `../../resources/templates/${name}.nwproj`), 'utf8'));

describe('runs.insight and runs.activations through the back end', () => {
  it('keeps a small CNN run’s per-epoch histograms and shows a test example’s feature maps; refuses bad requests', async () => {
    const { backend, home } = testBackend({ launcher: createForkLauncher(entry) });
    try {
      const doc = template('mnist-cnn');
      doc.training = { ...doc.training, epochs: 2, trainLimit: 256, testLimit: 40, batchSize: 64, seed: 3 };
      const { runId, events } = await trainToEnd(backend, doc);
      expect(events.at(-1)).toMatchObject({ type: 'done' });
      const live = events.filter((e): e is Extract<TrainEvent, { type: 'insight' }> => e.type === 'insight');
      expect(live.map((e) => e.epoch)).toEqual([0, 1]);

      const kept = (await backend.handle('runs.insight', { projectPath: null, runId })) as InsightFile;
      expect(kept.epochs.map((e) => e.layers)).toEqual(live.map((e) => e.layers));
      const conv = kept.epochs[1]?.layers.find((l) => l.className === 'Conv2D');
      expect(conv?.weights.map((w) => w.name)).toEqual(['kernel', 'bias']);
      // Training moved the kernel between the two epochs.
      expect(kept.epochs[0]?.layers.find((l) => l.className === 'Conv2D')?.weights[0]?.histogram).not.toEqual(conv?.weights[0]?.histogram);

      const a = (await backend.handle('runs.activations', { projectPath: null, runId, sampleIndex: 5 })) as Activations;
      expect(a).toMatchObject({ sampleIndex: 5, testSize: 40, sample: { kind: 'image', width: 28, height: 28 } });
      expect(a.label).toMatch(/^[0-9]$/);
      const maps = a.layers.find((l) => l.className === 'Conv2D')?.view;
      expect(maps?.kind).toBe('maps');
      if (maps?.kind === 'maps') {
        expect(maps.maps.length).toBe(Math.min(16, maps.channels));
        expect(maps.maps[0]?.length).toBe(maps.width * maps.height);
        expect(maps.maps.flat().some((v) => v > 0)).toBe(true);
      }
      const last = a.layers.at(-1)?.view;
      expect(last?.kind === 'vector' && last.values.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 4);

      // A drawn image goes through the same preprocessing as Try it.
      const drawn = (await backend.handle('runs.activations', {
        projectPath: null,
        runId,
        input: { kind: 'image', width: 28, height: 28, channels: 1, pixels: new Array(784).fill(0.5) },
      })) as Activations;
      expect(drawn).toMatchObject({ sampleIndex: null, sample: null });
      expect(drawn.layers).toHaveLength(a.layers.length);

      await expect(backend.handle('runs.activations', { projectPath: null, runId, sampleIndex: 40 })).rejects.toThrow(/no test example 40/);
      await expect(backend.handle('runs.activations', { projectPath: null, runId })).rejects.toMatchObject({ code: 'BAD_PARAMS' });
      await expect(backend.handle('runs.activations', { projectPath: null, runId: 'nope', sampleIndex: 0 })).rejects.toMatchObject({ code: 'UNKNOWN_RUN' });
      await expect(backend.handle('runs.insight', { projectPath: null, runId: '../x' })).rejects.toMatchObject({ code: 'UNKNOWN_RUN' });

      // A run without the file (from before insight was kept) has none; a damaged file is named.
      const file = path.join(home, 'runs', runId, 'insight.jsonl');
      const text = fs.readFileSync(file, 'utf8');
      fs.rmSync(file);
      expect(await backend.handle('runs.insight', { projectPath: null, runId })).toEqual({ version: 1, probeSamples: 0, epochs: [] });
      fs.writeFileSync(file, text.replace('"epoch":0', '"epoch":"zero"'));
      await expect(backend.handle('runs.insight', { projectPath: null, runId })).rejects.toMatchObject({ code: 'DAMAGED_RUN', message: expect.stringMatching(/insight\.jsonl: line 2 is damaged/) });
    } finally {
      await backend.dispose();
    }
  }, 240_000);
});
