import { test, expect } from './fixtures';
import { clickEmptyCanvas } from './support/canvas';
import { batchesDone } from './support/training';

/** Issue 7: a reload mid-run reattaches to the running job, its progress and history, and can stop it. */
test('reloading the page mid-run reattaches to the run; progress goes on and Stop works', async ({ page, server }) => {
  // The project has unsaved edits: accept the "leave the page?" question on reload.
  page.on('dialog', (d) => void d.accept());
  await page.goto(server.url);
  await page.getByRole('button', { name: 'Templates' }).click();
  await page.getByRole('dialog', { name: 'Templates' }).getByRole('button', { name: 'Open template MLP on MNIST' }).click();
  await clickEmptyCanvas(page);
  // More epochs than the test can see: it stops the run itself, so a fast machine cannot finish
  // training before the reload (on a quiet machine 3 epochs of 20,000 did, and the check that
  // progress goes on after the reload then waited at the last batch).
  await page.getByLabel('Epochs', { exact: true }).fill('200');
  await page.getByLabel('Training samples', { exact: true }).fill('20000');
  await page.getByLabel('Test samples', { exact: true }).fill('500');
  await page.getByRole('button', { name: 'Train' }).click();

  const step = () => batchesDone(page);
  const progress = page.getByRole('progressbar', { name: 'Training progress' });
  await expect.poll(step, { timeout: 60_000 }).toBeGreaterThan(5);
  const chartPoints = async () => Number(await page.getByTestId('batch-loss-chart').getAttribute('data-points'));
  await expect.poll(chartPoints, { timeout: 30_000 }).toBeGreaterThan(2);

  await page.reload();
  // The new page knows the run: status, the batch curve so far, and progress that goes on.
  await expect(page.getByTestId('training-status')).toHaveText('Training', { timeout: 30_000 });
  await expect.poll(chartPoints, { timeout: 30_000 }).toBeGreaterThan(2);
  const afterReload = await step();
  expect(afterReload).toBeGreaterThan(5);
  await expect.poll(step, { timeout: 30_000 }).toBeGreaterThan(afterReload);

  await page.getByRole('button', { name: 'Stop' }).click();
  await expect(page.getByTestId('training-status')).toHaveText(/Stopped/, { timeout: 60_000 });
  expect(Number(await progress.getAttribute('aria-valuenow'))).toBeLessThan(100);
});
