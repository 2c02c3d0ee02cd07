import type { Locator, Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { clickEmptyCanvas } from './support/canvas';
import { batchesDone } from './support/training';

/**
 * Issue 19, live run control with a real mouse and keyboard: the learning rate changed mid-run
 * shows on the LR curve at the change's marker, "stop after this epoch" ends the run at that
 * epoch's end, and the runs comparison shows the settings history.
 */

/** Clicks a field, selects what is there and types `text` (then Tab, which commits settings fields). */
async function typeInto(page: Page, field: Locator, text: string, then: 'Tab' | 'Enter' = 'Tab'): Promise<void> {
  await field.click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.type(text);
  await page.keyboard.press(then);
}

async function openSpirals(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.getByRole('button', { name: 'Templates' }).click();
  await page.getByRole('dialog', { name: 'Templates' }).getByRole('button', { name: 'Open template Playground classifier on spirals' }).click();
  await clickEmptyCanvas(page);
}

/** The hover readout of the batch chart at x (page pixels), as { step, lr }. */
async function readAt(page: Page, chart: Locator, x: number): Promise<{ step: number; lr: number }> {
  const over = await chart.locator('.u-over').boundingBox();
  if (!over) throw new Error('no plot');
  await page.mouse.move(x, over.y + over.height / 2);
  const readout = chart.getByTestId('batch-loss-chart-readout');
  await expect(readout).toHaveText(/Learning rate/);
  const text = (await readout.textContent()) ?? '';
  const m = /^step (\d+) .*Learning rate ([\d.e+-]+)/.exec(text);
  if (!m) throw new Error(`unreadable readout: ${text}`);
  return { step: Number(m[1]), lr: Number(m[2]) };
}

for (const size of [
  { width: 1280, height: 720 },
  { width: 1440, height: 900 },
]) {
  test.describe(`at ${size.width}x${size.height}`, () => {
    test.use({ viewport: size });

    test('live control: the learning rate changed mid-run shows at its marker, stop after this epoch ends the run there, the comparison lists the history', async ({ page, server }) => {
      test.setTimeout(480_000);
      await openSpirals(page, server.url);
      // Long enough to be steered: many epochs of small batches.
      await typeInto(page, page.getByLabel('Epochs', { exact: true }), '400');
      await typeInto(page, page.getByLabel('Batch size', { exact: true }), '8');
      await typeInto(page, page.getByLabel('Learning rate', { exact: true }), '0.01');
      await page.getByRole('button', { name: 'Train' }).click();
      await expect(page.getByTestId('training-status')).toHaveText('Training', { timeout: 120_000 });
      await expect.poll(() => batchesDone(page), { timeout: 120_000 }).toBeGreaterThan(30);

      // Change the learning rate with the keyboard: type it, Enter.
      const controls = page.getByRole('region', { name: 'Change the run while it trains' });
      await expect(controls).toBeVisible();
      await typeInto(page, controls.getByLabel('New learning rate'), '0.2', 'Enter');
      const history = page.getByTestId('run-controls');
      await expect(history.locator('li')).toHaveCount(1, { timeout: 180_000 });
      await expect(history.locator('li').first()).toContainText('learning rate → 0.2 (constant)');
      const changedAt = Number(await history.locator('li').first().getAttribute('data-step'));
      expect(changedAt).toBeGreaterThan(0);
      const batchChart = page.getByTestId('batch-loss-chart');
      await expect(batchChart).toHaveAttribute('data-markers', '1');
      await expect(page.getByTestId('epoch-chart')).toHaveAttribute('data-markers', '1');
      await expect(batchChart.getByTestId('chart-marker')).toHaveAttribute('data-step', String(changedAt));
      if (process.env['NETWRIGHT_SCREENSHOTS']) await page.locator('.dashboard').screenshot({ path: `test-results/live-control-running-${size.width}.png` });

      // Let it train on past the change, then ask it to stop after the epoch under way.
      await expect.poll(() => batchesDone(page), { timeout: 120_000 }).toBeGreaterThan(changedAt + 60);
      await controls.getByRole('button', { name: 'Finish after this epoch' }).click();
      await expect(history.locator('li')).toHaveCount(2, { timeout: 180_000 });
      await expect(history.locator('li').nth(1)).toContainText('stop after this epoch');
      const stopEpoch = Number(await history.locator('li').nth(1).getAttribute('data-epoch'));
      // The run ends at that epoch's end, evaluated on the test set (not "Stopped").
      await expect(page.getByTestId('training-status')).toHaveText('Finished', { timeout: 120_000 });
      await expect(page.getByTestId('test-accuracy')).toBeVisible();
      await expect(page.getByTestId('epoch-chart')).toHaveAttribute('data-points', String(stopEpoch + 1));
      await expect(page.getByTestId('progress-epoch')).toHaveText(`Epoch ${stopEpoch + 1}/400`);
      await expect(controls).toBeHidden();

      // The LR curve: the run's rate left of the marker, the new one right of it.
      await expect(batchChart.getByTestId('chart-marker')).toHaveCount(2);
      const marker = await batchChart.getByTestId('chart-marker').first().boundingBox();
      const over = await batchChart.locator('.u-over').boundingBox();
      if (!marker || !over) throw new Error('no marker or plot');
      const before = await readAt(page, batchChart, (over.x + marker.x) / 2);
      const after = await readAt(page, batchChart, (marker.x + over.x + over.width) / 2);
      expect(before.step).toBeLessThan(changedAt);
      expect(before.lr).toBeCloseTo(0.01, 6);
      expect(after.step).toBeGreaterThanOrEqual(changedAt);
      expect(after.lr).toBeCloseTo(0.2, 6);
      // Just either side of the marker too (the nearest batch reported on each side).
      const justAfter = await readAt(page, batchChart, marker.x + 3);
      if (justAfter.step >= changedAt) expect(justAfter.lr).toBeCloseTo(0.2, 6);
      else expect(justAfter.lr).toBeCloseTo(0.01, 6);

      // A second, short run, then compare the two: the settings history is listed per run.
      await clickEmptyCanvas(page);
      await typeInto(page, page.getByLabel('Epochs', { exact: true }), '1');
      await page.getByRole('button', { name: 'Train' }).click();
      await expect(page.getByTestId('training-status')).toHaveText('Finished', { timeout: 120_000 });
      await page.getByRole('tab', { name: 'Runs' }).click();
      const table = page.getByTestId('run-history');
      await expect(table.locator('tbody tr')).toHaveCount(2);
      await expect(table.locator('tbody tr').nth(1)).toContainText('2 changes');
      for (const box of await table.getByRole('checkbox').all()) await box.check();
      await page.getByRole('button', { name: /Compare 2 runs/ }).click();
      const settingsHistory = page.getByRole('region', { name: 'Settings history' });
      await expect(settingsHistory).toBeVisible();
      const list = settingsHistory.getByRole('list');
      await expect(list).toHaveCount(1);
      await expect(list.locator('li').first()).toContainText(`learning rate → 0.2 (constant) at step ${changedAt}`);
      await expect(list.locator('li').nth(1)).toContainText(`stop after this epoch at step`);
      await settingsHistory.scrollIntoViewIfNeeded();
      if (process.env['NETWRIGHT_SCREENSHOTS']) await page.screenshot({ path: `test-results/live-control-${size.width}.png` });
    });
  });
}
