import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { test, expect } from './fixtures';
import { choosePath, clickEmptyCanvas, connect, dropLayer } from './support/canvas';
import { expectUncovered, VIEWPORTS } from './support/visible';
import type { Page } from '@playwright/test';

async function openTemplate(page: Page, name: string): Promise<void> {
  await page.getByRole('button', { name: 'Templates' }).click();
  await page.getByRole('dialog', { name: 'Templates' }).getByRole('button', { name: `Open template ${name}` }).click();
  const discard = page.getByRole('alertdialog').getByRole('button', { name: 'Discard changes' });
  if (await discard.isVisible().catch(() => false)) await discard.click();
}

/** The dashboard shows no run at all: nothing of another project. */
async function expectEmptyDashboard(page: Page): Promise<void> {
  await expect(page.getByTestId('training-status')).toHaveText('Ready');
  await expect(page.getByTestId('test-accuracy')).toHaveCount(0);
  await expect(page.getByTestId('run-name')).toHaveCount(0);
  await expect(page.getByTestId('epoch-chart')).toHaveAttribute('data-points', '0');
  await page.getByRole('tab', { name: 'Evaluation' }).click();
  await expect(page.getByRole('table', { name: 'Confusion matrix' })).toHaveCount(0);
  await page.getByRole('tab', { name: 'Try it' }).click();
  await expect(page.getByRole('tabpanel')).toContainText('Finish a training run');
  await page.getByRole('tab', { name: 'Runs' }).click();
  await expect(page.getByRole('tabpanel')).toContainText('No runs yet.');
  await page.getByRole('tab', { name: 'Curves' }).click();
}

for (const size of VIEWPORTS) {
  test(`the first CNN connection: one click inserts a Reshape or adds the channel (${size.width}x${size.height})`, async ({ page, server }) => {
    await page.setViewportSize(size);
    await page.goto(server.url);
    const input = await dropLayer(page, 'Input', 100, 160);
    // A newcomer types MNIST's 28, 28 (what the help used to say).
    const shape = page.getByLabel('Shape', { exact: true });
    await shape.fill('28, 28');
    await shape.press('Enter');
    const conv = await dropLayer(page, 'Conv2D', 420, 160);
    // The drag is refused; the refusal stays, with its fixes, after the mouse is released.
    const a = await input.locator('.react-flow__handle[data-handleid="out"]').boundingBox();
    const b = await conv.locator('.react-flow__handle[data-handleid="in"]').boundingBox();
    if (!a || !b) throw new Error('no handles');
    const drag = async () => {
      await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
      await page.mouse.down();
      await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 15 });
      await page.mouse.up();
    };
    await drag();
    const offer = page.getByTestId('connect-fix');
    await expect(offer).toContainText('needs at least 4 dimensions');
    await expectUncovered(page, offer.getByRole('button', { name: 'Insert a Reshape to 28, 28, 1' }));
    await offer.getByRole('button', { name: 'Insert a Reshape to 28, 28, 1' }).click();
    await expect(offer).toHaveCount(0);
    await expect(page.getByTestId('node-Reshape')).toHaveCount(1);
    await expect(page.locator('.react-flow__edge')).toHaveCount(2);
    await expect(conv.getByTestId('node-shape')).toHaveText('[?, 26, 26, 32]');
    await expectUncovered(page, page.getByTestId('node-Reshape'));

    // Undone as one step; then the other fix: the Input gets its channel.
    await clickEmptyCanvas(page);
    await page.keyboard.press('Control+z');
    await expect(page.getByTestId('node-Reshape')).toHaveCount(0);
    await expect(page.locator('.react-flow__edge')).toHaveCount(0);
    await drag();
    await offer.getByRole('button', { name: 'Make the Input 28, 28, 1' }).click();
    await expect(page.locator('.react-flow__edge')).toHaveCount(1);
    await expect(input.getByTestId('node-shape')).toHaveText('[?, 28, 28, 1]');
    await expect(conv.getByTestId('node-shape')).toHaveText('[?, 26, 26, 32]');

    // Dismissed with its button; Escape too.
    await page.keyboard.press('Control+z');
    await drag();
    await offer.getByRole('button', { name: 'Dismiss' }).click();
    await expect(offer).toHaveCount(0);
    await drag();
    await page.keyboard.press('Escape');
    await expect(offer).toHaveCount(0);
    await expect(page.locator('.react-flow__edge')).toHaveCount(0);

    // A new Input on MNIST already has the channel: it connects to Conv2D at once.
    const input2 = await dropLayer(page, 'Input', 100, 380);
    await expect(page.getByLabel('Shape', { exact: true })).toHaveValue('28, 28, 1');
    const conv2 = await dropLayer(page, 'Conv2D', 420, 380);
    await connect(page, input2, conv2);
  });
}

test('the dashboard shows the open project only; an unsaved project\'s runs follow it when saved; a reopened project shows its last run', async ({ page, server }) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.goto(server.url);
  await openTemplate(page, 'MLP on MNIST');
  await clickEmptyCanvas(page);
  await page.getByLabel('Epochs', { exact: true }).fill('1');
  await page.getByLabel('Training samples', { exact: true }).fill('1000');
  await page.getByLabel('Test samples', { exact: true }).fill('200');
  await page.getByRole('button', { name: 'Train' }).click();
  await expect(page.getByTestId('training-status')).toHaveText(/Finished/, { timeout: 120_000 });
  await expect(page.getByTestId('run-name')).toHaveText('Run: Run 1');
  const accuracy = await page.getByTestId('test-accuracy').getAttribute('data-value');
  await expectUncovered(page, page.getByRole('button', { name: 'Export…' }));
  await expectUncovered(page, page.getByRole('button', { name: 'Train' }));

  // Unsaved projects' runs are listed per project: a template opened meanwhile has none.
  await page.getByRole('tab', { name: 'Runs' }).click();
  await expect(page.getByRole('table', { name: 'Run history' }).locator('tbody tr')).toHaveCount(1);
  await expect(page.getByRole('tabpanel')).toContainText('Runs of this unsaved project');

  // First save: the run moves beside the project and is still listed, tried and exported.
  const projectPath = path.join(server.scratch, 'follow.nwproj');
  await page.getByRole('button', { name: 'Save' }).click();
  await choosePath(page, projectPath);
  await expect(page.getByRole('tabpanel')).toContainText('Runs kept beside this project');
  await expect(page.getByRole('table', { name: 'Run history' }).locator('tbody tr')).toHaveCount(1);
  await expect.poll(() => (existsSync(path.join(server.scratch, 'follow.runs')) ? readdirSync(path.join(server.scratch, 'follow.runs')).length : 0)).toBe(1);
  await page.getByRole('tab', { name: 'Try it' }).click();
  const pad = await page.getByTestId('draw-pad').boundingBox();
  if (!pad) throw new Error('no pad');
  await page.mouse.move(pad.x + pad.width / 2, pad.y + pad.height * 0.2);
  await page.mouse.down();
  await page.mouse.move(pad.x + pad.width / 2, pad.y + pad.height * 0.8, { steps: 10 });
  await page.mouse.up();
  await expect(page.getByTestId('prediction')).toContainText('Prediction:');
  // Export from the ⋯ menu.
  await page.getByRole('button', { name: 'More file actions' }).click();
  await expectUncovered(page, page.getByRole('menuitem', { name: 'Import model…' }));
  const importBox = await page.getByRole('menuitem', { name: 'Import model…' }).boundingBox();
  expect(importBox?.height).toBeLessThan(40); // one line, not wrapped
  await page.getByRole('menuitem', { name: 'Export trained model…' }).click();
  await choosePath(page, path.join(server.scratch, 'follow-export'));
  await expect(page.getByTestId('export-check')).toHaveAttribute('data-ok', 'true');
  await expect(page.getByTestId('export-result')).toContainText('model.json');

  // New: nothing of the previous project stays.
  await page.getByRole('button', { name: 'New' }).click();
  await expectEmptyDashboard(page);
  await expect(page.getByTestId('export-result')).toHaveCount(0);

  // A template: nothing either.
  await openTemplate(page, 'CNN on MNIST');
  await expectEmptyDashboard(page);

  // Open the saved project: its last run is back in the dashboard without pressing anything.
  await page.getByRole('button', { name: 'Open' }).click();
  const discard = page.getByRole('alertdialog').getByRole('button', { name: 'Discard changes' });
  if (await discard.isVisible().catch(() => false)) await discard.click();
  await choosePath(page, projectPath);
  await expect(page.getByTestId('run-name')).toHaveText('Last run: Run 1');
  await expect(page.getByTestId('test-accuracy')).toHaveAttribute('data-value', accuracy as string);
  await expect(page.getByTestId('epoch-chart')).toHaveAttribute('data-points', '1');
  await page.getByRole('tab', { name: 'Evaluation' }).click();
  await expect(page.getByRole('table', { name: 'Confusion matrix' })).toBeVisible();
  await page.getByRole('tab', { name: 'Try it' }).click();
  await expect(page.getByTestId('draw-pad')).toBeVisible();
  await expect(page.getByRole('tabpanel')).not.toContainText('Loading the run');
  await page.getByRole('tab', { name: 'Runs' }).click();
  // No "0 epochs" evaluation row was needed to show it.
  await expect(page.getByRole('table', { name: 'Run history' }).locator('tbody tr')).toHaveCount(1);
  await expect(page.getByRole('button', { name: 'Export…' })).toBeEnabled();
});
