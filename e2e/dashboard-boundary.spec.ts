import type { Locator } from '@playwright/test';
import { test, expect } from './fixtures';
import { VIEWPORTS } from './support/visible';
import { clickEmptyCanvas } from './support/canvas';

/** A fingerprint of the canvas's pixels (changes whenever the drawing does). */
async function fingerprint(canvas: Locator): Promise<string> {
  return canvas.evaluate((el) => {
    const c = el as HTMLCanvasElement;
    const data = c.getContext('2d')?.getImageData(0, 0, c.width, c.height).data ?? new Uint8ClampedArray();
    let h = 0;
    for (let i = 0; i < data.length; i += 4) h = (h * 31 + (data[i] as number) + 7 * (data[i + 2] as number)) >>> 0;
    return h.toString(16);
  });
}

for (const size of VIEWPORTS) {
  test(`spirals: the decision boundary redraws while training, then the saved model’s stays drawn under the training points at ${size.width}x${size.height}`, async ({ page, server }) => {
    await page.setViewportSize(size);
    await page.goto(server.url);
    await page.getByRole('button', { name: 'Templates' }).click();
    await page.getByRole('dialog', { name: 'Templates' }).getByRole('button', { name: 'Open template Playground classifier on spirals' }).click();
    await clickEmptyCanvas(page);
    // Long enough to watch several live redraws (a grid at most every 0.5 s and at each epoch's end); stopped below.
    // On the native backend each batch is one compiled TensorFlow function and 500 epochs take ~15 s, so the most the field takes.
    await page.getByLabel('Epochs', { exact: true }).fill('10000');

    // Before any run the panel says what it needs.
    await page.getByRole('tab', { name: 'Decision boundary' }).click();
    await expect(page.getByText(/Train a model to see where it puts the boundary/)).toBeVisible();

    await page.getByRole('button', { name: 'Train' }).click();
    const boundary = page.getByRole('img', { name: 'Decision boundary' });
    const status = page.getByTestId('training-status');
    // Drawn live, while the run is still training.
    await expect(boundary).toHaveAttribute('data-source', 'live', { timeout: 60_000 });
    await expect(status).toHaveText('Training');
    const firstStep = Number(await boundary.getAttribute('data-step'));
    const firstPicture = await fingerprint(boundary);
    // A later grid, with a different picture, still before the run ends.
    await expect.poll(async () => Number(await boundary.getAttribute('data-step')), { timeout: 30_000 }).toBeGreaterThan(firstStep);
    await expect.poll(() => fingerprint(boundary), { timeout: 30_000 }).not.toBe(firstPicture);
    await expect(boundary).toHaveAttribute('data-source', 'live');
    await expect(status).toHaveText('Training');
    await expect(page.getByText(/— live, epoch \d+, step \d+\./)).toBeVisible();

    await page.getByRole('button', { name: 'Stop' }).click();
    await expect(status).toHaveText(/Stopped/, { timeout: 60_000 });
    // Once the run ended, the saved model's prediction replaces the last live grid.
    await expect(boundary).toHaveAttribute('data-source', 'final', { timeout: 30_000 });
    await expect(boundary).toHaveAttribute('data-drawn', 'true');
    await expect(boundary).toHaveAttribute('data-points', '400'); // 800 training points, every second one drawn

    await boundary.screenshot({ path: test.info().outputPath('boundary.png') });
    // Painted: both class colours appear (cells or points), not a blank or one-colour square.
    const colours = await boundary.evaluate((el) => {
      const c = el as HTMLCanvasElement;
      const data = c.getContext('2d')?.getImageData(0, 0, c.width, c.height).data ?? new Uint8ClampedArray();
      let orange = 0;
      let blue = 0;
      for (let i = 0; i < data.length; i += 4) {
        const r = data[i] as number;
        const b = data[i + 2] as number;
        if (r > b + 60) orange++;
        else if (b > r + 60) blue++;
      }
      return { orange, blue };
    });
    expect(colours.orange).toBeGreaterThan(200);
    expect(colours.blue).toBeGreaterThan(200);
  });
}
