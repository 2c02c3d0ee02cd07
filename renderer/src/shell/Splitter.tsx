import { useEffect, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import { effectiveSize, PANEL_LIMITS, usePanels, type PanelId } from './panel-sizes';

const NAMES: Record<PanelId, string> = { palette: 'layer palette', inspector: 'inspector', dashboard: 'dashboard' };
const STEP = 16;

function windowSize() {
  return { width: window.innerWidth, height: window.innerHeight };
}

/** The window's size, following resizes. */
export function useWindowSize(): { width: number; height: number } {
  const [size, setSize] = useState(windowSize);
  useEffect(() => {
    const on = () => setSize(windowSize());
    window.addEventListener('resize', on);
    return () => window.removeEventListener('resize', on);
  }, []);
  return size;
}

/**
 * The border between the canvas and a panel: drag it (or use the arrow keys) to resize the panel,
 * double-click it (or press Enter, or its button) to collapse or restore it. `side` is where the
 * panel lies from the splitter.
 */
export function Splitter({ panel, side }: { panel: PanelId; side: 'left' | 'right' | 'below' }) {
  const sizes = usePanels((s) => s.sizes);
  const win = useWindowSize();
  const size = effectiveSize(panel, sizes, win);
  const collapsed = sizes[panel].collapsed;
  const drag = useRef<{ start: number; size: number; moved: boolean } | null>(null);
  const vertical = side !== 'below';
  const name = NAMES[panel];

  const at = (e: PointerEvent) => (vertical ? e.clientX : e.clientY);
  // Moving the splitter towards the panel shrinks it.
  const sign = side === 'right' ? -1 : side === 'left' ? 1 : -1;

  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    if (e.button !== 0 || (e.target as Element).closest('button')) return;
    // No text selection while dragging.
    e.preventDefault();
    e.currentTarget.setPointerCapture(e.pointerId);
    drag.current = { start: at(e), size, moved: false };
    document.body.classList.add(vertical ? 'is-resizing-x' : 'is-resizing-y');
  };
  const onPointerMove = (e: PointerEvent<HTMLDivElement>) => {
    const d = drag.current;
    if (!d) return;
    const delta = (at(e) - d.start) * sign;
    if (!d.moved && Math.abs(delta) < 3) return;
    d.moved = true;
    usePanels.getState().setSize(panel, Math.max(PANEL_LIMITS[panel].min, d.size + delta));
  };
  const end = (e: PointerEvent<HTMLDivElement>) => {
    if (!drag.current) return;
    drag.current = null;
    if (e.currentTarget.hasPointerCapture(e.pointerId)) e.currentTarget.releasePointerCapture(e.pointerId);
    document.body.classList.remove('is-resizing-x', 'is-resizing-y');
  };
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const grow = vertical ? (side === 'left' ? 'ArrowRight' : 'ArrowLeft') : 'ArrowUp';
    const shrink = vertical ? (side === 'left' ? 'ArrowLeft' : 'ArrowRight') : 'ArrowDown';
    const step = e.shiftKey ? STEP * 4 : STEP;
    if (e.key === grow || e.key === shrink) {
      e.preventDefault();
      usePanels.getState().setSize(panel, (collapsed ? PANEL_LIMITS[panel].min : size) + (e.key === grow ? step : -step));
    } else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      usePanels.getState().toggle(panel);
    } else if (e.key === 'Home') {
      e.preventDefault();
      usePanels.getState().setSize(panel, PANEL_LIMITS[panel].min);
    } else if (e.key === 'End') {
      e.preventDefault();
      usePanels.getState().setSize(panel, PANEL_LIMITS[panel].max);
    }
  };
  const arrow = collapsed ? { left: '›', right: '‹', below: '▴' }[side] : { left: '‹', right: '›', below: '▾' }[side];

  return (
    <div
      className={`splitter splitter--${vertical ? 'x' : 'y'}${collapsed ? ' is-collapsed' : ''}`}
      role="separator"
      tabIndex={0}
      aria-orientation={vertical ? 'vertical' : 'horizontal'}
      aria-label={`Resize the ${name}`}
      aria-valuenow={size}
      aria-valuemin={0}
      aria-valuemax={PANEL_LIMITS[panel].max}
      title={`Drag to resize the ${name} (or focus and use the arrow keys); double-click or Enter to ${collapsed ? 'show' : 'hide'} it`}
      data-testid={`splitter-${panel}`}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={end}
      onPointerCancel={end}
      onDoubleClick={(e) => {
        if (!(e.target as Element).closest('button')) usePanels.getState().toggle(panel);
      }}
      onKeyDown={onKeyDown}
    >
      <button
        type="button"
        className="splitter__toggle"
        tabIndex={-1}
        aria-label={`${collapsed ? 'Show' : 'Hide'} the ${name}`}
        title={`${collapsed ? 'Show' : 'Hide'} the ${name}`}
        onClick={() => usePanels.getState().toggle(panel)}
      >
        {arrow}
      </button>
    </div>
  );
}
