/** The minimap's size: it sits in the canvas's bottom-right corner, under no toolbar. */
export const MINIMAP = { width: 150, height: 100 } as const;

/**
 * "Zoom to fit", the same wherever it is asked for (F, the toolbar, the menu, the zoom controls,
 * auto-layout, opening a project): the whole graph, never closer than 100%, with margins that keep
 * every card clear of what floats over the canvas: the one-row toolbar along the top, the minimap
 * and the zoom controls along the bottom.
 */
export const FIT_VIEW = {
  padding: { top: '64px', bottom: `${MINIMAP.height + 28}px`, left: '40px', right: '40px' },
  maxZoom: 1,
} as const;

/** The same, eased over 200 ms, for a fit the user asked for. */
export const FIT_VIEW_ANIMATED = { ...FIT_VIEW, duration: 200 } as const;
