import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test, expect } from './fixtures';
import { choosePath, clickEmptyCanvas } from './support/canvas';
import { VIEWPORTS, expectUncovered } from './support/visible';

test('live curves: batch and epoch charts with train/validation, hover values, log scale, progress stats', async ({ page, server }) => {
  await page.goto(server.url);
  await page.getByRole('button', { name: 'Templates' }).click();
  await page.getByRole('dialog', { name: 'Templates' }).getByRole('button', { name: 'Open template MLP on MNIST' }).click();
  await clickEmptyCanvas(page);
  await page.getByLabel('Epochs', { exact: true }).fill('2');
  await page.getByLabel('Training samples', { exact: true }).fill('3000');
  await page.getByLabel('Test samples', { exact: true }).fill('500');
  await page.getByRole('button', { name: 'Train' }).click();
  await expect(page.getByTestId('training-status')).toHaveText(/Finished/, { timeout: 120_000 });

  const batch = page.getByTestId('batch-loss-chart');
  const epoch = page.getByTestId('epoch-chart');
  await expect.poll(async () => Number(await batch.getAttribute('data-points'))).toBeGreaterThan(5);
  await expect(epoch).toHaveAttribute('data-points', '2');
  await expect(page.getByText(/\d[\d,]* samples\/s/)).toBeVisible();
  await expect(page.getByTestId('backend-label')).not.toBeEmpty();

  // Hovering a chart reads out the values under the cursor.
  const plot = batch.locator('.u-over');
  const box = await plot.boundingBox();
  if (!box) throw new Error('no plot');
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
  await expect(page.getByTestId('batch-loss-chart-readout')).toHaveText(/^step \d+ · Batch loss \d/);
  const ebox = await epoch.locator('.u-over').boundingBox();
  if (!ebox) throw new Error('no plot');
  await page.mouse.move(ebox.x + ebox.width - 3, ebox.y + ebox.height / 2);
  await expect(page.getByTestId('epoch-chart-readout')).toHaveText(/epoch 2 · Train loss [\d.]+ · Val loss [\d.]+ · Train acc [\d.]+ · Val acc [\d.]+/);

  // Log scale: the loss axis switches, the data stays.
  const before = await batch.getAttribute('data-points');
  await batch.getByRole('checkbox', { name: 'Log scale' }).check();
  await expect(batch).toHaveAttribute('data-scale', 'log');
  await expect(batch).toHaveAttribute('data-points', before ?? '');
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.5);
  await expect(page.getByTestId('batch-loss-chart-readout')).toHaveText(/Batch loss \d/);
  await batch.getByRole('checkbox', { name: 'Log scale' }).uncheck();
  await expect(batch).toHaveAttribute('data-scale', 'linear');
});

for (const view of VIEWPORTS) {
  test(`chart axes at ${view.width}x${view.height}: no made-up axes when empty, learning-rate ticks that differ and clear of the title, one epoch readable`, async ({ page, server }) => {
    await page.setViewportSize(view);
    // The MNIST MLP with a cosine schedule from 0.002 to 0.0005 over one epoch.
    const template = JSON.parse(readFileSync(path.join('resources', 'templates', 'mnist-mlp.nwproj'), 'utf8'));
    const file = path.join(server.scratch, `lr-ticks-${view.width}.nwproj`);
    writeFileSync(file, JSON.stringify({ ...template, training: { ...template.training, epochs: 1, trainLimit: 3000, testLimit: 300, learningRate: 0.002, lrSchedule: { kind: 'cosine', minLearningRate: 0.0005 } } }));
    await page.goto(server.url);
    await page.getByRole('button', { name: 'Open' }).click();
    await choosePath(page, file);
    await expect(page.getByTestId('total-params')).not.toHaveText(/^0 params/);

    // Before training: the message, not a -1..1 plot.
    const batch = page.getByTestId('batch-loss-chart');
    const epoch = page.getByTestId('epoch-chart');
    for (const chart of [batch, epoch]) {
      await expect(chart.locator('.chart__empty')).toBeVisible();
      await expect(chart.locator('.chart__plot')).toBeHidden();
    }
    await expect(batch.locator('.chart__empty')).toHaveText('The loss of each batch appears here while training.');

    await page.getByRole('button', { name: 'Train' }).click();
    await expect(page.getByTestId('training-status')).toHaveText(/Finished/, { timeout: 120_000 });
    await expect(batch.locator('.chart__plot')).toBeVisible();
    await expect(batch.locator('.chart__empty')).toHaveCount(0);

    // The learning-rate axis (the third, on the right): every label differs.
    const plot = batch.locator('.chart__plot');
    await expect(plot).toHaveAttribute('data-ticks2', /\|/);
    const ticks = ((await plot.getAttribute('data-ticks2')) ?? '').split('|').filter((t) => t !== '');
    expect(ticks.length).toBeGreaterThanOrEqual(2);
    expect(new Set(ticks).size).toBe(ticks.length);
    // Its title sits beside the labels, not over them: the axis is as wide as ticks, longest label and title.
    const axisWidth = await plot.locator('.u-axis').nth(2).evaluate((el) => el.getBoundingClientRect().width);
    const labelWidth = await page.evaluate((labels) => {
      const ctx = document.createElement('canvas').getContext('2d');
      if (!ctx) return Infinity;
      ctx.font = '10px system-ui, sans-serif';
      return Math.max(...labels.map((t) => ctx.measureText(t).width));
    }, ticks);
    expect(axisWidth).toBeGreaterThanOrEqual(10 + 5 + labelWidth + 14);

    // One epoch: large markers and a note that points to the batch curve.
    await expect(epoch).toHaveAttribute('data-points', '1');
    await expect(epoch.getByText(/One epoch so far/)).toBeVisible();
    await expectUncovered(page, epoch.getByText(/One epoch so far/));
  });
}
