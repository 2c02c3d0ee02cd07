import path from 'node:path';
import { test, expect } from './fixtures';
import { VIEWPORTS } from './support/visible';
import { choosePath, clickEmptyCanvas } from './support/canvas';
import { batchesDone } from './support/training';

for (const size of VIEWPORTS) {
  test(`pause and resume, evaluation after training, try it by drawing, run history and comparison at ${size.width}x${size.height}`, async ({ page, server }) => {
    await page.setViewportSize(size);
    await page.goto(server.url);
    await page.getByRole('button', { name: 'Templates' }).click();
    await page.getByRole('dialog', { name: 'Templates' }).getByRole('button', { name: 'Open template MLP on MNIST' }).click();
    // Saved first, so that its runs are kept beside it.
    await page.getByRole('button', { name: 'Save' }).click();
    await choosePath(page, path.join(server.scratch, `runs-mlp-${size.width}.nwproj`));

    // A long run: pause, nothing moves; resume, it moves on; stop.
    await clickEmptyCanvas(page);
    // More epochs than the test waits for (it stops the run), so a fast backend cannot finish first.
    await page.getByLabel('Epochs', { exact: true }).fill('100');
    await page.getByLabel('Test samples', { exact: true }).fill('500');
    await page.getByRole('button', { name: 'Train' }).click();
    const progress = page.getByRole('progressbar', { name: 'Training progress' });
    const step = () => batchesDone(page);
    await expect.poll(step, { timeout: 60_000 }).toBeGreaterThan(0);
    await page.getByRole('button', { name: 'Pause' }).click();
    await expect(page.getByTestId('training-status')).toHaveText('Paused');
    await page.waitForTimeout(500); // events already in flight
    const paused = await step();
    await page.waitForTimeout(2000);
    expect(await step()).toBe(paused);
    await page.getByRole('button', { name: 'Resume' }).click();
    await expect(page.getByTestId('training-status')).toHaveText('Training');
    await expect.poll(step, { timeout: 30_000 }).toBeGreaterThan(paused);
    await page.getByRole('button', { name: 'Stop' }).click();
    await expect(page.getByTestId('training-status')).toHaveText(/Stopped/, { timeout: 60_000 });
    expect(Number(await progress.getAttribute('aria-valuenow'))).toBeLessThan(100);

    // A short run that finishes: the evaluation tab shows the confusion matrix and the mistakes.
    await clickEmptyCanvas(page);
    await page.getByLabel('Epochs', { exact: true }).fill('1');
    await page.getByLabel('Training samples', { exact: true }).fill('3000');
    await page.getByRole('button', { name: 'Train' }).click();
    await expect(page.getByTestId('training-status')).toHaveText(/Finished/, { timeout: 120_000 });
    await page.getByRole('tab', { name: 'Evaluation' }).click();
    const matrix = page.getByRole('table', { name: 'Confusion matrix' });
    await expect(matrix.locator('tbody tr')).toHaveCount(10);
    const total = await matrix.locator('tbody td').evaluateAll((cells) => cells.reduce((s, c) => s + Number(c.textContent), 0));
    expect(total).toBe(500);
    await expect(page.getByRole('table', { name: 'Per-class precision and recall' }).locator('tbody tr')).toHaveCount(10);
    await expect(page.getByRole('list', { name: 'Most confidently wrong predictions' }).getByRole('img').first()).toBeVisible();

    // Try it: draw a vertical stroke; the model answers with ten class probabilities.
    await page.getByRole('tab', { name: 'Try it' }).click();
    const pad = page.getByTestId('draw-pad');
    const box = await pad.boundingBox();
    if (!box) throw new Error('no pad');
    await page.mouse.move(box.x + box.width / 2, box.y + box.height * 0.15);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height * 0.85, { steps: 12 });
    await page.mouse.up();
    await expect(page.getByTestId('prediction')).toContainText('Prediction:');
    await expect(page.getByRole('list', { name: 'Class probabilities' }).getByRole('listitem')).toHaveCount(10);

    // Runs: both are listed; ticking two overlays their curves and says what differs.
    await page.getByRole('tab', { name: 'Runs' }).click();
    const history = page.getByRole('table', { name: 'Run history' });
    await expect(history.locator('tbody tr')).toHaveCount(2);
    const boxes = history.getByRole('checkbox');
    await boxes.nth(0).check();
    await boxes.nth(1).check();
    await page.getByRole('button', { name: /Compare 2 runs/ }).click();
    await expect(page.getByTestId('compare-chart')).toBeVisible();
    // Settings by the names people know, not their keys.
    await expect(page.getByRole('region', { name: 'What differs' })).toContainText('training samples');
    await expect(page.getByRole('region', { name: 'What differs' })).not.toContainText('trainLimit');
    await expect(page.getByRole('region', { name: 'What differs' })).toContainText('Same graph');
    // Runs are named by what differs from the run before.
    await expect(history.getByRole('textbox', { name: /^Name of run / })).toHaveCount(2);
    await expect(history.getByRole('textbox', { name: 'Name of run epochs 1 · training samples 3000' })).toHaveValue('epochs 1 · training samples 3000');
    await expect(history.getByRole('textbox', { name: 'Name of run Run 1' })).toBeVisible();
  });
}
