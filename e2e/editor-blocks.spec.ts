import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test, expect } from './fixtures';
import type { Locator, Page } from '@playwright/test';
import { choosePath, clickEmptyCanvas, connect } from './support/canvas';
import { centreOf, paneBox } from './support/editor';

async function openTemplate(page: Page, name: string): Promise<void> {
  await page.getByRole('button', { name: 'Templates' }).click();
  await page.getByRole('dialog', { name: 'Templates' }).getByRole('button', { name: `Open template ${name}` }).click();
  await expect(page.getByRole('dialog', { name: 'Templates' })).toBeHidden();
}

const card = (page: Page, id: string) => page.getByTestId(`rf__node-${id}`);
const params = async (page: Page) => Number((await page.getByTestId('total-params').textContent())?.replace(/[^0-9]/g, ''));

/** Drags from `from`'s output handle into `to`'s input `port`, replacing what was connected there. */
async function rewire(page: Page, from: Locator, to: Locator, port = 'in'): Promise<void> {
  const a = await centreOf(from.locator('.react-flow__handle[data-handleid="out"]'));
  const b = await centreOf(to.locator(`.react-flow__handle[data-handleid="${port}"]`));
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move(b.x, b.y, { steps: 15 });
  await page.mouse.up();
}

/** Drags a palette block onto the pane at (x, y) relative to the pane; returns the new card. */
async function dropBlock(page: Page, name: string, x: number, y: number): Promise<Locator> {
  const blocks = page.getByTestId('node-Block');
  const before = await blocks.count();
  await page.getByRole('button', { name: `Add block ${name}`, exact: true }).dragTo(page.locator('.react-flow__pane'), { targetPosition: { x, y } });
  await expect(blocks).toHaveCount(before + 1);
  return blocks.nth(before);
}

test('group layers into a block with Ctrl+G, reuse it from the Blocks palette, undo, ungroup', async ({ page, server }) => {
  await page.goto(server.url);
  await openTemplate(page, 'MLP on MNIST');
  await expect(page.getByTestId('total-params')).toHaveText(/101,770/);

  // Select the hidden Dense and the Dropout with the mouse, group them with the keyboard.
  await card(page, 'hidden').click();
  await card(page, 'dropout').click({ modifiers: ['Shift'] });
  await page.keyboard.press('Control+g');
  const dialog = page.getByRole('dialog', { name: 'Group into block' });
  await expect(dialog).toBeVisible();
  await dialog.getByLabel('Block name').fill('Hidden');
  await page.keyboard.press('Enter');
  await expect(dialog).toBeHidden();

  // One collapsed card with the name, output shape and the parameters inside; the model is unchanged.
  const blocks = page.getByTestId('node-Block');
  await expect(blocks).toHaveCount(1);
  const first = blocks.first();
  await expect(first).toContainText('Hidden');
  await expect(first.getByTestId('node-shape')).toHaveText('[?, 128]');
  await expect(first.getByTestId('block-in-shapes')).toHaveText('in [?, 784]');
  await expect(first.getByTestId('block-params')).toHaveText('100,480 params');
  await expect(card(page, 'hidden')).toHaveCount(0);
  await expect(page.getByTestId('total-params')).toHaveText(/101,770/);
  await expect(page.getByTestId('validity')).toHaveText(/valid/i);

  // Expand shows the layers inside, read-only.
  await first.getByRole('button', { name: 'Show inside' }).click();
  await expect(first.getByRole('list', { name: 'Layers inside Hidden' }).getByRole('listitem')).toHaveText(['Dense', 'Dropout']);
  await first.getByRole('button', { name: 'Hide inside' }).click();

  // Reuse: a second instance from the palette, between the first block and the output.
  const pane = await paneBox(page);
  const second = await dropBlock(page, 'Hidden', pane.width / 2, pane.height - 90);
  await connect(page, first, second, 'in1');
  await rewire(page, second, card(page, 'output'));
  // Its own weights: Dense(128 -> 128) = 16,512 more.
  await expect(second.getByTestId('block-params')).toHaveText('16,512 params');
  await expect(page.getByTestId('total-params')).toHaveText(/118,282/);
  await expect(page.getByTestId('validity')).toHaveText(/valid/i);

  // Undo the rewire, the connection and the drop, then the grouping: back to the template.
  await clickEmptyCanvas(page);
  for (let i = 0; i < 3; i++) await page.keyboard.press('Control+z');
  await expect(blocks).toHaveCount(1);
  await expect(page.getByTestId('total-params')).toHaveText(/101,770/);
  await page.keyboard.press('Control+z');
  await expect(blocks).toHaveCount(0);
  await expect(card(page, 'hidden')).toHaveCount(1);
  await page.keyboard.press('Control+Shift+z');
  await expect(blocks).toHaveCount(1);

  // Ungroup with Ctrl+Shift+G: the layers are back, connected, the count the same.
  await blocks.first().click();
  await page.keyboard.press('Control+Shift+g');
  await expect(blocks).toHaveCount(0);
  await expect(page.getByTestId('node-Dropout')).toHaveCount(1);
  await expect(page.getByTestId('total-params')).toHaveText(/101,770/);
  await expect(page.getByTestId('validity')).toHaveText(/valid/i);
});

test('drag the built-in ResidualBlock into a CNN, train an epoch on a slice, save and reopen', async ({ page, server }) => {
  const file = path.join(server.scratch, 'residual.nwproj');
  await page.goto(server.url);
  await openTemplate(page, 'CNN on MNIST');
  const base = await params(page);
  expect(base).toBeGreaterThan(0);

  const pane = await paneBox(page);
  const res = await dropBlock(page, 'ResidualBlock', pane.width / 2, pane.height - 80);
  await expect(res).toContainText('ResidualBlock');
  // conv1 (32 channels) -> ResidualBlock -> pool1.
  await connect(page, card(page, 'conv1'), res, 'in1');
  await rewire(page, res, card(page, 'pool1'));
  await expect(res.getByTestId('node-shape')).toHaveText('[?, 26, 26, 32]');
  await expect(res.getByTestId('block-in-shapes')).toHaveText('in [?, 26, 26, 32]');
  // Two 3x3 convolutions of 32 -> 32 with biases and two batch norms.
  await expect(res.getByTestId('block-params')).toHaveText('18,752 params');
  await expect.poll(() => params(page)).toBe(base + 18_752);
  await expect(page.getByTestId('validity')).toHaveText(/valid/i);

  // One epoch on a slice.
  await clickEmptyCanvas(page);
  await page.getByLabel('Epochs', { exact: true }).fill('1');
  await page.getByLabel('Training samples', { exact: true }).fill('600');
  await page.getByLabel('Test samples', { exact: true }).fill('200');
  await page.getByRole('button', { name: 'Train' }).click();
  await expect(page.getByTestId('training-status')).toHaveText(/Finished/, { timeout: 180_000 });
  await expect(page.getByTestId('epoch-chart')).toHaveAttribute('data-points', '1');

  // Save, start anew, reopen: the block is still there, same count.
  await page.getByRole('button', { name: 'Save' }).click();
  await choosePath(page, file);
  await expect(page.getByTestId('dirty-indicator')).toHaveCount(0);
  const saved = JSON.parse(readFileSync(file, 'utf8')) as { version: number; blocks?: { name: string }[]; graph: { nodes: { type: string }[] } };
  expect(saved.version).toBe(3);
  expect(saved.blocks?.map((b) => b.name)).toEqual(['ResidualBlock']);
  expect(saved.graph.nodes.filter((n) => n.type === 'Block')).toHaveLength(1);
  await page.getByRole('button', { name: 'New' }).click();
  await expect(page.getByTestId('node-Block')).toHaveCount(0);
  await page.getByRole('button', { name: 'Open' }).click();
  await choosePath(page, file);
  await expect(page.getByTestId('node-Block')).toHaveCount(1);
  await expect(page.getByTestId('node-Block').getByTestId('block-params')).toHaveText('18,752 params');
  await expect.poll(() => params(page)).toBe(base + 18_752);
  // The project's blocks are offered in the palette too (the built-in one appears once).
  await expect(page.getByRole('button', { name: 'Add block ResidualBlock', exact: true })).toHaveCount(1);
});
