import type { Locator } from '@playwright/test';
import { test, expect } from './fixtures';
import { clickEmptyCanvas } from './support/canvas';

/** Whether a canvas has pixels that are neither all black nor all one level. */
async function levels(canvas: Locator): Promise<number> {
  return canvas.evaluate((el) => {
    const c = el as HTMLCanvasElement;
    const data = c.getContext('2d')?.getImageData(0, 0, c.width, c.height).data ?? new Uint8ClampedArray();
    const seen = new Set<number>();
    for (let i = 0; i < data.length; i += 4) seen.add(data[i] as number);
    return seen.size;
  });
}

for (const viewport of [
  { width: 1280, height: 720 },
  { width: 1440, height: 900 },
]) {
  test(`augmentation template: the dashboard shows what the model sees (${viewport.width}x${viewport.height})`, async ({ page, server }, testInfo) => {
    await page.setViewportSize(viewport);
    await page.goto(server.url);
    await page.getByRole('button', { name: 'Templates' }).click();
    await page.getByRole('dialog', { name: 'Templates' }).getByRole('button', { name: 'Open template CNN with augmentation on MNIST' }).click();
    await expect(page.getByTestId('node-RandomRotation')).toHaveCount(1);
    await clickEmptyCanvas(page);
    await page.getByLabel('Epochs', { exact: true }).fill('1');
    await page.getByLabel('Training samples', { exact: true }).fill('600');
    await page.getByLabel('Test samples', { exact: true }).fill('100');
    await expect(page.getByTestId('augmented-examples')).toHaveCount(0);
    await page.getByRole('button', { name: 'Train' }).click();

    const panel = page.getByRole('figure', { name: 'What the model sees' });
    await expect(panel).toBeVisible({ timeout: 150_000 });
    await expect(panel).toContainText(/after .*translation.*, epoch 1, step \d+/i);
    const images = panel.getByRole('img', { name: /Augmented example/ });
    await expect(images).toHaveCount(8);
    // Real digits: many grey levels on each drawn 28x28 canvas.
    for (let i = 0; i < 8; i++) expect(await levels(images.nth(i))).toBeGreaterThan(5);
    await expect(images.first()).toHaveJSProperty('width', 28);
    await expect(page.getByTestId('training-status')).toHaveText(/Finished/, { timeout: 150_000 });
    // The panel stays inside the dashboard's side column.
    const box = await panel.boundingBox();
    const side = await page.locator('.dashboard__side').boundingBox();
    expect(box && side && box.x >= side.x && box.x + box.width <= side.x + side.width + 1).toBe(true);
    await panel.scrollIntoViewIfNeeded();
    await page.screenshot({ path: testInfo.outputPath(`augmented-${viewport.width}.png`) });
  });
}
