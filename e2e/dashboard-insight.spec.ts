import path from 'node:path';
import type { Locator } from '@playwright/test';
import { test, expect } from './fixtures';
import { clickEmptyCanvas } from './support/canvas';

/** Distinct grey levels drawn on a canvas, and whether any pixel is not black. */
async function painted(canvas: Locator): Promise<{ levels: number; lit: boolean }> {
  return canvas.evaluate((el) => {
    const c = el as HTMLCanvasElement;
    const data = c.getContext('2d')?.getImageData(0, 0, c.width, c.height).data ?? new Uint8ClampedArray();
    const levels = new Set<number>();
    for (let i = 0; i < data.length; i += 4) levels.add(data[i] as number);
    return { levels: levels.size, lit: [...levels].some((v) => v > 0) };
  });
}

test('layer insight: a small CNN’s histograms per epoch, a test example’s feature maps, and the same after a reload', async ({ page, server }) => {
  await page.goto(server.url);
  await page.getByRole('button', { name: 'Templates' }).click();
  await page.getByRole('dialog', { name: 'Templates' }).getByRole('button', { name: 'Open template CNN on MNIST' }).click();
  await clickEmptyCanvas(page);
  await page.getByLabel('Epochs', { exact: true }).fill('2');
  await page.getByLabel('Training samples', { exact: true }).fill('1000');
  await page.getByLabel('Test samples', { exact: true }).fill('200');

  await page.getByRole('tab', { name: 'Layer insight' }).click();
  // Before this run the panel shows nothing of it (an empty hint, or an earlier run of this worker's server).
  await expect(page.getByRole('tabpanel', { name: 'Layer insight' })).toBeVisible();
  await page.getByRole('button', { name: 'Train' }).click();
  await expect(page.getByTestId('training-status')).toHaveText(/Finished/, { timeout: 150_000 });

  const panel = page.getByRole('tabpanel', { name: 'Layer insight' });
  const layer = panel.getByRole('combobox', { name: 'Layer', exact: true });
  const optionTexts = () => layer.evaluate((el) => [...(el as HTMLSelectElement).options].map((o) => o.text));
  await expect.poll(async () => (await optionTexts()).filter((o) => o.endsWith('(Conv2D)')).length).toBe(2);
  const options = await optionTexts();
  expect(options.filter((o) => o.endsWith('(Conv2D)'))).toHaveLength(2);
  expect(options.some((o) => o.endsWith('(Dense)'))).toBe(true);
  const conv = options.find((o) => o.endsWith('(Conv2D)')) as string;
  const convName = conv.replace(/ \(Conv2D\)$/, '');
  await layer.selectOption({ label: conv });

  // The newest epoch is shown first; the conv layer's kernel, bias and activation histograms.
  const slider = panel.getByRole('slider', { name: 'Epoch' });
  await expect(slider).toHaveValue('2');
  await expect(page.getByTestId('insight-epoch')).toHaveText('2 / 2');
  const kernel = panel.getByRole('img', { name: new RegExp(`^Histogram of ${convName} kernel \\[3×3×1×32\\]: 288 values`) });
  await expect(kernel).toBeVisible();
  await expect(panel.getByRole('img', { name: new RegExp(`^Histogram of ${convName} bias \\[32\\]`) })).toBeVisible();
  const activation = panel.getByRole('img', { name: new RegExp(`^Histogram of ${convName} activations: `) });
  await expect(activation).toBeVisible();
  const last = await kernel.getAttribute('data-counts');
  const lastActivation = await activation.getAttribute('data-counts');
  expect(await painted(kernel)).toMatchObject({ lit: true });

  // Back to epoch 1 with the keyboard: training changed the histograms since.
  await slider.focus();
  await page.keyboard.press('ArrowLeft');
  await expect(page.getByTestId('insight-epoch')).toHaveText('1 / 2');
  await expect(kernel).not.toHaveAttribute('data-counts', last ?? '');
  await expect(activation).not.toHaveAttribute('data-counts', lastActivation ?? '');
  // And forward again with the mouse: the right end of the slider.
  const box = await slider.boundingBox();
  if (!box) throw new Error('no slider');
  await page.mouse.click(box.x + box.width - 2, box.y + box.height / 2);
  await expect(page.getByTestId('insight-epoch')).toHaveText('2 / 2');
  await expect(kernel).toHaveAttribute('data-counts', last ?? '');

  // A test example through the network: its image, then each conv layer's feature maps.
  const example = panel.getByRole('spinbutton', { name: 'Test example' });
  await example.fill('7');
  await panel.getByRole('button', { name: 'Show activations' }).click();
  await expect(page.getByTestId('activations-example')).toHaveText(/Example 7 of 200 · class \d/, { timeout: 120_000 });
  await expect(panel.getByRole('img', { name: /^Test example 7, class \d$/ })).toBeVisible();
  const maps = panel.getByRole('list', { name: `Feature maps of ${convName}` }).getByRole('listitem');
  await expect(maps).toHaveCount(16);
  await expect(panel.getByText('first 16 of 32 channels').first()).toBeVisible();
  let lit = 0;
  for (let i = 0; i < 16; i++) {
    const p = await painted(maps.nth(i));
    if (p.lit && p.levels > 2) lit++;
  }
  // A trained first conv layer lights up on a digit in most of its channels.
  expect(lit).toBeGreaterThan(4);
  await expect(panel.getByRole('img', { name: /^Values of .*: 10 values from/ })).toBeVisible();

  // Enter in the index field asks again.
  await example.fill('8');
  await example.press('Enter');
  await expect(page.getByTestId('activations-example')).toHaveText(/Example 8 of 200/, { timeout: 120_000 });

  const shot = process.env['NETWRIGHT_SCREENSHOTS'] ? path.join(process.cwd(), 'docs', 'screenshots', 'dashboard-insight.png') : test.info().outputPath('insight.png');
  // The run is listed by its name, not its folder's id.
  await expect(page.getByRole('combobox', { name: 'Run' }).locator('option:checked')).not.toHaveText(/^\d{8}-\d{6}-/);
  await page.getByLabel('Training dashboard').screenshot({ path: shot });
  if (process.env['NETWRIGHT_SCREENSHOTS']) {
    // The same screen at 1280x720, to look at beside the README's.
    const before = page.viewportSize();
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.getByLabel('Training dashboard').screenshot({ path: test.info().outputPath('insight-1280.png') });
    if (before) await page.setViewportSize(before);
  }

  // Reopened: after a reload the unsaved project is offered back; restored, its run's histograms come
  // back from the run's folder (insight.jsonl).
  await page.reload();
  await page.getByRole('button', { name: 'Restore' }).click();
  await page.getByRole('tab', { name: 'Layer insight' }).click();
  const reopened = page.getByRole('tabpanel', { name: 'Layer insight' });
  await expect(reopened.getByRole('combobox', { name: 'Run' })).toHaveValue(/\d{8}-\d{6}-/);
  await reopened.getByRole('combobox', { name: 'Layer', exact: true }).selectOption({ label: conv });
  await expect(page.getByTestId('insight-epoch')).toHaveText('2 / 2');
  await expect(reopened.getByRole('img', { name: new RegExp(`^Histogram of ${convName} kernel`) })).toHaveAttribute('data-counts', last ?? '');
  await reopened.getByRole('slider', { name: 'Epoch' }).focus();
  await page.keyboard.press('Home');
  await expect(page.getByTestId('insight-epoch')).toHaveText('1 / 2');
  await expect(reopened.getByRole('button', { name: 'Show activations' })).toBeEnabled();
  await page.keyboard.press('End');
  await expect(page.getByTestId('insight-epoch')).toHaveText('2 / 2');
});
