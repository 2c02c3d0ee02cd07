import { describe, expect, it } from 'vitest';
import { centreOfMass, digitLikeMnist, inkBox, type Stroke } from './digit-preprocess';

const line = (x0: number, y0: number, x1: number, y1: number, n = 20): Stroke => Array.from({ length: n + 1 }, (_, i) => ({ x: x0 + ((x1 - x0) * i) / n, y: y0 + ((y1 - y0) * i) / n }));

/** A circle as a "0": centre (cx, cy), radii rx, ry, in the pad's 224 px. */
const ring = (cx: number, cy: number, rx: number, ry: number): Stroke => Array.from({ length: 41 }, (_, i) => ({ x: cx + rx * Math.cos((i / 40) * 2 * Math.PI), y: cy + ry * Math.sin((i / 40) * 2 * Math.PI) }));

/** Widths of the ink across each row that has ink (pixels over half bright). */
function rowWidths(img: number[], width = 28): number[] {
  const out: number[] = [];
  for (let y = 0; y < img.length / width; y++) {
    const n = img.slice(y * width, (y + 1) * width).filter((v) => v > 0.5).length;
    if (n > 0) out.push(n);
  }
  return out;
}

describe('digitLikeMnist', () => {
  it('gives nothing for nothing drawn', () => {
    expect(digitLikeMnist([])).toBeNull();
    expect(digitLikeMnist([[]])).toBeNull();
  });

  it('centres a thin off-centre stroke by its mass, its box within 20x20', () => {
    // A short vertical stroke in the pad's top-left corner (224 px pad).
    const img = digitLikeMnist([line(30, 20, 34, 80)]);
    if (!img) throw new Error('no image');
    expect(img).toHaveLength(784);
    const c = centreOfMass(img, 28, 28);
    expect(Math.abs(c.x - 14)).toBeLessThan(1);
    expect(Math.abs(c.y - 14)).toBeLessThan(1);
    const box = inkBox(img, 28, 28);
    if (!box) throw new Error('no ink');
    expect(box.y1 - box.y0 + 1).toBeLessThanOrEqual(20);
    expect(box.x1 - box.x0 + 1).toBeLessThanOrEqual(20);
    // Scaled up to the box's height: MNIST's "1"s are 20 px tall whatever the writer's size.
    expect(box.y1 - box.y0 + 1).toBeGreaterThanOrEqual(19);
  });

  it('draws strokes as wide as MNIST strokes (2-3 px), whatever the drawing size', () => {
    for (const size of [40, 200]) {
      const img = digitLikeMnist([line(100, 10, 100, 10 + size)]);
      if (!img) throw new Error('no image');
      const widths = rowWidths(img);
      const middle = widths.slice(3, -3);
      expect(middle.length).toBeGreaterThan(10);
      for (const w of middle) {
        expect(w).toBeGreaterThanOrEqual(2);
        expect(w).toBeLessThanOrEqual(3);
      }
    }
  });

  it('anti-aliases: the edges of a slanted stroke are grey, not only 0 and 1', () => {
    const img = digitLikeMnist([line(60, 20, 140, 200)]);
    if (!img) throw new Error('no image');
    const greys = img.filter((v) => v > 0.05 && v < 0.95).length;
    expect(greys).toBeGreaterThan(10);
    expect(Math.max(...img)).toBe(1);
    expect(Math.min(...img)).toBe(0);
  });

  it('keeps the aspect ratio: a wide ring fits 20 px across and stays wider than tall', () => {
    const img = digitLikeMnist([ring(112, 112, 90, 45)]);
    if (!img) throw new Error('no image');
    const box = inkBox(img, 28, 28);
    if (!box) throw new Error('no ink');
    const w = box.x1 - box.x0 + 1;
    const h = box.y1 - box.y0 + 1;
    expect(w).toBeLessThanOrEqual(20);
    expect(w).toBeGreaterThanOrEqual(19);
    expect(h).toBeGreaterThanOrEqual(9);
    expect(h).toBeLessThanOrEqual(12);
    const c = centreOfMass(img, 28, 28);
    expect(Math.abs(c.x - 14)).toBeLessThan(1);
    expect(Math.abs(c.y - 14)).toBeLessThan(1);
    // A ring: the centre is empty.
    expect(img[14 * 28 + 14]).toBe(0);
  });

  it('places by mass, not by box: a "7"-like shape with its mass at the top moves down', () => {
    // A long top bar and a thin diagonal: the box is centred at 14, the mass above it.
    const seven: Stroke[] = [line(20, 20, 200, 20), line(200, 20, 120, 200)];
    const img = digitLikeMnist(seven);
    if (!img) throw new Error('no image');
    const c = centreOfMass(img, 28, 28);
    expect(Math.abs(c.y - 14)).toBeLessThan(1);
    const box = inkBox(img, 28, 28);
    if (!box) throw new Error('no ink');
    // The box's centre is below the frame's centre, since the heavy bar is at its top.
    expect((box.y0 + box.y1 + 1) / 2).toBeGreaterThan(14.5);
  });

  it('makes a tap a dot of one pen width, centred', () => {
    const img = digitLikeMnist([[{ x: 10, y: 10 }]]);
    if (!img) throw new Error('no image');
    // Counting pixels at least a quarter covered: a 2.5 px pen grazes a fourth column.
    const box = inkBox(img, 28, 28, 0.25);
    if (!box) throw new Error('no ink');
    expect(box.x1 - box.x0 + 1).toBeLessThanOrEqual(3);
    const c = centreOfMass(img, 28, 28);
    expect(Math.abs(c.x - 14)).toBeLessThan(1);
  });
});
