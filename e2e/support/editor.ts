import { expect, type Locator, type Page } from '@playwright/test';
import { connect, dropLayer } from './canvas';

export async function paneBox(page: Page): Promise<{ x: number; y: number; width: number; height: number }> {
  const box = await page.locator('.react-flow__pane').boundingBox();
  if (!box) throw new Error('no pane');
  return box;
}

export async function centreOf(locator: Locator): Promise<{ x: number; y: number }> {
  const box = await locator.boundingBox();
  if (!box) throw new Error('element has no box');
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/** Input(28,28) -> Flatten -> Dense(10, softmax), built with real drags; returns the three cards. */
export async function buildSmallChain(page: Page): Promise<{ input: Locator; flatten: Locator; dense: Locator }> {
  const input = await dropLayer(page, 'Input', 120, 200);
  const flatten = await dropLayer(page, 'Flatten', 420, 200);
  const dense = await dropLayer(page, 'Dense', 720, 200);
  await page.getByLabel('Units', { exact: true }).fill('10');
  await connect(page, input, flatten);
  await connect(page, flatten, dense);
  await expect(page.getByTestId('total-params')).toHaveText(/7,850/);
  return { input, flatten, dense };
}

/** The cards' left edges in page order of `nodes`. */
export async function lefts(nodes: Locator[]): Promise<number[]> {
  const out: number[] = [];
  for (const n of nodes) out.push((await n.boundingBox())?.x ?? NaN);
  return out;
}
