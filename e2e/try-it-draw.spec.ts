import path from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { VIEWPORTS } from './support/visible';
import { choosePath, clickEmptyCanvas } from './support/canvas';

/** Draws with the real mouse on the pad: each path is a stroke of points in 0..1 of the pad's box. */
async function draw(page: Page, strokes: { x: number; y: number }[][]): Promise<void> {
  const box = await page.getByTestId('draw-pad').boundingBox();
  if (!box) throw new Error('no pad');
  for (const stroke of strokes) {
    const [first, ...rest] = stroke;
    if (!first) continue;
    await page.mouse.move(box.x + first.x * box.width, box.y + first.y * box.height);
    await page.mouse.down();
    for (const p of rest) await page.mouse.move(box.x + p.x * box.width, box.y + p.y * box.height, { steps: 3 });
    await page.mouse.up();
  }
}

/**
 * A digit drawn with the mouse, small and off-centre as people draw, is recognised by a model
 * trained on a slice of MNIST: the pad's strokes are made to look like MNIST's (box fit to 20x20,
 * MNIST's stroke width, centred by mass).
 */
for (const size of VIEWPORTS) {
  test(`Try it: a "1" and a "0" drawn with the mouse are recognised by a model trained on MNIST at ${size.width}x${size.height}`, async ({ page, server }) => {
    await page.setViewportSize(size);
    await page.goto(server.url);
    await page.getByRole('button', { name: 'Templates' }).click();
    await page.getByRole('dialog', { name: 'Templates' }).getByRole('button', { name: 'Open template MLP on MNIST' }).click();
    await page.getByRole('button', { name: 'Save' }).click();
    await choosePath(page, path.join(server.scratch, `draw-mlp-${size.width}.nwproj`));
    await clickEmptyCanvas(page);
    await page.getByLabel('Epochs', { exact: true }).fill('2');
    await page.getByLabel('Training samples', { exact: true }).fill('8000');
    await page.getByLabel('Test samples', { exact: true }).fill('500');
    await page.getByRole('button', { name: 'Train' }).click();
    await expect(page.getByTestId('training-status')).toHaveText(/Finished/, { timeout: 170_000 });
    expect(Number(await page.getByTestId('test-accuracy').getAttribute('data-value'))).toBeGreaterThan(0.85);

    await page.getByRole('tab', { name: 'Try it' }).click();
    const pad = page.getByTestId('draw-pad');
    // Until something is drawn, the pad says what to do.
    await expect(page.getByText('Draw a digit here')).toBeVisible();
    await expect(pad).toHaveAttribute('data-drawn', 'false');
    const prediction = page.getByTestId('prediction');

    // A short "1" in the upper left part of the pad, slightly slanted as handwriting is.
    await draw(page, [
      [
        { x: 0.3, y: 0.12 },
        { x: 0.29, y: 0.3 },
        { x: 0.28, y: 0.45 },
        { x: 0.27, y: 0.6 },
      ],
    ]);
    await expect(page.getByText('Draw a digit here')).toBeHidden();
    await expect(prediction).toHaveAttribute('data-class', '1');

    // Cleared, the hint is back; a "0" drawn as one loop in the lower right.
    await page.getByRole('button', { name: 'Clear' }).click();
    await expect(page.getByText('Draw a digit here')).toBeVisible();
    const loop = Array.from({ length: 25 }, (_, i) => {
      const a = (i / 24) * 2 * Math.PI;
      return { x: 0.62 + 0.2 * Math.sin(a), y: 0.6 + 0.3 * -Math.cos(a) };
    });
    await draw(page, [loop]);
    await expect(prediction).toHaveAttribute('data-class', '0');
  });
}
