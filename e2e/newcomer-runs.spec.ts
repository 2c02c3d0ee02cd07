import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { choosePath, clickEmptyCanvas } from './support/canvas';
import { expectUncovered, VIEWPORTS } from './support/visible';

/**
 * Issue 15, the runs of a newcomer's unsaved projects, with a real mouse and keyboard: each unsaved
 * project lists only its own runs, a run is renamed in place, and a sweep still running when the
 * project is first saved follows it (its runs beside the project, the sweep in its Sweeps tab),
 * as does the renamed run; all of it is there again when the project is opened.
 */

/** Clicks a field, selects what is there and types `text`, then a key. */
async function typeInto(page: Page, field: Locator, text: string, then: 'Tab' | 'Enter' | null = 'Tab'): Promise<void> {
  await field.click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.type(text);
  if (then) await page.keyboard.press(then);
}

async function openSpirals(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Templates' }).click();
  await page.getByRole('dialog', { name: 'Templates' }).getByRole('button', { name: 'Open template Playground classifier on spirals' }).click();
  const discard = page.getByRole('alertdialog').getByRole('button', { name: 'Discard changes' });
  if (await discard.isVisible().catch(() => false)) await discard.click();
  await clickEmptyCanvas(page);
}

/** A short run on a slice of the spirals (2 epochs on 300 points). */
async function trainShort(page: Page): Promise<void> {
  const settings = page.getByLabel('Training settings');
  await typeInto(page, settings.getByLabel('Epochs', { exact: true }), '2');
  await typeInto(page, settings.getByLabel('Training samples', { exact: true }), '300');
  await typeInto(page, settings.getByLabel('Test samples', { exact: true }), '100');
  await page.getByRole('button', { name: 'Train' }).click();
  await expect(page.getByTestId('training-status')).toHaveText(/Finished/, { timeout: 120_000 });
}

async function runsTab(page: Page): Promise<Locator> {
  await page.getByRole('tab', { name: 'Runs' }).click();
  return page.getByRole('table', { name: 'Run history' }).locator('tbody tr');
}

for (const size of VIEWPORTS) {
  test(`unsaved projects' runs at ${size.width}x${size.height}: listed per project, renamed in place, a running sweep follows the first save`, async ({ page, server }) => {
    test.setTimeout(480_000);
    await page.setViewportSize(size);
    await page.goto(server.url);

    // Project A (unsaved): the spirals template. Its data set's help says what one sample is.
    await openSpirals(page);
    const help = page.getByLabel('Training settings').getByText(/training, .* test samples, /);
    await expect(help).toContainText('2 values each');
    await expect(help).not.toContainText('samples of');
    await trainShort(page);
    await expect(await runsTab(page)).toHaveCount(1);
    await expect(page.getByRole('tabpanel')).toContainText('Runs of this unsaved project');

    // Project B (unsaved, the same template opened again): none of A's runs.
    await openSpirals(page);
    await runsTab(page);
    await expect(page.getByRole('tabpanel')).toContainText('No runs yet.');
    await page.getByRole('tab', { name: 'Sweeps' }).click();
    await expect(page.getByRole('tabpanel')).toContainText('No sweeps yet for this project.');
    await trainShort(page);
    await expect(page.getByTestId('run-name')).toHaveText('Run: Run 1');
    const rows = await runsTab(page);
    await expect(rows).toHaveCount(1);

    // Renamed in place with the keyboard: the dashboard says the new name.
    const name = page.getByRole('textbox', { name: 'Name of run Run 1' });
    await expectUncovered(page, name);
    await typeInto(page, name, 'baseline', 'Enter');
    await expect(page.getByRole('textbox', { name: 'Name of run baseline' })).toHaveValue('baseline');
    await expect(page.getByTestId('run-name')).toHaveText('Run: baseline');

    // A sweep of 3 learning rates (longer runs, 30 epochs, so that it still runs when saved), started with Enter.
    const settings = page.getByLabel('Training settings');
    await clickEmptyCanvas(page);
    await typeInto(page, settings.getByLabel('Epochs', { exact: true }), '30');
    await settings.getByRole('button', { name: 'Sweep…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Sweep settings' });
    await dialog.getByRole('radio', { name: 'List' }).first().check();
    await typeInto(page, dialog.getByLabel('Values of setting 1'), '0.003,0.01,0.03', null);
    await expect(dialog.getByTestId('sweep-run-count')).toContainText('3 runs');
    await page.keyboard.press('Enter');
    await expect(dialog).toBeHidden({ timeout: 60_000 });
    const sweeps = page.getByRole('tabpanel', { name: 'Sweeps' });
    const progress = sweeps.getByTestId('sweep-progress');
    await expect(progress).toHaveAttribute('data-total', '3');
    await expect(sweeps.getByTestId('sweep-status')).toHaveText('Running');

    // First save while the sweep runs.
    const projectPath = path.join(server.scratch, `sweeping-${size.width}.nwproj`);
    await page.getByRole('button', { name: 'Save' }).click();
    await choosePath(page, projectPath);
    await expect(page.locator('header').first()).toContainText(`sweeping-${size.width}.nwproj`);
    // The sweep is still shown, not finished yet (else this would not test a running sweep).
    await expect(progress).toHaveAttribute('data-finished', /^[012]$/);

    // The sweep is the saved project's: it goes on in its Sweeps tab and finishes there.
    await page.getByRole('tab', { name: 'Sweeps' }).click();
    await expect(sweeps.getByTestId('sweep-status')).toHaveText('Finished', { timeout: 300_000 });
    await expect(progress).toHaveAttribute('data-finished', '3');
    await expect(progress).toHaveAttribute('data-failed', '0');
    await expect(sweeps.getByTestId('sweep-table').getByTestId('sweep-table-row')).toHaveCount(3);

    // Every run is beside the project: the renamed one and the sweep's three.
    await runsTab(page);
    await expect(page.getByRole('tabpanel')).toContainText('Runs kept beside this project');
    await expect(rows).toHaveCount(4);
    await expect(page.getByRole('textbox', { name: 'Name of run baseline' })).toBeVisible();
    const runsDir = path.join(server.scratch, `sweeping-${size.width}.runs`);
    await expect.poll(() => (existsSync(runsDir) ? readdirSync(runsDir).filter((n) => !n.startsWith('.')).length : 0)).toBe(4);
    await expect.poll(() => (existsSync(path.join(runsDir, '.sweeps')) ? readdirSync(path.join(runsDir, '.sweeps')).length : 0)).toBe(1);

    // New, then Open: the runs, the name and the sweep are the project's for good.
    await page.getByRole('button', { name: 'New' }).click();
    await runsTab(page);
    await expect(page.getByRole('tabpanel')).toContainText('No runs yet.');
    await page.getByRole('button', { name: 'Open' }).click();
    await choosePath(page, projectPath);
    await expect(await runsTab(page)).toHaveCount(4);
    await expect(page.getByRole('textbox', { name: 'Name of run baseline' })).toHaveValue('baseline');
    await page.getByRole('tab', { name: 'Sweeps' }).click();
    await expect(sweeps.getByTestId('sweep-status')).toHaveText('Finished');
    await expect(progress).toHaveAttribute('data-finished', '3');
    await page.screenshot({ path: test.info().outputPath(`sweep-saved-${size.width}x${size.height}.png`) });
  });
}
