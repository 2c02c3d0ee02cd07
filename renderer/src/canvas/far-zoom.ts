/** Below this zoom the small print on cards and connections is unreadable anyway. */
export const FAR_ZOOM = 0.5;

/** How long the zoom must rest before the detail level follows it. */
export const SETTLE_MS = 150;

/**
 * Decides when the canvas switches its detail level (see useFarZoomClass): right away for the
 * first zoom it hears of, then only once the zoom has rested for `settleMs`. Switching repaints
 * the small print of every card and connection at once (~50 ms on a 300-layer graph in software
 * rendering), so it waits for a wheel or pinch gesture to end instead of landing on one of its
 * frames; the view keeps the detail it had while it moves.
 */
export function farZoomSwitch(apply: (far: boolean) => void, settleMs = SETTLE_MS) {
  let shown: boolean | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const show = (far: boolean) => {
    if (far === shown) return;
    shown = far;
    apply(far);
  };
  return {
    /** The zoom changed (or was first read). */
    zoom(level: number) {
      const far = level < FAR_ZOOM;
      if (shown === null) return show(far);
      if (timer !== null) clearTimeout(timer);
      timer = far === shown ? null : setTimeout(() => ((timer = null), show(far)), settleMs);
    },
    dispose() {
      if (timer !== null) clearTimeout(timer);
      timer = null;
    },
  };
}
