import { expect, type Locator, type Page } from '@playwright/test';

/** Drags a palette item onto the canvas at a position relative to the pane. */
export async function dropLayer(page: Page, type: string, x: number, y: number): Promise<Locator> {
  const before = await page.getByTestId(`node-${type}`).count();
  const pane = page.locator('.react-flow__pane');
  await page.getByLabel(`Add ${type}`, { exact: true }).dragTo(pane, { targetPosition: { x, y } });
  const nodes = page.getByTestId(`node-${type}`);
  await expect(nodes).toHaveCount(before + 1);
  return nodes.nth(before);
}

async function centre(locator: Locator): Promise<{ x: number; y: number }> {
  const box = await locator.boundingBox();
  if (!box) throw new Error('element has no box');
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/** Connects `from`'s output handle to `to`'s input handle with a real mouse drag. */
export async function connect(page: Page, from: Locator, to: Locator, port = 'in'): Promise<void> {
  const edges = page.locator('.react-flow__edge');
  const before = await edges.count();
  const a = await centre(from.locator('.react-flow__handle[data-handleid="out"]'));
  const b = await centre(to.locator(`.react-flow__handle[data-handleid="${port}"]`));
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move(b.x, b.y, { steps: 15 });
  await page.mouse.up();
  await expect(edges).toHaveCount(before + 1);
}

/** Clicks an empty spot of the canvas: deselects, so the inspector shows the training settings. */
export async function clickEmptyCanvas(page: Page): Promise<void> {
  await page.keyboard.press('Escape');
  const pane = page.locator('.react-flow__pane');
  const box = await pane.boundingBox();
  if (!box) throw new Error('no pane');
  await page.mouse.click(box.x + box.width - 30, box.y + box.height - 30);
}

/** Types a path into the browser-mode file dialog and confirms it. */
export async function choosePath(page: Page, path: string): Promise<void> {
  const dialog = page.getByRole('dialog');
  await expect(dialog).toBeVisible();
  await dialog.getByLabel('Path', { exact: true }).fill(path);
  await dialog.getByRole('button', { name: 'OK' }).click();
  await expect(dialog).toBeHidden();
}

const TRANSLATE = /translate\(([-\d.e]+)px, ?([-\d.e]+)px\)/;

/** React Flow's viewport: its pan (x, y) and zoom, from the viewport's transform. */
export async function viewport(page: Page): Promise<{ x: number; y: number; zoom: number }> {
  const transform = await page.locator('.react-flow__viewport').evaluate((el) => (el as HTMLElement).style.transform);
  const at = TRANSLATE.exec(transform);
  return { x: Number(at?.[1] ?? NaN), y: Number(at?.[2] ?? NaN), zoom: Number(/scale\(([\d.e-]+)\)/.exec(transform)?.[1] ?? NaN) };
}

/** The canvas's zoom. */
export async function zoomLevel(page: Page): Promise<number> {
  return (await viewport(page)).zoom;
}

/** A card's flow position, from its element's transform (kept current in the overview too). */
export async function flowPosition(page: Page, id: string): Promise<{ x: number; y: number }> {
  const transform = await page.locator(`.react-flow__node[data-id="${id}"]`).evaluate((el) => (el as HTMLElement).style.transform);
  const m = TRANSLATE.exec(transform);
  if (!m) throw new Error(`no position in "${transform}"`);
  return { x: Number(m[1]), y: Number(m[2]) };
}

/**
 * Where a card's title row is on screen, from its flow position and the viewport: in the overview
 * (zoomed far out) the cards are drawn on a canvas and their elements have no box to ask for.
 */
export async function cardPoint(page: Page, nodeId: string, offset = { x: 60, y: 19 }): Promise<{ x: number; y: number }> {
  const flow = await page.locator('.react-flow').boundingBox();
  if (!flow) throw new Error('no canvas');
  const view = await viewport(page);
  const at = await flowPosition(page, nodeId);
  return { x: flow.x + view.x + (at.x + offset.x) * view.zoom, y: flow.y + view.y + (at.y + offset.y) * view.zoom };
}
