import path from 'node:path';
import { test, expect } from './fixtures';
import { clickEmptyCanvas } from './support/canvas';

/**
 * Screenshots for the README and docs/screenshots (run with NETWRIGHT_SCREENSHOTS=1).
 * They are checked by eye; the assertions only make sure each shows what it should.
 */
const shots = path.join(process.cwd(), 'docs', 'screenshots');

test.skip(!process.env['NETWRIGHT_SCREENSHOTS'], 'set NETWRIGHT_SCREENSHOTS=1 to refresh docs/screenshots');

test('screenshots: trained CNN, quick add, templates, dark theme', async ({ page, server }) => {
  test.setTimeout(600_000);
  /** The README's picture at 1440x900, and the same screen at 1280x720 in test-results to look at. */
  const shoot = async (name: string) => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.screenshot({ path: path.join(shots, name) });
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.screenshot({ path: test.info().outputPath(name.replace('.png', '-1280.png')) });
    await page.setViewportSize({ width: 1440, height: 900 });
  };
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(server.url);
  await page.getByRole('button', { name: 'Templates' }).click();
  await shoot('templates.png');
  await page.getByRole('dialog', { name: 'Templates' }).getByRole('button', { name: 'Open template CNN on MNIST' }).click();
  await clickEmptyCanvas(page);
  await page.getByLabel('Epochs', { exact: true }).fill('3');
  await page.getByLabel('Training samples', { exact: true }).fill('6000');
  await page.getByLabel('Test samples', { exact: true }).fill('1000');
  await page.getByRole('button', { name: 'Train' }).click();
  await expect(page.getByTestId('training-status')).toHaveText(/Finished/, { timeout: 300_000 });
  await page.getByTestId('node-Conv2D').nth(1).click();
  await expect(page.getByTestId('inspector-macs')).toBeVisible();
  const plot = await page.getByTestId('epoch-chart').locator('.u-over').boundingBox();
  if (plot) await page.mouse.move(plot.x + plot.width - 4, plot.y + plot.height / 2);
  await shoot('app.png');

  await page.getByRole('tab', { name: 'Evaluation' }).click();
  await expect(page.getByRole('table', { name: 'Confusion matrix' })).toBeVisible();
  await shoot('dashboard-evaluation.png');
  await page.getByRole('tab', { name: 'Try it' }).click();
  const pad = await page.getByTestId('draw-pad').boundingBox();
  if (pad) {
    // A "7": a bar across the top, then a stroke down to the left.
    await page.mouse.move(pad.x + pad.width * 0.25, pad.y + pad.height * 0.2);
    await page.mouse.down();
    await page.mouse.move(pad.x + pad.width * 0.75, pad.y + pad.height * 0.2, { steps: 8 });
    await page.mouse.move(pad.x + pad.width * 0.45, pad.y + pad.height * 0.85, { steps: 10 });
    await page.mouse.up();
  }
  await expect(page.getByTestId('prediction')).toBeVisible();
  await shoot('dashboard-try-it.png');
  await page.getByRole('tab', { name: 'Curves' }).click();

  await page.keyboard.press('Escape');
  const pane = await page.locator('.react-flow__pane').boundingBox();
  if (!pane) throw new Error('no pane');
  await page.mouse.dblclick(pane.x + 260, pane.y + pane.height - 260);
  await page.keyboard.type('pool');
  await shoot('quick-add.png');
  await page.keyboard.press('Escape');

  await page.emulateMedia({ colorScheme: 'dark' });
  await page.getByRole('button', { name: 'Templates' }).click();
  await page.getByRole('dialog', { name: 'Templates' }).getByRole('button', { name: 'Open template ResNet-style CNN' }).click();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Discard changes' }).click().catch(() => undefined);
  await expect(page.getByTestId('node-Add')).toHaveCount(1);
  await page.getByTestId('node-Add').click();
  await shoot('canvas-dark.png');
});
