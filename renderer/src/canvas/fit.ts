/**
 * "Zoom to fit", the same wherever it is asked for (F, the toolbar, the menu, the zoom controls,
 * auto-layout, opening a project): the whole graph with a margin, never closer than 100%.
 */
export const FIT_VIEW = { padding: 0.15, maxZoom: 1 } as const;

/** The same, eased over 200 ms, for a fit the user asked for. */
export const FIT_VIEW_ANIMATED = { ...FIT_VIEW, duration: 200 } as const;
