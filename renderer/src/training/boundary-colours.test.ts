import { describe, expect, it } from 'vitest';
import { cellColour, classColour, gridClassNames } from './boundary-colours';

describe('decision boundary colours', () => {
  it('two classes: orange for A, blue for B, white where the model is unsure', () => {
    const grid = { positive: [0, 0.5, 1, 0.75] };
    expect(cellColour(grid, 0, 2)).toEqual([248, 174, 89]);
    expect(cellColour(grid, 1, 2)).toEqual([255, 255, 255]);
    expect(cellColour(grid, 2, 2)).toEqual([70, 153, 206]);
    // Halfway to sure: half the tint.
    expect(cellColour(grid, 3, 2)).toEqual([Math.round(255 + (8 - 255) * 0.375), Math.round(255 + (119 - 255) * 0.375), Math.round(255 + (189 - 255) * 0.375)]);
  });

  it('three classes: the likeliest class’s colour, white at a guess (1/3), full at certainty', () => {
    const grid = { positive: [0, 0, 0], predicted: [2, 0, 1], confidence: [1, 1 / 3, 2 / 3] };
    expect(cellColour(grid, 0, 3)).toEqual([97, 184, 97]);
    expect(cellColour(grid, 1, 3)).toEqual([255, 255, 255]);
    expect(cellColour(grid, 2, 3)).toEqual([Math.round(255 + (8 - 255) * 0.375), Math.round(255 + (119 - 255) * 0.375), Math.round(255 + (189 - 255) * 0.375)]);
  });

  it('has a colour for any class index and names A and B when the grid has none', () => {
    expect(classColour(10)).toEqual(classColour(0));
    expect(gridClassNames({})).toEqual(['A', 'B']);
    expect(gridClassNames({ classNames: ['setosa', 'versicolor', 'virginica'] })).toEqual(['setosa', 'versicolor', 'virginica']);
  });
});
