/**
 * The size of a connection's shape label, without asking the SVG for it.
 *
 * React Flow's own edge label reads its size back with `getBBox()` when it mounts, and that forces
 * a style and layout pass per label. With off-screen connections unmounted, zooming out over a
 * large graph mounts dozens of labels per frame, and those forced layouts were the longest part
 * of the stalls. The label text is monospace at a fixed size, so its width follows from a text
 * measurement on a canvas (no layout), cached per string.
 */

export type LabelBox = { width: number; height: number };

/** Font size of the label, in px; the same number as `.react-flow__edge-text` in canvas.css. */
export const LABEL_FONT_PX = 11;

type Measure = (text: string) => number;

/** Memoised label sizes over a text-width function (a canvas `measureText`, or a stand-in in tests). */
export function labelSizer(measure: Measure, fontPx = LABEL_FONT_PX, limit = 500): (text: string) => LabelBox {
  const cache = new Map<string, LabelBox>();
  return (text) => {
    let box = cache.get(text);
    if (!box) {
      box = { width: Math.ceil(measure(text)), height: Math.ceil(fontPx * 1.25) };
      if (cache.size >= limit) cache.clear();
      cache.set(text, box);
    }
    return box;
  };
}

/** Width from the average advance of a monospace font, for where no canvas can measure. */
export const monospaceWidth =
  (fontPx = LABEL_FONT_PX): Measure =>
  (text) =>
    text.length * fontPx * 0.6;
