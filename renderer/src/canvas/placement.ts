import type { XY } from '../state/history';

export interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export const NODE_SIZE = { width: 180, height: 86 } as const;
const GAP = { x: 40, y: 30 } as const;

function overlaps(a: Box, b: Box): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

/**
 * Where a layer added by click (not by drop) goes: the first free cell of a
 * grid over the visible area, scanning left to right, then down, so that a
 * chain built by clicks reads left to right. Falls back to below everything.
 */
export function findFreeSpot(existing: readonly Box[], view: Box): XY {
  const stepX = NODE_SIZE.width + GAP.x;
  const stepY = NODE_SIZE.height + GAP.y;
  const cols = Math.max(1, Math.floor((view.width - GAP.x) / stepX));
  const rows = Math.max(1, Math.floor((view.height - GAP.y) / stepY));
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const candidate = { x: view.x + GAP.x + c * stepX, y: view.y + GAP.y + r * stepY, ...NODE_SIZE };
      const padded = { x: candidate.x - GAP.x / 2, y: candidate.y - GAP.y / 2, width: candidate.width + GAP.x, height: candidate.height + GAP.y };
      if (!existing.some((b) => overlaps(padded, b))) return { x: candidate.x, y: candidate.y };
    }
  }
  const bottom = existing.reduce((m, b) => Math.max(m, b.y + b.height), view.y);
  return { x: view.x + GAP.x, y: bottom + GAP.y };
}
