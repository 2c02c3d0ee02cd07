/**
 * A digit drawn with the mouse, made to look like an MNIST digit.
 *
 * MNIST's digits were scaled so that their bounding box fits a 20x20 box (keeping the aspect
 * ratio), anti-aliased, and placed in the 28x28 frame so that their centre of mass is at the
 * frame's centre. Their strokes are about 2.5 px wide whatever the size the writer wrote at. The
 * pad records the strokes as points, so the digit is drawn again here at MNIST's stroke width
 * instead of shrinking the pad's pixels (which gives strokes as thin as the pad's line width
 * allows, and a digit placed by its box rather than its mass).
 */

export interface Point {
  readonly x: number;
  readonly y: number;
}

/** One pen stroke: the points the pointer went through while the button was down. */
export type Stroke = readonly Point[];

/** MNIST's proportions, for a 28x28 frame. */
const FRAME = 28;
const BOX = 20;
const STROKE_WIDTH = 2.5;
/** Sub-samples per pixel side for anti-aliasing. */
const SUPER = 4;

interface Segment {
  ax: number;
  ay: number;
  bx: number;
  by: number;
}

function distanceSq(px: number, py: number, s: Segment): number {
  const dx = s.bx - s.ax;
  const dy = s.by - s.ay;
  const len = dx * dx + dy * dy;
  let t = len === 0 ? 0 : ((px - s.ax) * dx + (py - s.ay) * dy) / len;
  t = Math.max(0, Math.min(1, t));
  const qx = s.ax + t * dx - px;
  const qy = s.ay + t * dy - py;
  return qx * qx + qy * qy;
}

/** Covers each pixel of a width x height frame by the segments' round-capped pen: values 0..1. */
function render(segments: readonly Segment[], width: number, height: number, radius: number): Float64Array {
  const out = new Float64Array(width * height);
  const r2 = radius * radius;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      // Only segments whose padded box reaches this pixel.
      const near = segments.filter((s) => Math.min(s.ax, s.bx) - radius <= x + 1 && Math.max(s.ax, s.bx) + radius >= x && Math.min(s.ay, s.by) - radius <= y + 1 && Math.max(s.ay, s.by) + radius >= y);
      if (near.length === 0) continue;
      let hits = 0;
      for (let sy = 0; sy < SUPER; sy++) {
        for (let sx = 0; sx < SUPER; sx++) {
          const px = x + (sx + 0.5) / SUPER;
          const py = y + (sy + 0.5) / SUPER;
          if (near.some((s) => distanceSq(px, py, s) <= r2)) hits++;
        }
      }
      out[y * width + x] = hits / (SUPER * SUPER);
    }
  }
  return out;
}

/** The centre of mass of an image, in pixel coordinates where pixel i spans [i, i + 1). */
export function centreOfMass(pixels: ArrayLike<number>, width: number, height: number): { x: number; y: number; mass: number } {
  let mass = 0;
  let mx = 0;
  let my = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = pixels[y * width + x] ?? 0;
      mass += v;
      mx += v * (x + 0.5);
      my += v * (y + 0.5);
    }
  }
  return mass > 0 ? { x: mx / mass, y: my / mass, mass } : { x: width / 2, y: height / 2, mass: 0 };
}

/** The box around the pixels brighter than `threshold`, or null for an empty image. */
export function inkBox(pixels: ArrayLike<number>, width: number, height: number, threshold = 0.05): { x0: number; y0: number; x1: number; y1: number } | null {
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if ((pixels[y * width + x] ?? 0) > threshold) {
        x0 = Math.min(x0, x);
        y0 = Math.min(y0, y);
        x1 = Math.max(x1, x);
        y1 = Math.max(y1, y);
      }
    }
  }
  return x1 < 0 ? null : { x0, y0, x1, y1 };
}

/**
 * The strokes (in any coordinates, e.g. the pad's pixels) as a width x height image like MNIST's:
 * values 0..1 row by row, or null when nothing was drawn. The frame's proportions follow MNIST's
 * 28x28 (a 20/28 box, a 2.5/28 pen) for other sizes.
 */
export function digitLikeMnist(strokes: readonly Stroke[], width = FRAME, height = FRAME): number[] | null {
  const points = strokes.flat();
  if (points.length === 0) return null;
  const unit = Math.min(width, height) / FRAME;
  const pen = STROKE_WIDTH * unit;
  const box = BOX * unit;
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  const minX = Math.min(...xs);
  const minY = Math.min(...ys);
  const spanX = Math.max(...xs) - minX;
  const spanY = Math.max(...ys) - minY;
  // The inked box (the pen's width included) fits the 20x20 box; a dot is one pen wide.
  const longest = Math.max(spanX, spanY);
  const fit = longest > 0 ? (box - pen) / longest : 0;
  const place = (dx: number, dy: number): Segment[] =>
    strokes
      .filter((s) => s.length > 0)
      .flatMap((s) => {
        const at = s.map((p) => ({ x: (p.x - minX) * fit + dx, y: (p.y - minY) * fit + dy }));
        const first = at[0] as { x: number; y: number };
        if (at.length === 1) return [{ ax: first.x, ay: first.y, bx: first.x, by: first.y }];
        return at.slice(1).map((b, i) => {
          const a = at[i] as { x: number; y: number };
          return { ax: a.x, ay: a.y, bx: b.x, by: b.y };
        });
      });
  // First centred by its box, then moved so that its centre of mass is the frame's centre.
  const boxed = { x: (width - spanX * fit) / 2, y: (height - spanY * fit) / 2 };
  const first = render(place(boxed.x, boxed.y), width, height, pen / 2);
  const c = centreOfMass(first, width, height);
  const image = render(place(boxed.x + width / 2 - c.x, boxed.y + height / 2 - c.y), width, height, pen / 2);
  return Array.from(image);
}
