import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { choosePath, clickEmptyCanvas, connect, dropLayer } from './support/canvas';
import { expectUncovered, VIEWPORTS } from './support/visible';

/** The primary actions are on screen and nothing covers them: Train, Export and the dashboard's tabs. */
async function expectPrimaryActions(page: Page): Promise<void> {
  await expectUncovered(page, page.getByRole('button', { name: 'Train' }));
  await expectUncovered(page, page.getByRole('button', { name: 'Export…' }));
  for (const tab of ['Curves', 'Evaluation', 'Runs', 'Try it']) await expectUncovered(page, page.getByRole('tab', { name: tab }));
}

/** Draws a vertical stroke on the Try it pad with the mouse. */
async function drawOne(page: Page): Promise<void> {
  const pad = await page.getByTestId('draw-pad').boundingBox();
  if (!pad) throw new Error('no pad');
  await page.mouse.move(pad.x + pad.width * 0.5, pad.y + pad.height * 0.15);
  await page.mouse.down();
  await page.mouse.move(pad.x + pad.width * 0.48, pad.y + pad.height * 0.85, { steps: 12 });
  await page.mouse.up();
}

/** A screenshot of this step, kept with the test's output for a person to look at. */
async function shot(page: Page, step: string): Promise<void> {
  const { width, height } = page.viewportSize() ?? { width: 0, height: 0 };
  await page.screenshot({ path: test.info().outputPath(`newcomer-${width}x${height}-${step}.png`) });
}

async function train(page: Page): Promise<void> {
  await expectUncovered(page, page.getByRole('button', { name: 'Train' }));
  await page.getByRole('button', { name: 'Train' }).click();
  await expect(page.getByTestId('training-status')).toHaveText(/Finished/, { timeout: 170_000 });
}

/**
 * A newcomer's first hour, scripted, with the real mouse and keyboard: from an empty canvas to a
 * CNN on MNIST, trained twice, compared, exported to TF.js and ONNX, saved, closed and opened
 * again. At every step the screen shows the open project's own state and the primary actions are
 * on screen, uncovered.
 */
for (const view of VIEWPORTS) {
  test(`newcomer journey at ${view.width}x${view.height}: CNN on MNIST from an empty canvas to a reopened project`, async ({ page, server }) => {
    test.setTimeout(600_000);
    await page.setViewportSize(view);
    await page.goto(server.url);

    // An empty canvas, an empty dashboard.
    await expect(page.getByTestId('total-params')).toHaveText(/^0 params/);
    await expect(page.getByTestId('training-status')).toHaveText('Ready');
    await expect(page.getByRole('button', { name: 'Train' })).toBeDisabled();
    await expectPrimaryActions(page);

    // Input: the newcomer types MNIST's 28, 28 (no channel), then Conv2D refuses it; one click fixes it.
    const input = await dropLayer(page, 'Input', 50, 180);
    const shape = page.getByLabel('Shape', { exact: true });
    await shape.fill('28, 28');
    await shape.press('Enter');
    const conv = await dropLayer(page, 'Conv2D', 270, 180);
    const a = await input.locator('.react-flow__handle[data-handleid="out"]').boundingBox();
    const b = await conv.locator('.react-flow__handle[data-handleid="in"]').boundingBox();
    if (!a || !b) throw new Error('no handles');
    await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
    await page.mouse.down();
    await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 15 });
    await page.mouse.up();
    const offer = page.getByTestId('connect-fix');
    await expect(offer).toContainText('needs at least 4 dimensions');
    const fix = offer.getByRole('button', { name: 'Make the Input 28, 28, 1' });
    await expectUncovered(page, fix);
    await fix.click();
    await expect(offer).toHaveCount(0);
    await expect(page.locator('.react-flow__edge')).toHaveCount(1);
    await expect(conv.getByTestId('node-shape')).toHaveText('[?, 26, 26, 32]');

    const pool = await dropLayer(page, 'MaxPooling2D', 490, 180);
    await connect(page, conv, pool);
    await expect(pool.getByTestId('node-shape')).toHaveText('[?, 13, 13, 32]');
    const flatten = await dropLayer(page, 'Flatten', 110, 310);
    await connect(page, pool, flatten);
    const dense = await dropLayer(page, 'Dense', 420, 310);
    await page.getByLabel('Units', { exact: true }).fill('10');
    await page.getByRole('combobox', { name: 'Activation' }).selectOption('softmax');
    await connect(page, flatten, dense);
    await expect(page.getByTestId('validity')).toHaveText(/valid/i);
    // 320 (3x3x1x32 + 32) + 54,090 (5408x10 + 10).
    await expect(page.getByTestId('total-params')).toHaveText(/^54,410 params/);
    for (const card of [input, conv, pool, flatten, dense]) await expectUncovered(page, card.locator('.layer-node__title, [data-testid="node-shape"]').first());
    await shot(page, '1-graph');
    await expectPrimaryActions(page);

    // The first run, on a slice of MNIST.
    await clickEmptyCanvas(page);
    await page.getByLabel('Epochs', { exact: true }).fill('1');
    await page.getByLabel('Training samples', { exact: true }).fill('2000');
    await page.getByLabel('Test samples', { exact: true }).fill('300');
    await train(page);
    await expect(page.getByTestId('run-name')).toHaveText('Run: Run 1');
    await expect(page.getByTestId('epoch-chart')).toHaveAttribute('data-points', '1');
    const first = Number(await page.getByTestId('test-accuracy').getAttribute('data-value'));
    expect(first).toBeGreaterThan(0.5);
    await expectPrimaryActions(page);

    // Evaluation: the confusion matrix of its 300 test samples.
    await page.getByRole('tab', { name: 'Evaluation' }).click();
    const matrix = page.getByRole('table', { name: 'Confusion matrix' });
    await expect(matrix.locator('tbody tr')).toHaveCount(10);
    const total = await matrix.locator('tbody td').evaluateAll((cells) => cells.reduce((s, c) => s + Number(c.textContent), 0));
    expect(total).toBe(300);
    await shot(page, '2-evaluation');
    await expectPrimaryActions(page);

    // Try it: the hint until drawn, then a prediction.
    await page.getByRole('tab', { name: 'Try it' }).click();
    await expect(page.getByText('Draw a digit here')).toBeVisible();
    await expectUncovered(page, page.getByTestId('draw-pad'));
    await drawOne(page);
    await expect(page.getByTestId('prediction')).toContainText('Prediction:');
    await expect(page.getByRole('list', { name: 'Class probabilities' }).getByRole('listitem')).toHaveCount(10);
    await shot(page, '3-try-it');
    await expectPrimaryActions(page);

    // A second run with a lower learning rate (typed, Tab to leave the field); its default name says so.
    await clickEmptyCanvas(page);
    const lr = page.getByLabel('Learning rate', { exact: true });
    await lr.fill('0.0005');
    await lr.press('Tab');
    await train(page);
    await expect(page.getByTestId('run-name')).toHaveText('Run: lr 0.0005');
    const second = await page.getByTestId('test-accuracy').getAttribute('data-value');
    await expectPrimaryActions(page);

    // Compare the two: what differs is the learning rate.
    await page.getByRole('tab', { name: 'Runs' }).click();
    const history = page.getByRole('table', { name: 'Run history' });
    await expect(history.locator('tbody tr')).toHaveCount(2);
    await history.getByRole('checkbox').nth(0).check();
    await history.getByRole('checkbox').nth(1).check();
    const compare = page.getByRole('button', { name: /Compare 2 runs/ });
    await expectUncovered(page, compare);
    await compare.click();
    await expect(page.getByTestId('compare-chart')).toBeVisible();
    const differs = page.getByRole('region', { name: 'What differs' }).locator('tbody tr');
    await expect(differs).toHaveCount(1);
    await expect(differs).toHaveText(/^\s*lr\s*(0\.0005\s*0\.001|0\.001\s*0\.0005)\s*$/);
    await expect(page.getByRole('region', { name: 'What differs' })).toContainText('Same graph');
    await shot(page, '4-compare');
    await expectPrimaryActions(page);

    // Export the last run to TF.js, then ONNX; each is checked in its runtime.
    const tfjsDir = path.join(server.scratch, `newcomer-${view.width}-tfjs`);
    await page.getByRole('button', { name: 'Export…' }).click();
    await choosePath(page, tfjsDir);
    await expect(page.getByTestId('export-result')).toContainText('model.json', { timeout: 60_000 });
    await expect(page.getByTestId('export-check')).toHaveAttribute('data-ok', 'true');
    await expectUncovered(page, page.getByTestId('export-check'));
    expect(existsSync(path.join(tfjsDir, 'model.json'))).toBe(true);
    await expectPrimaryActions(page);
    const onnxDir = path.join(server.scratch, `newcomer-${view.width}-onnx`);
    await page.getByRole('combobox', { name: 'Export format' }).selectOption('onnx');
    await page.getByRole('button', { name: 'Export…' }).click();
    await choosePath(page, onnxDir);
    await expect(page.getByTestId('export-result')).toContainText('model.onnx', { timeout: 60_000 });
    await expect(page.getByTestId('export-check')).toContainText('passed: onnxruntime', { timeout: 60_000 });
    await expectUncovered(page, page.getByTestId('export-check'));
    await shot(page, '5-export');
    await expectPrimaryActions(page);

    // Save: the title is the file's name; both runs follow the project.
    const projectPath = path.join(server.scratch, `newcomer-${view.width}.nwproj`);
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Save' }).click();
    await choosePath(page, projectPath);
    await expect.poll(() => existsSync(projectPath)).toBe(true);
    await expect(page.locator('header').first()).toContainText(`newcomer-${view.width}.nwproj`);
    await page.getByRole('tab', { name: 'Runs' }).click();
    await expect(page.getByRole('tabpanel')).toContainText('Runs kept beside this project');
    await expect(history.locator('tbody tr')).toHaveCount(2);
    expect(JSON.parse(readFileSync(projectPath, 'utf8')).graph.nodes).toHaveLength(5);
    await shot(page, '6-saved');
    await expectPrimaryActions(page);

    // New: an empty project, nothing of the saved one.
    await page.getByRole('button', { name: 'New' }).click();
    await expect(page.getByTestId('total-params')).toHaveText(/^0 params/);
    await expect(page.getByTestId('training-status')).toHaveText('Ready');
    await expect(page.getByTestId('test-accuracy')).toHaveCount(0);
    await expect(page.getByTestId('export-result')).toHaveCount(0);
    await expect(page.getByTestId('epoch-chart')).toHaveAttribute('data-points', '0');
    await page.getByRole('tab', { name: 'Runs' }).click();
    await expect(page.getByRole('tabpanel')).toContainText('No runs yet.');
    await shot(page, '7-new');
    await expectPrimaryActions(page);

    // Open: its graph, its last run in the dashboard, Try it ready.
    await page.getByRole('button', { name: 'Open' }).click();
    await choosePath(page, projectPath);
    await expect(page.getByTestId('total-params')).toHaveText(/^54,410 params/);
    await expect(page.locator('.react-flow__edge')).toHaveCount(4);
    await expect(page.getByTestId('run-name')).toHaveText('Last run: lr 0.0005');
    await expect(page.getByTestId('test-accuracy')).toHaveAttribute('data-value', second as string);
    await page.getByRole('tab', { name: 'Runs' }).click();
    await expect(history.locator('tbody tr')).toHaveCount(2);
    await page.getByRole('tab', { name: 'Try it' }).click();
    await expect(page.getByText('Draw a digit here')).toBeVisible();
    await drawOne(page);
    await expect(page.getByTestId('prediction')).toContainText('Prediction:');
    await clickEmptyCanvas(page);
    await expect(page.getByLabel('Learning rate', { exact: true })).toHaveValue('0.0005');
    await shot(page, '8-reopened');
    await expectPrimaryActions(page);
  });
}
