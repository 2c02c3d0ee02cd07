import path from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { cardPoint, flowPosition, zoomLevel } from './support/canvas';
import { openGenerated, residualProject } from './support/projects';
import { OVERVIEW_MIN_CARDS, OVERVIEW_ZOOM } from '../renderer/src/canvas/overview';

/** Pixels drawn (not transparent) on the overview canvas. */
function inkedPixels(page: Page): Promise<number> {
  return page.locator('canvas.canvas__overview').evaluate((c) => {
    const canvas = c as HTMLCanvasElement;
    const data = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data;
    let n = 0;
    for (let i = 3; data && i < data.length; i += 4) if (data[i]! > 0) n++;
    return n;
  });
}

test('zoomed far out, a 149-layer graph is an overview whose cards still select, drag (one undo step) and zoom in', async ({ page, server }) => {
  const generated = residualProject(150);
  const { project } = generated;
  await openGenerated(page, server, 'overview', generated);

  // Opening fits the whole graph: far below 50%, so the canvas draws it.
  expect(project.graph.nodes.length).toBeGreaterThanOrEqual(OVERVIEW_MIN_CARDS);
  const canvas = page.locator('section.canvas');
  await expect(canvas).toHaveClass(/is-overview/);
  expect(await zoomLevel(page)).toBeLessThan(OVERVIEW_ZOOM);
  const drawing = page.getByRole('img', { name: `Overview of ${project.graph.nodes.length} layers: zoom in to read and connect them` });
  await expect(drawing).toBeVisible();
  expect(await inkedPixels(page)).toBeGreaterThan(20_000);
  if (process.env['NETWRIGHT_SCREENSHOTS']) await canvas.screenshot({ path: path.join(process.cwd(), 'docs', 'screenshots', 'canvas-overview.png') });

  // Click a card: it is selected and the inspector shows it.
  const a = await cardPoint(page, 'd10a');
  await page.mouse.click(a.x, a.y);
  await expect(page.locator('[aria-label="Dense properties"]').getByText('d10a', { exact: true })).toBeVisible();

  // Shift+click a second: both are selected.
  const b = await cardPoint(page, 'd10b');
  await page.keyboard.down('Shift');
  await page.mouse.click(b.x, b.y);
  await page.keyboard.up('Shift');
  await expect(page.getByText('2 layers, 0 connections selected')).toBeVisible();

  // Drag one of them: both move by the pointer's travel at this zoom; one undo puts them back.
  const zoom = await zoomLevel(page);
  const before = { a: await flowPosition(page, 'd10a'), b: await flowPosition(page, 'd10b') };
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move(a.x + 40, a.y + 20, { steps: 8 });
  await page.mouse.move(a.x + 80, a.y + 40, { steps: 8 });
  await page.mouse.up();
  await expect(canvas).toHaveClass(/is-overview/);
  for (const id of ['d10a', 'd10b'] as const) {
    const after = await flowPosition(page, id);
    const start = id === 'd10a' ? before.a : before.b;
    expect(after.x - start.x).toBeCloseTo(80 / zoom, 0);
    expect(after.y - start.y).toBeCloseTo(40 / zoom, 0);
  }
  // Still two selected: the click that ended the drag did not reach the pane (which deselects).
  await expect(page.getByText('2 layers, 0 connections selected')).toBeVisible();
  await page.keyboard.press('Control+z');
  expect(await flowPosition(page, 'd10a')).toEqual(before.a);
  expect(await flowPosition(page, 'd10b')).toEqual(before.b);

  // A click on empty canvas is still React Flow's: it clears the selection.
  const empty = await cardPoint(page, 'd10a', { x: 210, y: 120 });
  await page.mouse.click(empty.x, empty.y);
  await expect(page.getByRole('heading', { name: 'Training' })).toBeVisible();

  // Double-click a card: the view zooms in to it at 100%, and the cards are back.
  const c = await cardPoint(page, 'd20b');
  await page.mouse.dblclick(c.x, c.y);
  await expect(canvas).not.toHaveClass(/is-overview/);
  await expect(drawing).toBeHidden();
  expect(await zoomLevel(page)).toBeCloseTo(1, 2);
  const card = page.locator('.react-flow__node[data-id="d20b"]');
  await expect(card).toBeInViewport();
  await card.locator('.layer-node__head').click();
  await expect(card.locator('.layer-node')).toHaveClass(/is-selected/);

  // Zooming out with the wheel crosses 50% and brings the overview back, before the wheel rests.
  const pane = await page.locator('.react-flow__pane').boundingBox();
  if (!pane) throw new Error('no pane');
  await page.mouse.move(pane.x + pane.width / 2, pane.y + pane.height / 2);
  while ((await zoomLevel(page)) >= OVERVIEW_ZOOM) await page.mouse.wheel(0, 120);
  await expect(canvas).toHaveClass(/is-overview/, { timeout: 100 });

  // Shift+F zooms to the selection, F back to the whole graph.
  await page.keyboard.press('Shift+F');
  await expect.poll(() => zoomLevel(page)).toBeCloseTo(1, 2);
  await expect(canvas).not.toHaveClass(/is-overview/);
  await page.keyboard.press('f');
  await expect.poll(() => zoomLevel(page)).toBeLessThan(OVERVIEW_ZOOM);
  await expect(canvas).toHaveClass(/is-overview/);
});

test('a graph under the overview’s size keeps its cards, however far out it is zoomed', async ({ page, server }) => {
  await openGenerated(page, server, 'small', residualProject(OVERVIEW_MIN_CARDS - 5));
  const pane = await page.locator('.react-flow__pane').boundingBox();
  if (!pane) throw new Error('no pane');
  await page.mouse.move(pane.x + pane.width / 2, pane.y + pane.height / 2);
  // Out to React Flow's 10% floor.
  for (let i = 0; i < 60 && (await zoomLevel(page)) > 0.1001; i++) await page.mouse.wheel(0, 120);
  expect(await zoomLevel(page)).toBeLessThan(0.11);
  await page.waitForTimeout(300);
  await expect(page.locator('section.canvas')).not.toHaveClass(/is-overview/);
  await expect(page.locator('canvas.canvas__overview')).toBeHidden();
  await expect(page.locator('.react-flow__node[data-id="output"] .layer-node')).toBeVisible();
});
