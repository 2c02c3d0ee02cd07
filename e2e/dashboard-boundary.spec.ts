import { test, expect } from './fixtures';
import { clickEmptyCanvas } from './support/canvas';

test('spirals: after a short run the decision boundary is drawn under the training points', async ({ page, server }) => {
  await page.goto(server.url);
  await page.getByRole('button', { name: 'Templates' }).click();
  await page.getByRole('dialog', { name: 'Templates' }).getByRole('button', { name: 'Open template Playground classifier on spirals' }).click();
  await clickEmptyCanvas(page);
  await page.getByLabel('Epochs', { exact: true }).fill('2');

  // Before any run the panel says what it needs.
  await page.getByRole('tab', { name: 'Decision boundary' }).click();
  await expect(page.getByText(/Finish a training run to see/)).toBeVisible();

  await page.getByRole('button', { name: 'Train' }).click();
  await expect(page.getByTestId('training-status')).toHaveText(/Finished/, { timeout: 120_000 });
  const boundary = page.getByRole('img', { name: 'Decision boundary' });
  await expect(boundary).toHaveAttribute('data-drawn', 'true', { timeout: 30_000 });
  await expect(boundary).toHaveAttribute('data-points', '400') // 800 training points, every second one drawn;

  await boundary.screenshot({ path: test.info().outputPath('boundary.png') });
  // Painted: both class colours appear (cells or points), not a blank or one-colour square.
  const colours = await boundary.evaluate((el) => {
    const c = el as HTMLCanvasElement;
    const data = c.getContext('2d')?.getImageData(0, 0, c.width, c.height).data ?? new Uint8ClampedArray();
    let orange = 0;
    let blue = 0;
    for (let i = 0; i < data.length; i += 4) {
      const r = data[i] as number;
      const b = data[i + 2] as number;
      if (r > b + 60) orange++;
      else if (b > r + 60) blue++;
    }
    return { orange, blue };
  });
  expect(colours.orange).toBeGreaterThan(200);
  expect(colours.blue).toBeGreaterThan(200);
});
