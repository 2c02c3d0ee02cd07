import { test, expect } from './fixtures';
import { clickEmptyCanvas } from './support/canvas';

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
