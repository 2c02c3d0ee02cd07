import path from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { choosePath, clickEmptyCanvas } from './support/canvas';
import { slowCalls } from './support/slow-calls';
import { expectUncovered, VIEWPORTS } from './support/visible';

/**
 * Export messages in the dashboard's side panel (#15): nothing clipped or left sideways, the
 * previous result cleared while a new export runs, and the `⋯` menu's entries on one line each.
 */

/** The side panel has nothing wider than itself, and is not scrolled sideways. */
async function expectNoSideways(side: Locator): Promise<void> {
  const m = await side.evaluate((el) => ({ scrollLeft: el.scrollLeft, scrollWidth: el.scrollWidth, clientWidth: el.clientWidth }));
  expect(m.scrollLeft, 'not scrolled sideways').toBe(0);
  expect(m.scrollWidth, 'nothing wider than the panel').toBeLessThanOrEqual(m.clientWidth);
}

/** Every text line inside `box` lies within the panel's left and right edges (none cut off). */
async function expectLinesInside(box: Locator, side: Locator): Promise<void> {
  const panel = await side.boundingBox();
  if (!panel) throw new Error('no panel');
  const outside = await box.evaluate((el, p) => {
    const bad: string[] = [];
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const range = document.createRange();
      range.selectNodeContents(n);
      for (const r of range.getClientRects()) {
        if (r.width > 0 && (r.left < p.x - 0.5 || r.right > p.x + p.width + 0.5)) bad.push(`${n.textContent?.slice(0, 40)} [${r.left.toFixed(0)}..${r.right.toFixed(0)}]`);
      }
    }
    return bad;
  }, panel);
  expect(outside, 'text lines outside the side panel').toEqual([]);
}

async function exportTo(page: Page, format: string, dir: string): Promise<void> {
  await page.getByRole('combobox', { name: 'Export format' }).selectOption(format);
  await page.getByRole('button', { name: 'Export…' }).click();
  await choosePath(page, dir);
}

for (const size of VIEWPORTS) {
  test(`export messages wrap inside the side panel, the old result goes while exporting, at ${size.width}x${size.height}`, async ({ page, server }) => {
    test.setTimeout(300_000);
    await page.setViewportSize(size);
    const slow = await slowCalls(page, 'export.model', 3000);
    await page.goto(server.url);

    // The ⋯ menu: every entry on one line.
    await page.getByRole('button', { name: 'More file actions' }).click();
    const menu = page.getByRole('menu');
    await expect(menu).toBeVisible();
    for (const item of await menu.getByRole('menuitem').all()) {
      const lines = await item.evaluate((el) => {
        const style = getComputedStyle(el);
        const line = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.4;
        return (el.getBoundingClientRect().height - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom)) / line;
      });
      expect(lines, `${await item.textContent()} on one line`).toBeLessThan(1.5);
      await expectUncovered(page, item);
    }
    await expect(menu.getByRole('menuitem', { name: /Import model…/ })).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(menu).toBeHidden();

    // A quick run on the spirals template.
    await page.getByRole('button', { name: 'Templates' }).click();
    await page.getByRole('dialog', { name: 'Templates' }).getByRole('button', { name: 'Open template Playground classifier on spirals' }).click();
    await clickEmptyCanvas(page);
    await page.getByLabel('Epochs', { exact: true }).fill('2');
    await page.getByRole('button', { name: 'Train' }).click();
    await expect(page.getByTestId('training-status')).toHaveText(/Finished/, { timeout: 120_000 });

    const side = page.locator('.dashboard__side');
    const result = page.getByTestId('export-result');
    // Long folder names: the paths in the report must wrap, not run out of the panel.
    const deep = path.join(server.scratch, `exports-${size.width}`, 'a-rather-long-folder-name-for-the-exported-model', 'tfjs_model_for_the_web_version');
    await exportTo(page, 'tfjs', deep);
    await expect(page.getByTestId('export-check')).toHaveAttribute('data-ok', 'true', { timeout: 120_000 });
    await expectUncovered(page, page.getByTestId('export-check'));
    await expectNoSideways(side);
    await expectLinesInside(result, side);
    await page.screenshot({ path: test.info().outputPath(`export-tfjs-${size.width}.png`) });

    // A second export: while it runs, the first result is gone and progress shows.
    await slow.setSlow(true);
    await exportTo(page, 'onnx', path.join(deep, '..', 'onnx_model_with_its_own_long_folder_name'));
    const progress = page.getByTestId('export-progress');
    await expect(progress).toBeVisible();
    await expect(progress).toContainText('ONNX');
    await expect(result).toHaveCount(0);
    await expect(page.getByRole('button', { name: 'Exporting…' })).toBeDisabled();
    await expectUncovered(page, progress);
    await expectNoSideways(side);
    await page.screenshot({ path: test.info().outputPath(`exporting-${size.width}.png`) });
    await slow.setSlow(false);
    await expect(result).toContainText('model.onnx', { timeout: 120_000 });
    await expect(progress).toHaveCount(0);
    await expect(page.getByTestId('export-check')).toContainText('onnxruntime', { timeout: 60_000 });
    await expectUncovered(page, page.getByTestId('export-check'));
    await expectNoSideways(side);
    await expectLinesInside(side, side);

    // Sideways wheel turns (and Shift+wheel) over the panel do not scroll it.
    const box = await side.boundingBox();
    if (!box) throw new Error('no side panel');
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.wheel(300, 0);
    await page.keyboard.down('Shift');
    await page.mouse.wheel(0, 300);
    await page.keyboard.up('Shift');
    await expect.poll(() => side.evaluate((el) => el.scrollLeft)).toBe(0);
    // Should something ever be wider than the panel and scroll it sideways (a focus, find in page),
    // the panel goes back at once: a wide stand-in element is focused, then removed.
    const left = await side.evaluate(async (el) => {
      const wide = document.createElement('button');
      wide.style.cssText = 'display:block;width:2000px;min-width:2000px;max-width:none';
      wide.textContent = 'wide';
      el.appendChild(wide);
      el.scrollLeft = 150;
      await new Promise((r) => setTimeout(r, 300));
      const after = el.scrollLeft;
      wide.remove();
      return after;
    });
    expect(left, 'scrolled sideways, then reset').toBe(0);
    await page.screenshot({ path: test.info().outputPath(`export-onnx-${size.width}.png`) });
  });
}
