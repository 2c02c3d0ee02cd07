import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DecisionGrid, Prediction, RunRecordData } from '../../shared/training/runs';
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

const template = (id: string) => parseProject(fs.readFileSync(path.join(__dirname, `../../resources/templates/${id}.nwproj`), 'utf8'));
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

  it('draws a table’s boundary over two numeric features it is asked for, the others held at their means; the cells agree with runs.predict', async () => {
    const { backend } = testBackend({ launcher: createForkLauncher(entry) });
    try {
      const doc = template('iris-classifier');
      doc.training = { ...doc.training, epochs: 3, seed: 1 };
      const { runId, events } = await trainToEnd(backend, doc);
      expect(events.at(-1)).toMatchObject({ type: 'done' });
      const record = (await backend.handle('runs.get', { projectPath: null, runId })) as RunRecordData;
      const pre = record.preprocessing;
      if (pre?.kind !== 'tabular') throw new Error('iris runs keep their table encoding');

      // Unasked: the first two numeric columns, over their training rows' spread.
      const first = (await backend.handle('runs.predictGrid', { projectPath: null, runId, size: 10 })) as DecisionGrid;
      expect(first.axes).toEqual({ x: 'sepal_length', y: 'sepal_width', numeric: ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'], heldAtMean: ['petal_length', 'petal_width'] });
      expect(first.classNames).toEqual(['setosa', 'versicolor', 'virginica']);
      // 150 rows: 120 for training, of which 12 held out for validation; every one drawn, in centimetres.
      expect(first.points).toHaveLength(108);
      const xs = first.points.map((p) => p.x);
      const spread = Math.max(...xs) - Math.min(...xs);
      expect(first.xRange[0]).toBeCloseTo(Math.min(...xs) - spread / 10, 5);
      expect(first.xRange[1]).toBeCloseTo(Math.max(...xs) + spread / 10, 5);
      expect(Math.min(...xs)).toBeGreaterThanOrEqual(4.3);
      expect(Math.max(...xs)).toBeLessThanOrEqual(7.9);

      const grid = (await backend.handle('runs.predictGrid', { projectPath: null, runId, size: 10, xRange: [0, 8], yRange: [0, 3], features: { x: 'petal_length', y: 'petal_width' } })) as DecisionGrid;
      expect(grid.axes).toMatchObject({ x: 'petal_length', y: 'petal_width', heldAtMean: ['sepal_length', 'sepal_width'] });
      expect(grid.predicted).toHaveLength(100);
      expect(grid.confidence).toHaveLength(100);
      expect(new Set(grid.points.map((p) => p.label))).toEqual(new Set([0, 1, 2]));
      // Short, thin petals are setosa; long, wide ones virginica.
      expect(grid.predicted?.[9 * 10 + 0]).toBe(0);
      expect(grid.predicted?.[0 * 10 + 9]).toBe(2);

      // Cell (row 2, column 6) through runs.predict: the two features at the cell centre, the sepals at their means.
      const mean = (name: string) => {
        const c = pre.columns.find((col) => col.name === name);
        return c?.type === 'numeric' ? c.mean : Number.NaN;
      };
      const values = { sepal_length: mean('sepal_length'), sepal_width: mean('sepal_width'), petal_length: (6 + 0.5) * 0.8, petal_width: 3 - (2 + 0.5) * 0.3 };
      const one = (await backend.handle('runs.predict', { projectPath: null, runId, input: { kind: 'features', values } })) as Prediction;
      if (one.task !== 'classification') throw new Error('iris is classification');
      expect(grid.predicted?.[2 * 10 + 6]).toBe(one.predicted);
      expect(grid.confidence?.[2 * 10 + 6]).toBeCloseTo(one.probabilities[one.predicted] as number, 5);
      expect(grid.positive[2 * 10 + 6]).toBeCloseTo(one.probabilities[1] as number, 5);

      await expect(backend.handle('runs.predictGrid', { projectPath: null, runId, size: 10, features: { x: 'petal_length', y: 'species' } })).rejects.toThrow(/"species" is not a numeric feature of this data; pick one of sepal_length, sepal_width, petal_length, petal_width/);
      await expect(backend.handle('runs.predictGrid', { projectPath: null, runId, size: 10, features: { x: 'petal_length', y: 'petal_length' } })).rejects.toMatchObject({ code: 'BAD_PARAMS' });
    } finally {
      await backend.dispose();
    }
  }, 180_000);

  it('draws the boundary of a CSV of two numeric columns; refuses a regression run with the reason', async () => {
    const { backend, home } = testBackend({ launcher: createForkLauncher(entry) });
    try {
      // Class "in" inside the unit circle, "out" outside, over height and weight in their own units.
      const lines = ['height,weight,where'];
      for (let i = 0; i < 200; i++) {
        const a = (i * 2.399963) % (2 * Math.PI);
        const r = i % 2 === 0 ? 0.3 + (i % 7) * 0.05 : 1.4 + (i % 5) * 0.1;
        lines.push(`${(170 + 10 * r * Math.cos(a)).toFixed(2)},${(70 + 5 * r * Math.sin(a)).toFixed(2)},${i % 2 === 0 ? 'in' : 'out'}`);
      }
      const file = path.join(home, 'two.csv');
      fs.writeFileSync(file, `${lines.join('\n')}\n`);
      const doc = template('circles-classifier');
      doc.training = { ...doc.training, dataset: 'csv', epochs: 2, seed: 1, data: { ...doc.training.data, path: file, labelColumn: 'where', regression: false } };
      const { runId, events } = await trainToEnd(backend, doc);
      expect(events.at(-1)).toMatchObject({ type: 'done' });
      const grid = (await backend.handle('runs.predictGrid', { projectPath: null, runId, size: 8 })) as DecisionGrid;
      expect(grid.axes).toEqual({ x: 'height', y: 'weight', numeric: ['height', 'weight'], heldAtMean: [] });
      expect(grid.classNames).toEqual(['in', 'out']);
      expect(grid.predicted).toBeUndefined();
      expect(grid.positive).toHaveLength(64);
      expect(grid.xRange[0]).toBeGreaterThan(145);
      expect(grid.xRange[1]).toBeLessThan(195);
      expect(grid.yRange[0]).toBeGreaterThan(58);

      const regression = template('diabetes-regression');
      regression.training = { ...regression.training, epochs: 1 };
      const r = await trainToEnd(backend, regression);
      await expect(backend.handle('runs.predictGrid', { projectPath: null, runId: r.runId, size: 8 })).rejects.toThrow(/drawn for classification; this run predicts "progression" as a number/);
    } finally {
      await backend.dispose();
    }
  }, 180_000);
});
