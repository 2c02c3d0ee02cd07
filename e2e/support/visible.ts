import { expect, type Locator, type Page } from '@playwright/test';

export const VIEWPORTS = [
  { width: 1280, height: 720 },
  { width: 1440, height: 900 },
] as const;

/**
 * `locator` is on screen and nothing covers it: its box lies inside the window, and the element
 * at its centre (what a click there hits) is it or inside it.
 */
export async function expectUncovered(page: Page, locator: Locator): Promise<void> {
  await expect(locator).toBeVisible();
  const box = await locator.boundingBox();
  if (!box) throw new Error('no box');
  const view = page.viewportSize();
  if (!view) throw new Error('no viewport');
  expect(box.x, 'left edge on screen').toBeGreaterThanOrEqual(0);
  expect(box.y, 'top edge on screen').toBeGreaterThanOrEqual(0);
  expect(box.x + box.width, 'right edge on screen').toBeLessThanOrEqual(view.width + 0.5);
  expect(box.y + box.height, 'bottom edge on screen').toBeLessThanOrEqual(view.height + 0.5);
  const hit = await locator.evaluate((el) => {
    const r = el.getBoundingClientRect();
    const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return top !== null && (el === top || el.contains(top));
  });
  expect(hit, 'nothing covers its centre').toBe(true);
}

/** Two boxes overlap (by more than a pixel each way). */
export function overlaps(a: { x: number; y: number; width: number; height: number }, b: { x: number; y: number; width: number; height: number }): boolean {
  return a.x + a.width > b.x + 1 && b.x + b.width > a.x + 1 && a.y + a.height > b.y + 1 && b.y + b.height > a.y + 1;
}
