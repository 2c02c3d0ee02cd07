import type { Locator, Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { clickEmptyCanvas } from './support/canvas';

/**
 * Issue 19, sweeps in the app with a real mouse and keyboard: on the spirals template with a small
 * slice, a 2 x 3 sweep over learning rate x the first Dense's units is set up in the Sweep dialog
 * (a bad value shows an inline error first), started with Enter, stopped after two runs, resumed
 * after a page reload, and finishes; the table's best row is the best by the metric the test reads
 * from the rows, the plot draws a line per run, the table sorts by a header (mouse and keyboard),
 * and a row opens as an ordinary run.
 */

/** Clicks a field, selects what is there and types `text`, then a key. */
async function typeInto(page: Page, field: Locator, text: string, then: 'Tab' | 'Enter' | null = 'Tab'): Promise<void> {
  await field.click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.type(text);
  if (then) await page.keyboard.press(then);
}

async function openSpirals(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.getByRole('button', { name: 'Templates' }).click();
  await page.getByRole('dialog', { name: 'Templates' }).getByRole('button', { name: 'Open template Playground classifier on spirals' }).click();
  await clickEmptyCanvas(page);
}

/** The rows of the results table as the page shows them: run number, score, best flag. */
async function readRows(table: Locator): Promise<{ index: number; score: number; best: boolean }[]> {
  const rows = table.getByTestId('sweep-table-row');
  const n = await rows.count();
  const out: { index: number; score: number; best: boolean }[] = [];
  for (let i = 0; i < n; i++) {
    const row = rows.nth(i);
    out.push({ index: Number(await row.getAttribute('data-index')), score: Number(await row.getAttribute('data-score')), best: (await row.getAttribute('data-best')) === 'true' });
  }
  return out;
}

for (const size of [
  { width: 1280, height: 720 },
  { width: 1440, height: 900 },
]) {
  test.describe(`at ${size.width}x${size.height}`, () => {
    test.use({ viewport: size });

    test('sweep: 2 x 3 runs over learning rate x units, stopped, resumed after a reload, best row = best metric, plot, open a run', async ({ page, server }) => {
      test.setTimeout(600_000);
      await openSpirals(page, server.url);
      // The CLI sweep test's slice: 300 training and 100 test samples; 3 short epochs.
      const settings = page.getByLabel('Training settings');
      await typeInto(page, settings.getByLabel('Epochs', { exact: true }), '3');
      await typeInto(page, settings.getByLabel('Training samples', { exact: true }), '300');
      await typeInto(page, settings.getByLabel('Test samples', { exact: true }), '100');

      await settings.getByRole('button', { name: 'Sweep…' }).click();
      const dialog = page.getByRole('dialog', { name: 'Sweep settings' });
      await expect(dialog).toBeVisible();
      // The first row varies the learning rate; as a list, with a typo first.
      await dialog.getByRole('radio', { name: 'List' }).first().check();
      const lrValues = dialog.getByLabel('Values of setting 1');
      await typeInto(page, lrValues, '0.003,abc', null);
      await expect(dialog.getByRole('alert')).toContainText('"abc" is not a number');
      await expect(dialog.getByTestId('sweep-run-count')).toHaveText('Fix the values above to see how many runs.');
      await typeInto(page, lrValues, '0.003,0.03', null);
      await expect(dialog.getByRole('alert')).toHaveCount(0);

      // A second row: the first Dense layer's units.
      await dialog.getByRole('button', { name: 'Add a setting' }).click();
      await dialog.getByLabel('Setting 2', { exact: true }).selectOption('layer');
      await expect(dialog.getByLabel('Layer of setting 2')).toHaveValue('hidden1');
      await expect(dialog.getByLabel('Parameter of setting 2')).toHaveValue('units');
      // Units of 0 is refused where it was typed.
      const units = dialog.getByLabel('Values of setting 2');
      await typeInto(page, units, '0,8', null);
      await expect(dialog.getByRole('alert')).toContainText('Units must be from 1');
      await typeInto(page, units, '4,8,16', null);
      await expect(dialog.getByTestId('sweep-run-count')).toContainText('6 runs (2 × 3)');
      if (process.env['NETWRIGHT_SCREENSHOTS']) await page.screenshot({ path: `test-results/sweep-dialog-${size.width}.png` });
      // Escape closes without starting; the dialog comes back with the same fields.
      await page.keyboard.press('Escape');
      await expect(dialog).toBeHidden();
      await settings.getByRole('button', { name: 'Sweep…' }).click();
      await expect(dialog.getByTestId('sweep-run-count')).toContainText('6 runs (2 × 3)');
      // The keyboard starts at the first field and Tab stays inside the dialog.
      await expect(dialog.getByLabel('Setting 1', { exact: true })).toBeFocused();
      await page.keyboard.press('Shift+Tab');
      await expect(dialog.getByRole('button', { name: 'Start 6 runs' })).toBeFocused();
      await page.keyboard.press('Tab');
      await expect(dialog.getByLabel('Setting 1', { exact: true })).toBeFocused();
      // Enter in a field starts the sweep.
      await dialog.getByLabel('Values of setting 2').click();
      await page.keyboard.press('Enter');
      await expect(dialog).toBeHidden({ timeout: 60_000 });

      const panel = page.getByRole('tabpanel', { name: 'Sweeps' });
      await expect(page.getByRole('tab', { name: 'Sweeps' })).toHaveAttribute('aria-selected', 'true');
      const progress = panel.getByTestId('sweep-progress');
      await expect(progress).toHaveAttribute('data-total', '6');
      await expect(panel.getByTestId('sweep-current').first()).toContainText('Run 1:');
      await expect.poll(async () => Number(await progress.getAttribute('data-finished')), { timeout: 300_000 }).toBeGreaterThanOrEqual(2);
      await panel.getByRole('button', { name: 'Stop sweep' }).click();
      await expect(panel.getByTestId('sweep-status')).toHaveText('Stopped', { timeout: 120_000 });
      const finishedAtStop = Number(await progress.getAttribute('data-finished'));
      expect(finishedAtStop).toBeGreaterThanOrEqual(2);
      expect(finishedAtStop).toBeLessThan(6);

      // A reload: the unsaved project is offered back, its sweep read from disk, still stopped.
      await page.reload();
      await page.getByRole('button', { name: 'Restore' }).click();
      await page.getByRole('tab', { name: 'Sweeps' }).click();
      await expect(panel.getByTestId('sweep-status')).toHaveText('Stopped');
      await expect(progress).toHaveAttribute('data-finished', String(finishedAtStop));
      // Resume with the keyboard.
      await panel.getByRole('button', { name: 'Resume sweep' }).focus();
      await page.keyboard.press('Enter');
      await expect(panel.getByTestId('sweep-status')).toHaveText('Finished', { timeout: 400_000 });
      await expect(progress).toHaveAttribute('data-finished', '6');
      await expect(progress).toHaveAttribute('data-failed', '0');

      // The best row is the best test accuracy the rows show (ties: the earlier run).
      const table = panel.getByTestId('sweep-table');
      const rows = await readRows(table);
      expect(rows).toHaveLength(6);
      const best = [...rows].sort((a, b) => b.score - a.score || a.index - b.index)[0];
      expect(rows.filter((r) => r.best).map((r) => r.index)).toEqual([best?.index]);
      await expect(table.getByTestId('sweep-table-row').and(page.locator('[data-best="true"]'))).toHaveClass(/is-best/);

      // The plot: 6 lines, the best one marked, a log-free linear lr list and the metric axis.
      const plot = panel.getByTestId('sweep-plot');
      await expect(plot.getByTestId('sweep-plot-line')).toHaveCount(6);
      await expect(plot.locator('[data-testid="sweep-plot-line"][data-best="true"]')).toHaveAttribute('data-index', String(best?.index));
      await expect(plot.getByTestId('sweep-plot-axis')).toHaveCount(3);

      // Sort by the metric (mouse): best first; then by run with the keyboard.
      const metricHeader = table.getByRole('button', { name: 'Test accuracy' });
      await metricHeader.click();
      const sorted = await readRows(table);
      expect(sorted[0]?.index).toBe(best?.index);
      expect(sorted.map((r) => r.score)).toEqual([...sorted.map((r) => r.score)].sort((a, b) => b - a));
      await metricHeader.focus();
      await page.keyboard.press('Enter');
      const ascending = await readRows(table);
      expect(ascending.map((r) => r.score)).toEqual([...ascending.map((r) => r.score)].sort((a, b) => a - b));
      await table.getByRole('button', { name: 'Run', exact: true }).focus();
      await page.keyboard.press('Enter');
      expect((await readRows(table)).map((r) => r.index)).toEqual([0, 1, 2, 3, 4, 5]);

      // For the README (NETWRIGHT_SCREENSHOTS=1), like the other screenshots: a plain test run leaves docs/ alone.
      if (process.env['NETWRIGHT_SCREENSHOTS']) await page.screenshot({ path: size.width === 1440 ? 'docs/screenshots/sweep.png' : `test-results/sweep-${size.width}.png` });

      // The finished runs compared in the Runs tab: overlaid curves and what differs.
      await panel.getByRole('button', { name: 'Compare 6 runs' }).click();
      await expect(page.getByRole('tab', { name: 'Runs' })).toHaveAttribute('aria-selected', 'true');
      await expect(page.getByTestId('compare-chart')).toBeVisible({ timeout: 60_000 });
      await expect(page.getByRole('region', { name: 'What differs' })).toContainText('hidden1.units');
      if (process.env['NETWRIGHT_SCREENSHOTS']) await page.screenshot({ path: `test-results/sweep-compare-${size.width}.png` });
      await page.getByRole('tab', { name: 'Sweeps' }).click();

      // A row opens as an ordinary run: its curves in the dashboard, its test accuracy, exportable.
      const bestRow = table.locator(`[data-testid="sweep-table-row"][data-index="${String(best?.index)}"]`);
      await bestRow.locator('td').first().click();
      await expect(page.getByRole('tab', { name: 'Curves' })).toHaveAttribute('aria-selected', 'true');
      await expect(page.getByTestId('training-status')).toHaveText('Finished');
      await expect(page.getByTestId('test-accuracy')).toHaveAttribute('data-value', String(best?.score));
      await expect(page.getByRole('button', { name: 'Export…' })).toBeEnabled();
      // It is listed among the project's runs as a sweep trial.
      await page.getByRole('tab', { name: 'Runs' }).click();
      // (A run stopped by Stop is kept too, beside the one that trained it again.)
      await expect(page.getByTestId('run-history')).toBeVisible();
      expect(await page.getByTestId('run-history').getByText(/sweep trial/).count()).toBeGreaterThanOrEqual(6);
    });
  });
}

test('sweep: a run that fails is counted and explained, and the sweep goes on', async ({ page, server }) => {
  test.setTimeout(300_000);
  await page.setViewportSize({ width: 1280, height: 720 });
  await openSpirals(page, server.url);
  const settings = page.getByLabel('Training settings');
  await typeInto(page, settings.getByLabel('Epochs', { exact: true }), '1');
  await typeInto(page, settings.getByLabel('Training samples', { exact: true }), '100');
  await typeInto(page, settings.getByLabel('Test samples', { exact: true }), '50');
  // With the dashboard hidden, the dialog still opens, and starting shows the dashboard again.
  await page.getByRole('button', { name: 'Hide the dashboard' }).click();
  await expect(page.getByRole('tab', { name: 'Sweeps' })).toHaveCount(0);
  await settings.getByRole('button', { name: 'Sweep…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Sweep settings' });
  // Vary the output layer's units: 3 outputs cannot fit 2 classes, so that run fails; 2 trains.
  await dialog.getByLabel('Setting 1', { exact: true }).selectOption('layer');
  await dialog.getByLabel('Layer of setting 1').selectOption('output');
  await expect(dialog.getByLabel('Parameter of setting 1')).toHaveValue('units');
  await typeInto(page, dialog.getByLabel('Values of setting 1'), '3,2', null);
  await expect(dialog.getByTestId('sweep-run-count')).toContainText('2 runs');
  // A second row, the learning rate as a log range, and random draws: the count follows.
  await dialog.getByRole('button', { name: 'Add a setting' }).click();
  await expect(dialog.getByLabel('Setting 2', { exact: true })).toHaveValue('lr');
  await dialog.getByRole('radio', { name: 'Range' }).nth(1).check();
  await typeInto(page, dialog.getByLabel('From (setting 2)'), '0.001', null);
  await typeInto(page, dialog.getByLabel('To (setting 2)'), '0.1', null);
  await typeInto(page, dialog.getByLabel('Count (setting 2)'), '3', null);
  await expect(dialog.getByTestId('sweep-run-count')).toContainText('6 runs (2 × 3)');
  await dialog.getByRole('radio', { name: 'Random draws' }).check();
  await typeInto(page, dialog.getByLabel('Number of runs'), '4', null);
  await expect(dialog.getByTestId('sweep-run-count')).toContainText('4 runs');
  await typeInto(page, dialog.getByLabel('To (setting 2)'), '0.0001', null);
  await expect(dialog.getByRole('alert')).toHaveText('"To" must be larger than "From".');
  if (process.env['NETWRIGHT_SCREENSHOTS']) await page.screenshot({ path: 'test-results/sweep-dialog-random-1280.png' });
  // Back to the one row, every combination; Enter starts.
  await dialog.getByRole('button', { name: 'Remove setting 2' }).click();
  await dialog.getByRole('radio', { name: 'Grid: every combination' }).check();
  await expect(dialog.getByTestId('sweep-run-count')).toContainText('2 runs');
  await dialog.getByLabel('Values of setting 1').click();
  await page.keyboard.press('Enter');
  await expect(dialog).toBeHidden({ timeout: 60_000 });
  const panel = page.getByRole('tabpanel', { name: 'Sweeps' });
  await expect(panel.getByTestId('sweep-status')).toHaveText('Finished', { timeout: 240_000 });
  const progress = panel.getByTestId('sweep-progress');
  await expect(progress).toHaveText('2 of 2 runs finished · 1 failed');
  const rows = panel.getByTestId('sweep-table-row');
  await expect(rows.nth(0)).toContainText('failed');
  await expect(rows.nth(0).getByTestId('sweep-score')).toHaveText('—');
  await expect(rows.nth(1)).toHaveAttribute('data-best', 'true');
  // The failed run is drawn dashed, without a metric point.
  await expect(panel.locator('[data-testid="sweep-plot-line"].is-failed')).toHaveCount(1);
  await expect(panel.locator('.sweep-plot__dot.is-failed')).toHaveCount(1);
  if (process.env['NETWRIGHT_SCREENSHOTS']) await page.screenshot({ path: 'test-results/sweep-failed-1280.png' });
});
