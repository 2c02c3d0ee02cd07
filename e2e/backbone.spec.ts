import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test, expect } from './fixtures';
import { choosePath, clickEmptyCanvas, connect, dropLayer } from './support/canvas';
import { weightBytes } from './support/weights';

/**
 * A backbone with a new head (issue 18), with the mouse: train the MNIST CNN template on a slice,
 * use its run as the backbone, switch to Fashion-MNIST, cut the head after Flatten, freeze the
 * convolutional part (the inspector's Trainable switch thaws and freezes a card on the way), add a
 * new Dense head and train one epoch on a slice. The dashboard says which layers were loaded, fresh
 * and dropped; the frozen convolutions in the new run's saved weights are byte for byte the MNIST
 * run's; the new head learns, and beats the same head trained the same way (same seed, same slice)
 * on the frozen random backbone left after Stop using.
 */

test('MNIST CNN run as the backbone of a Fashion-MNIST classifier: cut, freeze, new head, train', async ({ page, server }) => {
  test.setTimeout(600_000);
  await page.goto(server.url);
  await page.getByRole('button', { name: 'Templates' }).click();
  await page.getByRole('dialog', { name: 'Templates' }).getByRole('button', { name: 'Open template CNN on MNIST' }).click();
  await page.getByRole('button', { name: 'Save' }).click();
  const project = path.join(server.scratch, 'transfer.nwproj');
  await choosePath(page, project);

  // The MNIST CNN on a slice (seeded, as every training here: the comparison at the end repeats).
  await clickEmptyCanvas(page);
  await page.getByLabel('Epochs', { exact: true }).fill('1');
  await page.getByLabel('Training samples', { exact: true }).fill('3000');
  await page.getByLabel('Test samples', { exact: true }).fill('500');
  await page.getByLabel('Seed', { exact: true }).fill('3');
  await page.getByRole('button', { name: 'Train' }).click();
  await expect(page.getByTestId('training-status')).toHaveText(/Finished/, { timeout: 240_000 });
  expect(Number(await page.getByTestId('test-accuracy').getAttribute('data-value'))).toBeGreaterThan(0.7);

  // Its run becomes the backbone.
  await page.getByRole('tab', { name: 'Runs' }).click();
  const history = page.getByTestId('run-history');
  await expect(history.locator('tbody tr')).toHaveCount(1);
  await history.getByRole('button', { name: /^Use .* as backbone$/ }).click();
  await expect(page.getByTestId('backbone-bar')).toContainText('Backbone:');
  await expect(history.getByRole('button', { name: /^Use .* as backbone$/ })).toHaveAttribute('aria-pressed', 'true');
  await page.getByRole('button', { name: 'Dismiss message' }).click();

  // Fashion-MNIST: same 10 classes and one channel, so the graph still fits.
  await clickEmptyCanvas(page);
  await page.getByLabel('Training settings').getByRole('combobox', { name: 'Dataset' }).selectOption('fashion-mnist');

  // Cut the head after Flatten (Dropout and the output Dense go), then freeze everything before it.
  const flatten = page.getByTestId('node-Flatten');
  await flatten.click({ button: 'right' });
  await page.getByRole('menuitem', { name: 'Cut the head after this layer (2)' }).click();
  await expect(page.getByTestId('node-Dense')).toHaveCount(0);
  await expect(page.getByTestId('node-Dropout')).toHaveCount(0);
  await flatten.click({ button: 'right' });
  await page.getByRole('menuitem', { name: 'Freeze all before this layer (2)' }).click();
  await expect(page.getByTestId('node-Conv2D').first()).toHaveClass(/is-frozen/);
  await expect(page.getByTestId('node-Conv2D').nth(1)).toHaveClass(/is-frozen/);

  // The new head: Dense(10, softmax) after Flatten.
  const box = await flatten.boundingBox();
  const pane = await page.locator('.react-flow__pane').boundingBox();
  if (!box || !pane) throw new Error('no boxes');
  const head = await dropLayer(page, 'Dense', box.x - pane.x + 40, box.y - pane.y + 160);
  await page.getByLabel('Units', { exact: true }).fill('10');
  await page.getByRole('combobox', { name: 'Activation' }).selectOption('softmax');
  await connect(page, flatten, head);
  await expect(page.getByTestId('validity')).toHaveText(/valid/i);
  // conv1 320 + conv2 18,496 frozen; the new head 1,600 x 10 + 10 trainable.
  await expect(page.getByTestId('trainable-params')).toHaveAttribute('title', /16,010 trainable, 18,816 non-trainable/);

  // The inspector's Trainable switch: the second convolution (18,496 weights) thawed and frozen again.
  const conv2 = page.getByTestId('node-Conv2D').nth(1);
  await conv2.click();
  const trainable = page.getByRole('switch', { name: 'Trainable' });
  await expect(trainable).toHaveAttribute('aria-checked', 'false');
  await trainable.click();
  await expect(trainable).toHaveAttribute('aria-checked', 'true');
  await expect(conv2).not.toHaveClass(/is-frozen/);
  await expect(page.getByTestId('trainable-params')).toHaveAttribute('title', /34,506 trainable, 320 non-trainable/);
  await trainable.click();
  await expect(conv2).toHaveClass(/is-frozen/);
  await expect(page.getByTestId('trainable-params')).toHaveAttribute('title', /16,010 trainable, 18,816 non-trainable/);

  // One epoch on a slice of Fashion-MNIST from the backbone (seeded: the random backbone below gets the same slice order).
  await clickEmptyCanvas(page);
  await page.getByLabel('Training samples', { exact: true }).fill('3000');
  await page.getByLabel('Test samples', { exact: true }).fill('1000');
  await page.getByLabel('Seed', { exact: true }).fill('7');
  await page.getByRole('button', { name: 'Train' }).click();
  await expect(page.getByTestId('training-status')).toHaveText(/Finished/, { timeout: 240_000 });
  const report = page.getByTestId('weights-report');
  await expect(report).toContainText('2 layers loaded, 1 fresh, 1 dropped');
  await expect(report.getByRole('list', { name: 'Loaded' }).getByRole('listitem')).toHaveText(['conv2d_1', 'conv2d_2']);
  await expect(report.getByRole('list', { name: 'Fresh' })).toContainText('new: the run has no such layer');
  await expect(report.getByRole('list', { name: 'Dropped' })).toContainText('not in the graph any more');
  const accuracy = Number(await page.getByTestId('test-accuracy').getAttribute('data-value'));
  expect(accuracy).toBeGreaterThan(0.5); // ten classes: chance is 0.1

  if (process.env['NETWRIGHT_SCREENSHOTS']) {
    await page.getByRole('tab', { name: 'Curves' }).click();
    await page.screenshot({ path: 'docs/screenshots/frozen-backbone.png' });
  }

  // The frozen convolutions, byte for byte, in both runs' saved weights.
  const runsDir = path.join(server.scratch, 'transfer.runs');
  const runs = readdirSync(runsDir).filter((d) => existsSync(path.join(runsDir, d, 'run.json')));
  const records = runs.map((d) => ({ dir: path.join(runsDir, d), record: JSON.parse(readFileSync(path.join(runsDir, d, 'run.json'), 'utf8')) as { weights?: { fromRunId: string } } }));
  const tuned = records.find((r) => r.record.weights);
  const base = records.find((r) => !r.record.weights);
  if (!tuned || !base) throw new Error(`expected the MNIST run and the backbone run in ${runsDir}`);
  expect(path.basename(base.dir)).toBe(tuned.record.weights?.fromRunId);
  const before = weightBytes(base.dir);
  const after = weightBytes(tuned.dir);
  for (const name of ['conv2d_1/kernel', 'conv2d_1/bias', 'conv2d_2/kernel', 'conv2d_2/bias']) {
    expect(after.get(name)?.length, name).toBeGreaterThan(0);
    expect(after.get(name)?.equals(before.get(name) as Buffer), name).toBe(true);
  }

  // At 1280x720 the bar and the report still fit.
  await page.setViewportSize({ width: 1280, height: 720 });
  await expect(page.getByTestId('backbone-bar')).toBeVisible();
  await expect(report).toBeVisible();
  if (process.env['NETWRIGHT_SCREENSHOTS']) await page.screenshot({ path: 'test-results/frozen-backbone-1280.png' });

  // The same head on a frozen random backbone: Stop using the run, train again (same seed, same slice).
  // The convolutions stay frozen at their fresh initial weights, so only the head learns; the MNIST features beat them.
  await page.getByTestId('backbone-bar').getByRole('button', { name: 'Stop using' }).click();
  await expect(page.getByTestId('backbone-bar')).toHaveCount(0);
  await page.getByRole('button', { name: 'Train' }).click();
  await expect(page.getByTestId('training-status')).toHaveText(/Finished/, { timeout: 240_000 });
  await expect(report).toHaveCount(0);
  const randomAccuracy = Number(await page.getByTestId('test-accuracy').getAttribute('data-value'));
  console.log(`Fashion-MNIST, 1 epoch on 3,000: MNIST backbone ${accuracy.toFixed(3)}, frozen random backbone ${randomAccuracy.toFixed(3)}`);
  expect(randomAccuracy).toBeGreaterThan(0.1);
  expect(accuracy).toBeGreaterThan(randomAccuracy);

  // A data set the graph no longer fits (3 classes of 4 features): explained on the cards that no longer fit.
  await clickEmptyCanvas(page);
  await page.getByLabel('Training settings').getByRole('combobox', { name: 'Dataset' }).selectOption('iris');
  await expect(head).toHaveClass(/has-error/);
  await expect(head).toContainText('[?, 3]');
  await expect(page.getByTestId('node-Input')).toHaveClass(/has-error/);
  await expect(page.getByRole('button', { name: 'Train' })).toBeDisabled();
});
