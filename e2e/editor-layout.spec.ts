import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { choosePath, viewport } from './support/canvas';
import { overlaps, VIEWPORTS } from './support/visible';
import { residualProject } from './support/residual-project.mjs';

type Box = { x: number; y: number; width: number; height: number };

async function box(locator: Locator): Promise<Box> {
  const b = await locator.boundingBox();
  if (!b) throw new Error('no box');
  return b;
}

/** What floats over the canvas: the toolbar's bar, the minimap and the zoom controls. */
async function overlays(page: Page): Promise<{ name: string; box: Box }[]> {
  return [
    { name: 'toolbar', box: await box(page.getByRole('toolbar', { name: 'Canvas tools' })) },
    { name: 'minimap', box: await box(page.getByTestId('rf__minimap')) },
    { name: 'zoom controls', box: await box(page.locator('.react-flow__controls')) },
  ];
}

/** Every card lies inside the canvas and under none of its floating panels: "" when so, else what is wrong. */
async function hiddenCards(page: Page): Promise<string> {
  const pane = await box(page.locator('.react-flow__pane'));
  const floating = await overlays(page);
  const problems: string[] = [];
  for (const card of await page.locator('.react-flow__node').all()) {
    const b = await card.boundingBox();
    const id = (await card.getAttribute('data-id')) ?? '?';
    if (!b) {
      problems.push(`${id} has no box`);
      continue;
    }
    if (b.x < pane.x || b.y < pane.y || b.x + b.width > pane.x + pane.width + 0.5 || b.y + b.height > pane.y + pane.height + 0.5) problems.push(`${id} outside the canvas`);
    for (const o of floating) if (overlaps(b, o.box)) problems.push(`${id} under the ${o.name}`);
  }
  return problems.join('; ');
}

for (const size of VIEWPORTS) {
  test(`at ${size.width}x${size.height}: a one-row toolbar, the minimap clear of it, templates open and clicked layers land clear of both`, async ({ page, server }) => {
    await page.setViewportSize(size);
    await page.goto(server.url);
    const toolbar = page.getByRole('toolbar', { name: 'Canvas tools' });
    // One row: as tall as one small button (28 px) plus its padding, and every tool in it.
    expect((await box(toolbar)).height).toBeLessThan(44);
    for (const name of ['Quick add', 'Add note', 'Edit ▾', 'Auto-layout', 'Zoom to fit', 'Step through', 'Keyboard shortcuts']) {
      const b = await box(toolbar.getByRole('button', { name, exact: true }));
      expect(b.y + b.height, `${name} in the toolbar's row`).toBeLessThanOrEqual((await box(toolbar)).y + 44);
    }
    const [bar, minimap] = await overlays(page);
    expect(overlaps((bar as { box: Box }).box, (minimap as { box: Box }).box), 'minimap not under the toolbar').toBe(false);
    // The canvas keeps most of a short window.
    expect((await box(page.locator('.react-flow__pane'))).height).toBeGreaterThanOrEqual(size.height * 0.6);

    // Every template opens with all its cards in view, none under the toolbar, minimap or zoom controls.
    const gallery = page.getByRole('dialog', { name: 'Templates' });
    await page.getByRole('button', { name: 'Templates' }).click();
    const names = (await gallery.getByRole('button', { name: /^Open template / }).allTextContents()).length;
    expect(names).toBeGreaterThan(5);
    for (let i = 0; i < names; i++) {
      if (i > 0) await page.getByRole('button', { name: 'Templates' }).click();
      const open = gallery.getByRole('button', { name: /^Open template / }).nth(i);
      const label = (await open.getAttribute('aria-label')) ?? '';
      await open.click();
      await expect(gallery).toBeHidden();
      await expect(page.getByTestId('project-name')).toHaveText(label.replace('Open template ', ''));
      await expect.poll(() => hiddenCards(page), { message: label }).toBe('');
    }

    // Clicking palette items on an empty canvas: each new card in view, clear of the floating panels.
    await page.getByRole('button', { name: 'New', exact: true }).click();
    const discard = page.getByRole('button', { name: /Discard|Don’t save|Don't save/ });
    if (await discard.isVisible().catch(() => false)) await discard.click();
    await expect(page.locator('.react-flow__node')).toHaveCount(0);
    for (let i = 1; i <= 8; i++) {
      await page.getByLabel('Add Dense', { exact: true }).click();
      await expect(page.locator('.react-flow__node')).toHaveCount(i);
      // (Once the view is full the card goes below the rest and the view zooms to show all.)
      await expect.poll(() => hiddenCards(page), { message: `after ${i} clicks` }).toBe('');
    }
    // Quick add from the toolbar puts the layer in a free spot too.
    await toolbar.getByRole('button', { name: 'Quick add' }).click();
    await page.getByRole('combobox', { name: 'Search layers to add' }).fill('Dropout');
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('node-Dropout')).toHaveCount(1);
    await expect.poll(() => hiddenCards(page)).toBe('');
  });

  test(`at ${size.width}x${size.height}: auto-layout of 9 layers in a row wraps into bands that stay readable, shape labels clear of the cards`, async ({ page, server }) => {
    await page.setViewportSize(size);
    const generated = residualProject(9, { name: 'Nine in a row', perRow: 9, units: 16, pad: true });
    const file = path.join(server.scratch, `nine-${size.width}.nwproj`);
    writeFileSync(file, JSON.stringify(generated));
    await page.goto(server.url);
    await page.getByRole('button', { name: 'Open' }).click();
    await choosePath(page, file);
    await expect(page.locator('.react-flow__node')).toHaveCount(9);
    await page.getByRole('toolbar', { name: 'Canvas tools' }).getByRole('button', { name: 'Auto-layout' }).click();
    // More than one band, and zoomed so 13 px titles read at 8 px or more.
    await expect.poll(async () => new Set(await Promise.all((await page.locator('.react-flow__node').all()).map(async (n) => Math.round((await box(n)).y)))).size).toBeGreaterThan(1);
    await expect.poll(async () => (await viewport(page)).zoom).toBeGreaterThanOrEqual(0.6);
    await expect.poll(() => hiddenCards(page)).toBe('');
    // Each shape label on a connection sits in a gap, over no card.
    const cards = await Promise.all((await page.locator('.react-flow__node').all()).map(box));
    const labels = page.locator('.react-flow__edge-textbg');
    expect(await labels.count()).toBeGreaterThan(0);
    for (const label of await labels.all()) {
      const b = await box(label);
      for (const c of cards) expect(overlaps(b, c), `label "${await label.textContent()}" over a card`).toBe(false);
    }
  });
}

for (const size of VIEWPORTS) {
  test(`at ${size.width}x${size.height}: the palette, inspector and dashboard resize by dragging or arrow keys, collapse, and keep their sizes`, async ({ page, server }) => {
    await page.setViewportSize(size);
    await page.goto(server.url);
    const palette = page.getByRole('navigation', { name: 'Layers' });
    const dashboard = page.getByRole('region', { name: 'Training dashboard' });
    const inspector = page.locator('.inspector');
    const paneHeight = async () => (await box(page.locator('.react-flow__pane'))).height;

    // Dragging the dashboard's border up makes it taller; no page text gets selected on the way.
    const dash0 = (await box(dashboard)).height;
    const split = await box(page.getByTestId('splitter-dashboard'));
    await page.mouse.move(split.x + 40, split.y + split.height / 2);
    await page.mouse.down();
    await page.mouse.move(split.x + 80, split.y - 60, { steps: 8 });
    await page.mouse.move(split.x + 120, split.y - 100, { steps: 8 });
    await page.mouse.up();
    await expect.poll(async () => Math.round((await box(dashboard)).height - dash0)).toBeGreaterThanOrEqual(95);
    expect(await page.evaluate(() => window.getSelection()?.toString() ?? '')).toBe('');

    // The palette's splitter by keyboard: Right widens it, Enter hides the palette and shows it again.
    const pal0 = (await box(palette)).width;
    await page.getByRole('separator', { name: 'Resize the layer palette' }).focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await expect.poll(async () => Math.round((await box(palette)).width - pal0)).toBe(32);
    await page.keyboard.press('Enter');
    await expect(palette).toBeHidden();
    await page.keyboard.press('Enter');
    await expect(palette).toBeVisible();

    // The inspector by dragging its border to the left.
    const ins0 = (await box(inspector)).width;
    const isplit = await box(page.getByTestId('splitter-inspector'));
    await page.mouse.move(isplit.x + isplit.width / 2, isplit.y + 60);
    await page.mouse.down();
    await page.mouse.move(isplit.x - 80, isplit.y + 80, { steps: 10 });
    await page.mouse.up();
    await expect.poll(async () => Math.round((await box(inspector)).width - ins0)).toBeGreaterThanOrEqual(75);
    expect(await page.evaluate(() => window.getSelection()?.toString() ?? '')).toBe('');

    // The dashboard collapses with its button: the canvas takes the room.
    const before = await paneHeight();
    await page.getByRole('button', { name: 'Hide the dashboard' }).click();
    await expect(dashboard).toBeHidden();
    await expect.poll(paneHeight).toBeGreaterThan(before + 100);

    // Remembered: after a reload the sizes and the collapsed dashboard are as left.
    const widths = { palette: (await box(palette)).width, inspector: (await box(inspector)).width };
    await page.reload();
    await expect(page.getByRole('button', { name: 'Show the dashboard' })).toBeVisible();
    await expect(dashboard).toBeHidden();
    expect(Math.round((await box(palette)).width)).toBe(Math.round(widths.palette));
    expect(Math.round((await box(inspector)).width)).toBe(Math.round(widths.inspector));
    await page.getByRole('button', { name: 'Show the dashboard' }).click();
    await expect.poll(async () => Math.round((await box(dashboard)).height - dash0)).toBeGreaterThanOrEqual(95);
  });

  test(`at ${size.width}x${size.height}: card headers, the inspector title and palette names are not crowded or cut; pooling's empty strides say the pool size`, async ({ page, server }) => {
    await page.setViewportSize(size);
    await page.goto(server.url);
    await page.getByRole('button', { name: 'Templates' }).click();
    await page.getByRole('dialog', { name: 'Templates' }).getByRole('button', { name: 'Open template CNN on MNIST' }).click();
    const pool = page.getByTestId('node-MaxPooling2D').first();
    await expect(pool).toBeVisible();
    // Every card: the title is whole, the count keeps clear of the output handle.
    for (const card of await page.locator('.layer-node').all()) {
      const title = card.locator('.layer-node__type');
      expect(await title.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
      const count = await box(card.locator('.layer-node__count'));
      const handle = await box(card.locator('.react-flow__handle[data-handleid="out"]'));
      expect(count.x + count.width, `${await title.textContent()}: count clear of the handle`).toBeLessThanOrEqual(handle.x - 2);
      for (const summary of await card.locator('.layer-node__summary').allTextContents()) expect(summary).not.toMatch(/· ·|^ ·|· $/);
    }
    await expect(pool.locator('.layer-node__summary')).toHaveText('2×2 · valid');

    // MaxPooling2D's Strides is empty: its placeholder is the pool size, not an example shape.
    await pool.locator('.layer-node__head').click();
    const strides = page.getByLabel('Strides', { exact: true });
    await expect(strides).toHaveValue('');
    await expect(strides).toHaveAttribute('placeholder', '2, 2 (the pool size)');
    await page.getByLabel('Pool size', { exact: true }).fill('3, 3');
    await page.getByLabel('Pool size', { exact: true }).press('Enter');
    await expect(strides).toHaveAttribute('placeholder', '3, 3 (the pool size)');

    // The inspector's title and the layer id do not run together, even for a long type name.
    await page.getByRole('button', { name: 'New', exact: true }).click();
    await page.getByRole('button', { name: 'Discard changes' }).click();
    await expect(page.locator('.react-flow__node')).toHaveCount(0);
    await page.getByLabel('Search layers', { exact: true }).fill('batchnorm');
    await page.getByLabel('Add BatchNormalization', { exact: true }).click();
    const head = page.locator('.inspector__head');
    const title = await box(head.locator('.panel-title'));
    const id = await box(head.locator('.inspector__id'));
    expect(overlaps(title, id)).toBe(false);
    expect(id.x >= title.x + title.width + 8 || id.y >= title.y + title.height - 1, 'a gap or a line between title and id').toBe(true);

    // Palette names are whole at the default width.
    await page.getByLabel('Search layers', { exact: true }).fill('');
    for (const label of await page.locator('.palette__label').all()) {
      expect(await label.evaluate((el) => el.scrollWidth <= el.clientWidth), `${await label.textContent()} whole`).toBe(true);
    }
  });
}
