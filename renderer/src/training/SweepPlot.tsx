import { useEffect, useMemo, useRef, useState } from 'react';
import { formatSweepValue, type SweepState } from '../../../shared/training/sweep';
import { keyLabel } from './sweep-form';
import { metricName } from './sweep-rank';
import { axisTicks, parallelCoordinates, plotLayout } from './sweep-plot';

const MARGINS = { left: 52, right: 60, top: 34, bottom: 12 };

/** The element's size in CSS pixels, followed as it changes. */
function useSize(): [React.RefObject<HTMLDivElement | null>, { width: number; height: number }] {
  const ref = useRef<HTMLDivElement>(null);
  const [size, setSize] = useState({ width: 480, height: 180 });
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => {
      if (el.clientWidth > 0 && el.clientHeight > 0) setSize({ width: el.clientWidth, height: el.clientHeight });
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  return [ref, size];
}

/** Parallel coordinates: an axis per varied setting and one for the metric, a line per run, the best one highlighted. */
export function SweepPlot({ state }: { state: SweepState }) {
  const { axes, lines } = useMemo(() => parallelCoordinates(state, (k) => keyLabel(state.doc, k)), [state]);
  const metric = metricName(state);
  const [hover, setHover] = useState<number | null>(null);
  const [ref, size] = useSize();
  const BOX = { ...MARGINS, width: Math.max(200, size.width), height: Math.max(120, size.height) };
  const layout = plotLayout(axes.length, BOX);
  const metricFormat = (v: number) => (metric.isAccuracy ? `${(v * 100).toFixed(1)}%` : v.toFixed(3));
  // The best line is drawn last, so that it lies on top.
  const ordered = [...lines].sort((a, b) => Number(a.best) - Number(b.best) || Number(a.index === hover) - Number(b.index === hover));
  return (
    <div className="sweep-plot" ref={ref}>
      <svg width={BOX.width} height={BOX.height} className="sweep-plot__svg" role="img" aria-label={`Parallel coordinates: ${lines.length} runs across ${axes.map((a) => a.label).join(', ')}`} data-testid="sweep-plot" data-lines={lines.length}>
        {axes.map((axis, i) => {
          const x = layout.x(i);
          const ticks = axisTicks(axis, axis.key === 'metric' ? metricFormat : (v) => formatSweepValue(v));
          return (
            <g key={axis.key} className="sweep-plot__axis" data-testid="sweep-plot-axis" data-key={axis.key} data-scale={axis.kind}>
              <line x1={x} x2={x} y1={layout.y(1)} y2={layout.y(0)} />
              <text x={x} y={14} textAnchor={i === 0 ? 'start' : i === axes.length - 1 ? 'end' : 'middle'} className="sweep-plot__label">
                {axis.key === 'metric' ? metric.label : axis.label}
                {axis.kind === 'log' ? ' (log)' : ''}
              </text>
              {axis.key === 'metric' ? (
                <text x={x} y={26} textAnchor="end" className="sweep-plot__hint">
                  {metric.higher ? 'higher is better' : 'lower is better'}
                </text>
              ) : null}
              {ticks.map((t) => (
                <g key={`${t.label}-${t.pos}`}>
                  <line x1={x - 3} x2={x + 3} y1={layout.y(t.pos)} y2={layout.y(t.pos)} />
                  <text x={i === axes.length - 1 ? x + 6 : x - 6} y={layout.y(t.pos) + 3.5} textAnchor={i === axes.length - 1 ? 'start' : 'end'} className="sweep-plot__tick">
                    {t.label}
                  </text>
                </g>
              ))}
            </g>
          );
        })}
        {ordered.map((line) => {
          const xy = line.positions.map((p, i) => (p === null ? null : ([layout.x(i), layout.y(p)] as const))).filter((p): p is readonly [number, number] => p !== null);
          const points = xy.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`);
          return (
            <g key={line.index}>
              {/* A run with one point (one varied setting, no metric: it failed) shows as a dot. */}
              {xy.length === 1 ? <circle cx={xy[0]?.[0]} cy={xy[0]?.[1]} r={4} className={`sweep-plot__dot${line.failed ? ' is-failed' : ''}`} /> : null}
              <polyline
                points={points.join(' ')}
                className={`sweep-plot__line${line.best ? ' is-best' : ''}${line.failed ? ' is-failed' : ''}${hover === line.index ? ' is-hover' : ''}`}
                data-testid="sweep-plot-line"
                data-index={line.index}
                data-best={line.best ? 'true' : undefined}
                onMouseEnter={() => setHover(line.index)}
                onMouseLeave={() => setHover(null)}
              >
                <title>
                  Run {line.index + 1}
                  {line.best ? ' (best)' : ''}
                  {line.failed ? ' (failed)' : ''}
                </title>
              </polyline>
            </g>
          );
        })}
        {lines.length === 0 ? (
          <text x={BOX.width / 2} y={BOX.height / 2} textAnchor="middle" className="sweep-plot__hint">
            A line per run appears as the runs train.
          </text>
        ) : null}
      </svg>
    </div>
  );
}
