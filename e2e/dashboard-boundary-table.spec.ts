import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { clickEmptyCanvas } from './support/canvas';

/**
 * A CSV of four numeric columns and three classes: the class follows mass and length,
 * width and height are noise. Deterministic, so every run sees the same file.
 */
function parcelsCsv(): string {
  const lines = ['length_mm,width_mm,height_mm,mass_g,size'];
  let seed = 11;
  const random = () => {
    seed = (seed * 16807) % 2147483647;
    return seed / 2147483647;
  };
  for (let i = 0; i < 240; i++) {
    const kind = i % 3;
    const length = 100 + kind * 60 + random() * 40;
    const mass = 200 + kind * 300 + random() * 150;
    lines.push(`${length.toFixed(1)},${(50 + random() * 100).toFixed(1)},${(20 + random() * 30).toFixed(1)},${mass.toFixed(0)},${['small', 'medium', 'large'][kind]}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Distinct class colours painted on the canvas (pixels clearly orange, blue or green). */
async function classColours(canvas: Locator): Promise<{ orange: number; blue: number; green: number }> {
  return canvas.evaluate((el) => {
    const c = el as HTMLCanvasElement;
    const d = c.getContext('2d')?.getImageData(0, 0, c.width, c.height).data ?? new Uint8ClampedArray();
    const out = { orange: 0, blue: 0, green: 0 };
    for (let i = 0; i < d.length; i += 4) {
      const [r, g, b] = [d[i] as number, d[i + 1] as number, d[i + 2] as number];
      if (r > b + 60 && r > g) out.orange++;
      else if (b > r + 60 && b > g) out.blue++;
      else if (g > r + 40 && g > b + 40) out.green++;
    }
    return out;
  });
}

/** Picks an option of a native select with the keyboard: focus it, type the option's start (one no other option shares: each key selects). */
async function chooseOption(page: Page, select: Locator, text: string, value: string): Promise<void> {
  await select.focus();
  await page.keyboard.type(text);
  await expect(select).toHaveValue(value);
}

for (const viewport of [
  { width: 1280, height: 720 },
  { width: 1440, height: 900 },
]) {
  test.describe(`at ${viewport.width}x${viewport.height}`, () => {
    test.use({ viewport });

    test('a CSV of four numeric features: its decision boundary over two picked features, the others at their means', async ({ page, server }) => {
      const file = path.join(server.scratch, `parcels-${viewport.width}.csv`);
      fs.writeFileSync(file, parcelsCsv());
      await page.goto(server.url);
      // The Iris template's network takes four features and gives three classes: it fits this table.
      await page.getByRole('button', { name: 'Templates' }).click();
      await page.getByRole('dialog', { name: 'Templates' }).getByRole('button', { name: 'Open template Iris species from four measurements' }).click();
      await clickEmptyCanvas(page);
      const settings = page.getByLabel('Training settings');
      await chooseOption(page, settings.getByRole('combobox', { name: 'Dataset' }), 'CSV', 'csv');

      await settings.getByRole('button', { name: 'Choose the data file' }).click();
      // The picker opens in the served folder: double-click the file.
      const picker = page.getByRole('dialog');
      await picker.getByRole('button', { name: `File ${path.basename(file)}` }).dblclick();
      await expect(picker).toBeHidden();
      await expect(settings.getByTestId('data-file-path')).toHaveText(path.basename(file));
      await expect(settings.getByTestId('data-file-summary')).toHaveText(/240 rows: 192 training, 48 test · 3 classes \(large, medium, small\) · 4 inputs/);
      await expect(settings.getByRole('combobox', { name: 'Label column' })).toHaveValue('');
      await expect(settings.getByRole('combobox', { name: 'Label column' }).locator('option').first()).toHaveText('last column (size)');

      // Before training the panel says what it will draw.
      await page.getByRole('tab', { name: 'Decision boundary' }).click();
      await expect(page.getByText(/over two of the table’s numeric features/)).toBeVisible();

      await page.getByRole('button', { name: 'Train' }).click();
      await expect(page.getByTestId('training-status')).toHaveText(/Finished/, { timeout: 150_000 });
      const boundary = page.getByRole('img', { name: 'Decision boundary' });
      await expect(boundary).toHaveAttribute('data-source', 'final', { timeout: 30_000 });
      // Unasked: the first two numeric columns; the other two held at their means.
      await expect(boundary).toHaveAttribute('data-axes', 'length_mm,width_mm');
      await expect(page.getByText('with height_mm, mass_g held at their training means')).toBeVisible();
      await expect(boundary).toHaveAttribute('data-points', '173'); // 192 training rows less 19 held out for validation
      await expect(page.getByTestId('boundary-x-label')).toContainText('length_mm →');
      await expect(page.getByRole('list', { name: 'Classes' }).getByRole('listitem')).toHaveText(['large', 'medium', 'small']);

      // Mass across: the classes separate along it, so all three colours fill the plane.
      const across = page.getByRole('group', { name: 'Features on the axes' }).getByRole('combobox', { name: 'Across' });
      const up = page.getByRole('group', { name: 'Features on the axes' }).getByRole('combobox', { name: 'Up' });
      await chooseOption(page, across, 'mass', 'mass_g');
      await expect(boundary).toHaveAttribute('data-axes', 'mass_g,width_mm');
      await expect(boundary).toHaveAttribute('data-loading', 'false');
      await expect(page.getByText('with length_mm, height_mm held at their training means')).toBeVisible();
      await expect(page.getByTestId('boundary-x-label')).toContainText(/mass_g → \d+ – \d+/);
      await expect.poll(async () => {
        const c = await classColours(boundary);
        return Math.min(c.orange, c.blue, c.green);
      }).toBeGreaterThan(500);

      // Up = the feature across: the two swap.
      await chooseOption(page, up, 'mass', 'mass_g');
      await expect(boundary).toHaveAttribute('data-axes', 'width_mm,mass_g');
      await expect(across).toHaveValue('width_mm');

      // Everything of the panel is on screen, nothing cut off at this size.
      for (const el of [boundary, across, up, page.getByRole('list', { name: 'Classes' })]) {
        const box = await el.boundingBox();
        expect(box, 'on screen').not.toBeNull();
        if (box) expect(box.y + box.height).toBeLessThanOrEqual(viewport.height);
      }
      await page.screenshot({ path: test.info().outputPath(`boundary-table-${viewport.width}.png`) });
    });
  });
}
