import type { XY } from '../state/history';

export interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export const NODE_SIZE = { width: 200, height: 86 } as const;
const GAP = { x: 40, y: 30 } as const;

function overlaps(a: Box, b: Box): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

/** A card just added: its "nothing connected" note makes it taller than a connected one. */
export const NEW_CARD_SIZE = { width: NODE_SIZE.width, height: 128 } as const;

/**
 * Where a layer added by click (not by drop) goes: the first free spot of the visible area,
 * scanning left to right, then down, so that a chain built by clicks reads left to right.
 * Falls back to below everything (see `fitsIn`).
 */
export function findFreeSpot(existing: readonly Box[], view: Box, size: { width: number; height: number } = NODE_SIZE): XY {
  // Fine enough to use the gaps, coarse enough to stay quick on a zoomed-out view.
  const step = Math.max(20, Math.ceil(view.width / 60), Math.ceil(view.height / 40));
  for (let y = view.y + GAP.y; y + size.height + GAP.y / 2 <= view.y + view.height; y += step) {
    for (let x = view.x + GAP.x; x + size.width + GAP.x / 2 <= view.x + view.width; x += step) {
      const padded = { x: x - GAP.x / 2, y: y - GAP.y / 2, width: size.width + GAP.x, height: size.height + GAP.y };
      if (!existing.some((b) => overlaps(padded, b))) return { x: Math.round(x), y: Math.round(y) };
    }
  }
  const bottom = existing.reduce((m, b) => Math.max(m, b.y + b.height), view.y);
  return { x: Math.round(view.x + GAP.x), y: Math.round(bottom + GAP.y) };
}

/** A card of `size` at `at` lies inside `view`. */
export function fitsIn(at: XY, size: { width: number; height: number }, view: Box): boolean {
  return at.x >= view.x && at.y >= view.y && at.x + size.width <= view.x + view.width && at.y + size.height <= view.y + view.height;
}
