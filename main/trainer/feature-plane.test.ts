import { describe, expect, it } from 'vitest';
import type { Preprocessing } from '../../shared/training/runs';
import { classGrid, heldInputs, inputMeans, numericFeatures, paddedRange, pickAxes, planeInputs, rawValues } from './feature-plane';
import { gridPoints } from './predict-grid';

type Tabular = Extract<Preprocessing, { kind: 'tabular' }>;

/** A table of 3 columns: a (numeric), colour (text: red, blue), b (numeric): model inputs a, colour=red, colour=blue, b. */
const pre: Tabular = {
  kind: 'tabular',
  columns: [
    { type: 'numeric', name: 'a', mean: 10, std: 2 },
    { type: 'categorical', name: 'colour', categories: ['red', 'blue'] },
    { type: 'numeric', name: 'b', mean: -1, std: 0.5 },
  ],
  target: null,
  classNames: ['no', 'yes'],
};
// Four training rows, encoded: a = 8, 12, 10, 10; colour red, red, blue, red; b = -1.5, -0.5, -1, -1.
const set = {
  x: Float32Array.from([-1, 1, 0, -1, 1, 1, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0]),
  count: 4,
  sampleSize: 4,
};

describe('feature plane (a decision boundary over two columns of a table)', () => {
  it('finds the numeric columns and their place among the inputs (a text column takes one per category)', () => {
    expect(numericFeatures(pre)).toEqual([
      { name: 'a', index: 0, mean: 10, std: 2 },
      { name: 'b', index: 3, mean: -1, std: 0.5 },
    ]);
  });

  it('takes the first two numeric features unless asked, and names the choices when asked for another', () => {
    const numeric = numericFeatures(pre);
    expect(pickAxes(numeric)).toMatchObject({ x: { name: 'a' }, y: { name: 'b' } });
    expect(pickAxes(numeric, { x: 'b', y: 'a' })).toMatchObject({ x: { name: 'b' }, y: { name: 'a' } });
    expect(() => pickAxes(numeric, { x: 'colour', y: 'a' })).toThrow('"colour" is not a numeric feature of this data; pick one of a, b.');
    expect(() => pickAxes(numeric, { x: 'a', y: 'a' })).toThrow(/two different/);
    expect(() => pickAxes(numeric.slice(0, 1))).toThrow('A decision boundary needs two numeric features; this data has only "a".');
    expect(() => pickAxes([])).toThrow(/has none/);
  });

  it('holds numeric columns at their mean (0 standardized) and one-hot columns at each category’s share', () => {
    expect(Array.from(inputMeans(set))).toEqual([0, 0.75, 0.25, 0]);
    expect(Array.from(heldInputs(pre, set))).toEqual([0, 0.75, 0.25, 0]);
    // A set whose rows do not average to the standardization's mean still holds the column at it.
    const shifted = { ...set, x: set.x.map((v, i) => (i % 4 === 0 ? v + 3 : v)) };
    expect(Array.from(heldInputs(pre, shifted))).toEqual([0, 0.75, 0.25, 0]);
  });

  it('undoes the standardization for the points drawn', () => {
    const [a, b] = numericFeatures(pre) as [ReturnType<typeof numericFeatures>[0], ReturnType<typeof numericFeatures>[0]];
    expect(Array.from(rawValues(set, a))).toEqual([8, 12, 10, 10]);
    expect(Array.from(rawValues(set, b))).toEqual([-1.5, -0.5, -1, -1]);
  });

  it('spans the values with a tenth of their spread on each side', () => {
    expect(paddedRange([8, 12, 10])).toEqual([7.6, 12.4]);
    expect(paddedRange([5, 5])).toEqual([4, 6]);
    expect(paddedRange([Number.NaN, 1, 3])).toEqual([0.8, 3.2]);
    expect(paddedRange([])).toEqual([-1, 1]);
  });

  it('builds model inputs for grid points: the two features standardized, the rest held', () => {
    const numeric = numericFeatures(pre);
    const { x, y } = pickAxes(numeric, { x: 'b', y: 'a' });
    // A 2x2 grid, b across from -2 to 0, a up from 6 to 14: cell centres b = -1.5, -0.5; a = 12 (top row), 8.
    const points = gridPoints({ xRange: [-2, 0], yRange: [6, 14], size: 2 });
    expect(Array.from(points)).toEqual([-1.5, 12, -0.5, 12, -1.5, 8, -0.5, 8]);
    const inputs = planeInputs(points, heldInputs(pre, set), x, y);
    expect(Array.from(inputs)).toEqual([1, 0.75, 0.25, -1, 1, 0.75, 0.25, 1, -1, 0.75, 0.25, -1, -1, 0.75, 0.25, 1]);
  });

  it('reads classes from the predictions: P(class 1); with three or more the likeliest class and its probability', () => {
    expect(classGrid([0.2, 0.9], 2)).toEqual({ positive: [0.2, 0.9] });
    expect(classGrid([0.8, 0.2, 0.3, 0.7], 2)).toEqual({ positive: [0.2, 0.7] });
    const three = classGrid([0.1, 0.3, 0.6, 0.5, 0.4, 0.1], 2);
    expect(three.positive).toEqual([0.3, 0.4]);
    expect(three.predicted).toEqual([2, 0]);
    expect(three.confidence).toEqual([0.6, 0.5]);
    expect(() => classGrid([1, 2, 3], 2)).toThrow(/no output per point/);
  });
});
