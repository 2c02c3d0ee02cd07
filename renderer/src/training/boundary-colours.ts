import type { DecisionGrid } from '../../../shared/training/runs';

export type Rgb = readonly [number, number, number];

/** Class colours: A (0) orange and B (1) blue as TensorFlow Playground has them, then more for wider tables. */
export const CLASS_COLOURS: readonly Rgb[] = [
  [245, 147, 34],
  [8, 119, 189],
  [44, 160, 44],
  [148, 103, 189],
  [214, 39, 40],
  [140, 86, 75],
  [227, 119, 194],
  [127, 127, 127],
  [188, 189, 34],
  [23, 190, 207],
];

export function classColour(index: number): Rgb {
  return CLASS_COLOURS[((index % CLASS_COLOURS.length) + CLASS_COLOURS.length) % CLASS_COLOURS.length] as Rgb;
}

/** `c` mixed with white: strength 0 is white, 1 is 75% of the colour (cells stay paler than the points). */
function tint(c: Rgb, strength: number): Rgb {
  const t = Math.min(1, Math.max(0, strength)) * 0.75;
  return [Math.round(255 + (c[0] - 255) * t), Math.round(255 + (c[1] - 255) * t), Math.round(255 + (c[2] - 255) * t)];
}

/**
 * The colour of cell `i`: two classes, class A's colour at P(B) = 0, white at 0.5, class B's at 1;
 * more classes, the likeliest class's colour, white where it is no likelier than a guess (1/k).
 */
export function cellColour(grid: Pick<DecisionGrid, 'positive' | 'predicted' | 'confidence'>, i: number, classes: number): Rgb {
  if (grid.predicted && grid.confidence && classes > 2) {
    const guess = 1 / classes;
    const p = grid.confidence[i] ?? guess;
    return tint(classColour(grid.predicted[i] ?? 0), (p - guess) / (1 - guess));
  }
  const p = grid.positive[i] ?? 0.5;
  return tint(classColour(p >= 0.5 ? 1 : 0), Math.abs(p - 0.5) * 2);
}

/** Classes a grid shows: its class names, or A and B. */
export function gridClassNames(grid: Pick<DecisionGrid, 'classNames'>): string[] {
  return grid.classNames && grid.classNames.length > 0 ? grid.classNames : ['A', 'B'];
}
