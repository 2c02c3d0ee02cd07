import { useEffect, useId, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { formatTicks, verticalAxisSize } from './chart-ticks';
import type { ChartMarker } from './control-markers';

export interface SeriesDef {
  readonly label: string;
  /** CSS custom property holding the colour, e.g. `--chart-1`. */
  readonly colorVar: string;
  readonly scale?: string;
  readonly dash?: number[];
  readonly points?: boolean;
}

interface Props {
  readonly title: string;
  readonly xLabel: string;
  readonly series: readonly SeriesDef[];
  /** Second y scale on the right (e.g. accuracy 0..1). */
  readonly rightScale?: { readonly key: string; readonly label: string; readonly range: [number, number] | null };
  readonly yLabel: string;
  /** x first, then one array per series; may be mutated in place between versions. */
  readonly data: uPlot.AlignedData;
  /** Changes whenever `data` changed. */
  readonly version: number;
  readonly testId?: string;
  /** Whole-number x ticks (epochs). */
  readonly integerX?: boolean;
  /** Shown over the empty plot. */
  readonly emptyText?: string;
  /** Offer a log-scale toggle for the left axis (losses). */
  readonly logToggle?: boolean;
  /** Shown under the plot while it has exactly one point per series (one epoch). */
  readonly singleText?: string;
  /** Vertical markers (live changes of the run) at x positions of the data. */
  readonly markers?: readonly ChartMarker[];
}

const NO_MARKERS: readonly ChartMarker[] = [];

/** Puts each marker element (data-x) over the plot at its x, hidden outside the x range. */
function placeMarkers(u: uPlot, box: HTMLElement | null): void {
  if (!box) return;
  const frame = box.getBoundingClientRect();
  const over = u.over.getBoundingClientRect();
  const min = u.scales['x']?.min;
  const max = u.scales['x']?.max;
  for (const el of Array.from(box.querySelectorAll<HTMLElement>('[data-x]'))) {
    const x = Number(el.dataset['x']);
    const inside = min != null && max != null && x >= min && x <= max && u.data[0].length > 0;
    el.style.visibility = inside ? 'visible' : 'hidden';
    if (!inside) continue;
    el.style.left = `${over.left - frame.left + u.valToPos(x, 'x')}px`;
    el.style.top = `${over.top - frame.top}px`;
    el.style.height = `${over.height}px`;
  }
}

/** Markers for curves of a few points are drawn larger, so that one epoch is not a few specks. */
const FEW_POINTS = 3;

/** A value for the hover readout: 4 significant digits. */
export function formatValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(2) : Number(v.toPrecision(4)).toString();
}

const cssVar = (el: Element, name: string, fallback: string) => getComputedStyle(el).getPropertyValue(name).trim() || fallback;

/**
 * A uPlot chart created once; new data is pushed with `setData`, at most once
 * per animation frame however fast events arrive.
 */
export function UPlotChart(props: Props) {
  const [log, setLog] = useState(false);
  const few = (props.data[0]?.length ?? 0) <= FEW_POINTS;
  // The scale and the markers are part of the chart's structure: a change builds it anew.
  return <UPlotChartView key={`${log ? 'log' : 'linear'}-${few ? 'few' : 'many'}`} {...props} log={log} setLog={setLog} few={few} />;
}

function UPlotChartView({
  title,
  xLabel,
  yLabel,
  series,
  rightScale,
  data,
  version,
  testId,
  emptyText,
  integerX,
  logToggle,
  singleText,
  markers = NO_MARKERS,
  log,
  setLog,
  few,
}: Props & { readonly log: boolean; readonly setLog: (v: boolean) => void; readonly few: boolean }) {
  const host = useRef<HTMLDivElement>(null);
  const readout = useRef<HTMLSpanElement>(null);
  const toggleId = useId();
  const chart = useRef<uPlot | null>(null);
  const latest = useRef(data);
  const frame = useRef<number | null>(null);
  const markerBox = useRef<HTMLDivElement>(null);
  latest.current = data;

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const fg = cssVar(el, '--fg-muted', '#888');
    const grid = cssVar(el, '--chart-grid', 'rgba(128,128,128,0.15)');
    // Linear axes: labels with enough decimals to differ (formatTicks); log axes keep uPlot's.
    // The labels drawn are kept on the plot (data-ticks-<axis>) for tests and tools: uPlot draws on a canvas.
    const linearValues = (_u: uPlot, splits: number[], axisIdx: number) => {
      const labels = formatTicks(splits);
      el.dataset[`ticks${axisIdx}`] = labels.join('|');
      return labels;
    };
    const axis = (label: string, extra: Partial<uPlot.Axis> = {}, linear = true): uPlot.Axis => ({
      label,
      ...(linear ? { values: linearValues } : {}),
      stroke: fg,
      grid: { stroke: grid, width: 1 },
      ticks: { stroke: grid, width: 1 },
      labelSize: 14,
      labelFont: '11px system-ui, sans-serif',
      font: '10px system-ui, sans-serif',
      // Wide enough for the longest tick label and the title beside it.
      size: (_u: uPlot, values: string[] | null) => verticalAxisSize(values),
      ...extra,
    });
    const opts: uPlot.Options = {
      width: Math.max(100, el.clientWidth),
      height: Math.max(60, el.clientHeight),
      legend: { show: false },
      cursor: { drag: { x: false, y: false } },
      scales: {
        x: { time: false, range: (_u, min, max) => (min === max ? [min - 1, max + 1] : [min, max]) },
        ...(log ? { y: { distr: 3, log: 10 } } : {}),
        ...(rightScale?.range ? { [rightScale.key]: { range: rightScale.range } } : {}),
      },
      axes: [
        axis(xLabel, { size: 32, ...(integerX ? { incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000] } : {}) }),
        axis(yLabel, {}, !log),
        ...(rightScale ? [axis(rightScale.label, { scale: rightScale.key, side: 1, grid: { show: false } })] : []),
      ],
      hooks: {
        draw: [(u) => placeMarkers(u, markerBox.current)],
        // Hover values, written straight to the DOM (no React render per mouse move).
        setCursor: [
          (u) => {
            const el = readout.current;
            if (!el) return;
            const i = u.cursor.idx;
            if (i === null || i === undefined) {
              el.textContent = '';
              return;
            }
            const x = u.data[0]?.[i];
            const parts = series.map((s, k) => {
              const v = u.data[k + 1]?.[i];
              return typeof v === 'number' ? `${s.label} ${formatValue(v)}` : null;
            });
            el.textContent = [`${xLabel} ${String(x)}`, ...parts.filter(Boolean)].join(' · ');
          },
        ],
      },
      series: [
        {},
        ...series.map<uPlot.Series>((s) => ({
          label: s.label,
          stroke: cssVar(el, s.colorVar, '#4a90d9'),
          width: 1.5,
          scale: s.scale ?? 'y',
          dash: s.dash,
          spanGaps: true,
          // A few points: solid markers, large enough to read (one epoch is one point per curve).
          points: { show: s.points ?? few, size: few ? 9 : 5, ...(few ? { fill: cssVar(el, s.colorVar, '#4a90d9') } : {}) },
        })),
      ],
    };
    const u = new uPlot(opts, latest.current, el);
    chart.current = u;
    const resize = new ResizeObserver(() => {
      if (el.clientWidth > 0 && el.clientHeight > 0) u.setSize({ width: el.clientWidth, height: el.clientHeight });
    });
    resize.observe(el);
    return () => {
      resize.disconnect();
      if (frame.current !== null) cancelAnimationFrame(frame.current);
      frame.current = null;
      u.destroy();
      chart.current = null;
    };
    // The chart's structure is fixed for the component's life.
    // eslint-disable-next-line react-hooks/exhaustive-deps -- see above
  }, []);

  useEffect(() => {
    if (frame.current !== null) return;
    frame.current = requestAnimationFrame(() => {
      frame.current = null;
      chart.current?.setData(latest.current);
    });
  }, [version, data]);

  useEffect(() => {
    if (chart.current) placeMarkers(chart.current, markerBox.current);
  }, [markers]);

  const points = data[0]?.length ?? 0;
  return (
    <figure className="chart" data-testid={testId} data-markers={markers.length} aria-label={title} data-points={data[0]?.length ?? 0} data-scale={log ? 'log' : 'linear'}>
      <figcaption className="chart__head">
        <span className="chart__title">{title}</span>
        <span className="chart__readout" ref={readout} data-testid={testId ? `${testId}-readout` : undefined} />
        {logToggle ? (
          <label className="chart__toggle" htmlFor={toggleId}>
            <input id={toggleId} type="checkbox" checked={log} onChange={(e) => setLog(e.target.checked)} />
            Log scale
          </label>
        ) : null}
        <span className="chart__legend">
          {series.map((s) => (
            <span key={s.label} className="chart__key">
              <span className={`chart__swatch${s.dash ? ' is-dashed' : ''}`} style={{ borderColor: `var(${s.colorVar})` }} />
              {s.label}
            </span>
          ))}
        </span>
      </figcaption>
      {/* Empty, the plot's axes (a made-up -1..1) are hidden and only the message shows. */}
      <div className={`chart__frame${points === 0 ? ' is-empty' : ''}`}>
        <div className="chart__plot" ref={host} role="img" aria-label={`${title} chart`} />
        {points === 0 ? (
          <div className="chart__empty" data-testid={testId ? `${testId}-empty` : undefined}>
            {emptyText ?? 'No data yet.'}
          </div>
        ) : null}
        {markers.length > 0 ? (
          <div className="chart__markers" ref={markerBox}>
            {markers.map((m, i) => (
              <div key={m.key} className="chart__marker" data-x={m.x} data-step={m.step} data-testid="chart-marker" aria-label={`Change ${i + 1}: ${m.label}, step ${m.step}`} title={`${m.label} (step ${m.step})`}>
                <span className="chart__marker-flag" aria-hidden="true">
                  {i + 1}
                </span>
              </div>
            ))}
          </div>
        ) : null}
      </div>
      {singleText && points === 1 ? <p className="chart__note muted small">{singleText}</p> : null}
    </figure>
  );
}
