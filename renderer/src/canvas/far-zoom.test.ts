import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { farZoomSwitch, SETTLE_MS } from './far-zoom';

describe('farZoomSwitch', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('applies the first zoom at once', () => {
    const apply = vi.fn();
    farZoomSwitch(apply).zoom(0.2);
    expect(apply).toHaveBeenCalledExactlyOnceWith(true);
  });

  it('switches only after the zoom rests, whatever the steps in between', () => {
    const apply = vi.fn();
    const s = farZoomSwitch(apply);
    s.zoom(0.2);
    apply.mockClear();
    // A wheel gesture: a step every 16 ms across the threshold and beyond.
    for (const z of [0.3, 0.4, 0.55, 0.7, 0.9, 1.1]) {
      s.zoom(z);
      vi.advanceTimersByTime(16);
    }
    expect(apply).not.toHaveBeenCalled();
    vi.advanceTimersByTime(SETTLE_MS);
    expect(apply).toHaveBeenCalledExactlyOnceWith(false);
  });

  it('does nothing when a gesture ends on the side it started', () => {
    const apply = vi.fn();
    const s = farZoomSwitch(apply);
    s.zoom(1);
    apply.mockClear();
    s.zoom(0.4);
    vi.advanceTimersByTime(50);
    s.zoom(0.6);
    vi.advanceTimersByTime(SETTLE_MS * 2);
    expect(apply).not.toHaveBeenCalled();
  });

  it('drops a pending switch when disposed', () => {
    const apply = vi.fn();
    const s = farZoomSwitch(apply);
    s.zoom(1);
    s.zoom(0.2);
    s.dispose();
    vi.advanceTimersByTime(SETTLE_MS * 2);
    expect(apply).toHaveBeenCalledTimes(1);
  });
});
