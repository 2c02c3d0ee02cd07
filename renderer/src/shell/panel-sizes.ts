import { create } from 'zustand';

/** The three panels around the canvas that the user can resize and collapse. */
export type PanelId = 'palette' | 'inspector' | 'dashboard';

export interface PanelSize {
  /** Width (palette, inspector) or height (dashboard) in px; null: the default, which follows the window. */
  readonly size: number | null;
  readonly collapsed: boolean;
}

export type PanelSizes = Readonly<Record<PanelId, PanelSize>>;

/** Limits in px, and the default size where the user has set none. */
export const PANEL_LIMITS: Readonly<Record<PanelId, { min: number; max: number; fallback: (window: { width: number; height: number }) => number }>> = {
  palette: { min: 140, max: 380, fallback: () => 184 },
  inspector: { min: 220, max: 560, fallback: () => 288 },
  // The dashboard takes less of a short window, so the canvas keeps most of it.
  dashboard: { min: 120, max: 700, fallback: (w) => Math.round(Math.min(300, Math.max(190, w.height * 0.28))) },
};

/** What the canvas keeps at least, whatever the panels ask for. */
const CANVAS_MIN = { width: 480, height: 220 } as const;
const CHROME_HEIGHT = 44; // the header

const KEY = 'netwright.panels';
const DEFAULTS: PanelSizes = {
  palette: { size: null, collapsed: false },
  inspector: { size: null, collapsed: false },
  dashboard: { size: null, collapsed: false },
};

function clamp(v: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, v));
}

/** A panel's size as laid out: its own limits, then what leaves the canvas its minimum. */
export function effectiveSize(id: PanelId, sizes: PanelSizes, window: { width: number; height: number }): number {
  const panel = sizes[id];
  if (panel.collapsed) return 0;
  const limits = PANEL_LIMITS[id];
  const wanted = clamp(panel.size ?? limits.fallback(window), limits.min, limits.max);
  if (id === 'dashboard') return Math.max(limits.min, Math.min(wanted, window.height - CHROME_HEIGHT - CANVAS_MIN.height));
  const other = id === 'palette' ? 'inspector' : 'palette';
  const otherSize = sizes[other].collapsed ? 0 : clamp(sizes[other].size ?? PANEL_LIMITS[other].fallback(window), PANEL_LIMITS[other].min, PANEL_LIMITS[other].max);
  return Math.max(limits.min, Math.min(wanted, window.width - otherSize - CANVAS_MIN.width));
}

/** Reads the saved sizes, ignoring anything malformed. */
export function parsePanelSizes(raw: string | null): PanelSizes {
  if (!raw) return DEFAULTS;
  try {
    const data: unknown = JSON.parse(raw);
    if (typeof data !== 'object' || data === null) return DEFAULTS;
    const read = (id: PanelId): PanelSize => {
      const v = (data as Record<string, unknown>)[id];
      if (typeof v !== 'object' || v === null) return DEFAULTS[id];
      const { size, collapsed } = v as Record<string, unknown>;
      return {
        size: typeof size === 'number' && Number.isFinite(size) ? clamp(Math.round(size), PANEL_LIMITS[id].min, PANEL_LIMITS[id].max) : null,
        collapsed: collapsed === true,
      };
    };
    return { palette: read('palette'), inspector: read('inspector'), dashboard: read('dashboard') };
  } catch {
    return DEFAULTS;
  }
}

interface PanelState {
  readonly sizes: PanelSizes;
  setSize(id: PanelId, size: number): void;
  toggle(id: PanelId): void;
}

function save(sizes: PanelSizes): void {
  try {
    localStorage.setItem(KEY, JSON.stringify(sizes));
  } catch {
    // Storage full or blocked: the sizes hold for this session.
  }
}

/** The panels' sizes, remembered per user (this browser profile or app install) in localStorage. */
export const usePanels = create<PanelState>()((set, get) => ({
  sizes: typeof localStorage === 'undefined' ? DEFAULTS : parsePanelSizes(localStorage.getItem(KEY)),
  setSize(id, size) {
    const limits = PANEL_LIMITS[id];
    const sizes = { ...get().sizes, [id]: { size: clamp(Math.round(size), limits.min, limits.max), collapsed: false } };
    set({ sizes });
    save(sizes);
  },
  toggle(id) {
    const now = get().sizes[id];
    const sizes = { ...get().sizes, [id]: { ...now, collapsed: !now.collapsed } };
    set({ sizes });
    save(sizes);
  },
}));
