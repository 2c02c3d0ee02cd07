type XY = { readonly x: number; readonly y: number };

export interface Segment {
  readonly id: string;
  readonly a: XY;
  readonly b: XY;
}

/** Distance from p to the segment a-b, and where along it (0..1) the nearest point lies. */
function toSegment(p: XY, a: XY, b: XY): { d: number; t: number } {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / len2));
  return { d: Math.hypot(p.x - (a.x + t * dx), p.y - (a.y + t * dy)), t };
}

/**
 * The connection a layer dropped with its centre at `p` lands on: the nearest
 * segment within `tolerance`, away from its ends (so dropping next to a layer
 * does not count), or null.
 */
export function segmentAt(p: XY, segments: readonly Segment[], tolerance: number): string | null {
  let best: { id: string; d: number } | null = null;
  for (const s of segments) {
    const { d, t } = toSegment(p, s.a, s.b);
    if (d <= tolerance && t > 0.1 && t < 0.9 && (!best || d < best.d)) best = { id: s.id, d };
  }
  return best?.id ?? null;
}
