import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DecisionGrid, Prediction } from '../../shared/training/runs';
import { parseProject } from '../../shared/graph/migrations';
import { testBackend, trainToEnd } from './test-backend';
import { createForkLauncher } from './fork-launcher';
import { buildTrainerForTests } from './build-trainer-for-tests';
import { exampleDoc } from '../trainer/test-helpers';

let entry: string;
beforeAll(async () => {
  entry = await buildTrainerForTests();
});
afterAll(() => fs.rmSync(entry, { force: true }));

const spirals = () => parseProject(fs.readFileSync(path.join(__dirname, '../../resources/templates/spirals-classifier.nwproj'), 'utf8'));

describe('runs.predictGrid: the decision boundary of a two-feature run', () => {
  it('predicts a grid with a tiny spirals run (one batch in the trainer process), with its training points; refuses other data sets and bad grids', async () => {
    const { backend } = testBackend({ launcher: createForkLauncher(entry) });
    const train = async (doc: ReturnType<typeof exampleDoc>): Promise<string> => {
      const { runId, events } = await trainToEnd(backend, doc);
      expect(events.at(-1)).toMatchObject({ type: 'done' });
      return runId;
    };
    try {
      const doc = spirals();
      doc.training = { ...doc.training, epochs: 2, data: { ...doc.training.data, samples: 200 }, seed: 1 };
      const runId = await train(doc);
      const grid = (await backend.handle('runs.predictGrid', { projectPath: null, runId, xRange: [-1.5, 1.5], yRange: [-1.5, 1.5], size: 20 })) as DecisionGrid;
      expect(grid.size).toBe(20);
      expect(grid.positive).toHaveLength(400);
      expect(grid.positive.every((p) => p >= 0 && p <= 1)).toBe(true);
      // A trained model does not say one thing everywhere.
      expect(Math.max(...grid.positive) - Math.min(...grid.positive)).toBeGreaterThan(1e-3);
      // The training points (160 of the 200; 40 held out) of both classes, in the plane.
      expect(grid.points).toHaveLength(160);
      expect(new Set(grid.points.map((p) => p.label))).toEqual(new Set([0, 1]));
      expect(grid.points.every((p) => Math.abs(p.x) < 1.5 && Math.abs(p.y) < 1.5)).toBe(true);

      // The same cell through runs.predict gives the same probability of class B.
      const cell = 7 * 20 + 3; // row 7 from the top, column 3
      const x = -1.5 + (3 + 0.5) * (3 / 20);
      const y = 1.5 - (7 + 0.5) * (3 / 20);
      const one = (await backend.handle('runs.predict', { projectPath: null, runId, input: { kind: 'raw', values: [x, y] } })) as Prediction;
      expect(one.task === 'classification' && one.probabilities[1]).toBeCloseTo(grid.positive[cell] as number, 5);

      await expect(backend.handle('runs.predictGrid', { projectPath: null, runId, xRange: [-1, 1], yRange: [-1, 1], size: 101 })).rejects.toMatchObject({ code: 'BAD_PARAMS' });
      await expect(backend.handle('runs.predictGrid', { projectPath: null, runId, xRange: [1, -1], yRange: [-1, 1], size: 10 })).rejects.toMatchObject({ code: 'BAD_PARAMS' });

      const mnist = exampleDoc();
      mnist.training = { ...mnist.training, epochs: 1, trainLimit: 200, testLimit: 50, batchSize: 64 };
      const mnistRun = await train(mnist);
      await expect(backend.handle('runs.predictGrid', { projectPath: null, runId: mnistRun, xRange: [-1, 1], yRange: [-1, 1], size: 10 })).rejects.toThrow(/two-feature data set/);
    } finally {
      await backend.dispose();
    }
  }, 180_000);
});
