import * as fs from 'node:fs';
import * as path from 'node:path';
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

test('live control: a checkpoint now, fewer epochs, a switch to cosine decay and early stopping on, each in the history and run.json; the rate follows the cosine from the change', async ({ page, server }) => {
  test.setTimeout(300_000);
  await page.setViewportSize({ width: 1280, height: 720 });
  await openSpirals(page, server.url);
  // The most epochs the field takes, and SGD: with Adam, on the native backend, each batch is one
  // compiled TensorFlow function and 400 epochs of spirals end in ~15 s, before the changes below
  // are made; the 25 epochs left after "fewer epochs" would be over in about a second.
  await typeInto(page, page.getByLabel('Epochs', { exact: true }), '10000');
  await typeInto(page, page.getByLabel('Batch size', { exact: true }), '8');
  await page.getByRole('combobox', { name: 'Optimizer' }).selectOption('sgd');
  await typeInto(page, page.getByLabel('Learning rate', { exact: true }), '0.01');
  await page.getByRole('button', { name: 'Train' }).click();
  await expect(page.getByTestId('training-status')).toHaveText('Training', { timeout: 120_000 });
  await expect.poll(() => batchesDone(page), { timeout: 120_000 }).toBeGreaterThan(30);
  const batchesPerEpoch = Number(/Batch \d+\/(\d+)/.exec((await page.getByTestId('progress-batch').textContent()) ?? '')?.[1]);
  expect(batchesPerEpoch).toBe(90); // 720 training points in batches of 8
  const controls = page.getByRole('region', { name: 'Change the run while it trains' });
  const history = page.getByTestId('run-controls').locator('li');

  // A checkpoint now, with the mouse.
  await controls.getByRole('button', { name: 'Checkpoint now' }).click();
  await expect(history).toHaveCount(1, { timeout: 60_000 });
  await expect(history.nth(0)).toContainText('checkpoint saved');
  const checkpointStep = Number(await history.nth(0).getAttribute('data-step'));

  // Fewer epochs (typed, Enter): the run now ends 25 epochs after the one under way.
  const epochNow = Number(/Epoch (\d+)/.exec((await page.getByTestId('progress-epoch').textContent()) ?? '')?.[1]);
  const total = epochNow + 25;
  await typeInto(page, controls.getByLabel('Total epochs'), String(total), 'Enter');
  await expect(history).toHaveCount(2, { timeout: 60_000 });
  await expect(history.nth(1)).toContainText(`epochs → ${total}`);
  await expect(page.getByTestId('progress-epoch')).toContainText(`/${total}`);

  // Cosine decay from 0.05 over the epochs left: the schedule chosen with the keyboard, Enter.
  await controls.getByRole('combobox', { name: 'Schedule from now on' }).focus();
  await page.keyboard.type('Cos');
  await expect(controls.getByRole('combobox', { name: 'Schedule from now on' })).toHaveValue('cosine');
  await typeInto(page, controls.getByLabel('New learning rate'), '0.05', 'Enter');
  await expect(history).toHaveCount(3, { timeout: 60_000 });
  await expect(history.nth(2)).toContainText('learning rate → 0.05 (cosine decay)');
  const lrStep = Number(await history.nth(2).getAttribute('data-step'));
  const lrEpoch = Number(await history.nth(2).getAttribute('data-epoch'));

  // Early stopping on, with the keyboard (Space on the box).
  const early = controls.getByLabel('Early stopping for this run');
  await expect(early).not.toBeChecked();
  await early.focus();
  await page.keyboard.press('Space');
  await expect(history).toHaveCount(4, { timeout: 60_000 });
  await expect(history.nth(3)).toContainText('early stopping on');
  const earlyEpoch = Number(await history.nth(3).getAttribute('data-epoch'));

  await expect(page.getByTestId('training-status')).toHaveText('Finished', { timeout: 180_000 });
  await expect(page.getByTestId('test-accuracy')).toBeVisible();

  // run.json: the four changes in order, the checkpoint in the run folder at its step (an unsaved
  // project's runs are in NETWRIGHT_HOME/runs); the run ran to the new total, or stopped early
  // (patience 3) only after early stopping was switched on.
  const runsDir = path.join(server.home, 'runs');
  const saved = fs.readdirSync(runsDir).filter((id) => fs.existsSync(path.join(runsDir, id, 'checkpoints', `step-${checkpointStep}`, 'model.json')));
  expect(saved).toHaveLength(1);
  const record = JSON.parse(fs.readFileSync(path.join(runsDir, saved[0] as string, 'run.json'), 'utf8')) as {
    controls: { step: number; change: { kind: string } }[];
    epochs: unknown[];
    earlyStoppedAt: number | null;
  };
  expect(record.controls.map((c) => c.change.kind)).toEqual(['checkpoint', 'epochs', 'learningRate', 'earlyStopping']);
  expect(record.controls[2]?.step).toBe(lrStep);
  if (record.earlyStoppedAt === null) {
    expect(record.epochs).toHaveLength(total);
  } else {
    expect(record.earlyStoppedAt).toBeGreaterThanOrEqual(earlyEpoch);
    expect(record.epochs).toHaveLength(record.earlyStoppedAt + 1);
  }
  await expect(page.getByTestId('epoch-chart')).toHaveAttribute('data-points', String(record.epochs.length));

  // The learning-rate curve from the change on is 0.05 · ½(1 + cos(π · steps since / steps left)),
  // over the epochs left when it was asked for; the readout shows 4 significant digits.
  const cosine = (step: number) => 0.05 * 0.5 * (1 + Math.cos((Math.PI * (step - lrStep)) / ((total - lrEpoch) * batchesPerEpoch)));
  const batchChart = page.getByTestId('batch-loss-chart');
  const marker = await batchChart.locator(`[data-testid="chart-marker"][data-step="${lrStep}"]`).first().boundingBox();
  const over = await batchChart.locator('.u-over').boundingBox();
  if (!marker || !over) throw new Error('no marker or plot');
  for (const x of [marker.x + 4, (marker.x + over.x + over.width) / 2, over.x + over.width - 2]) {
    const at = await readAt(page, batchChart, x);
    if (at.step < lrStep) continue;
    expect(Math.abs(at.lr - cosine(at.step)), `step ${at.step}: ${at.lr} vs ${cosine(at.step)}`).toBeLessThanOrEqual(1e-3 * cosine(at.step) + 1e-9);
  }
  const end = await readAt(page, batchChart, over.x + over.width - 2);
  expect(end.step).toBeGreaterThan(lrStep + batchesPerEpoch);
  expect(end.lr).toBeLessThan(0.05 * 0.9);
  if (process.env['NETWRIGHT_SCREENSHOTS']) await page.screenshot({ path: 'test-results/live-control-cosine-1280.png' });
});
