import { useEffect, useMemo, useRef, useState } from 'react';
import type { Activations, LayerActivationView } from '../../../shared/training/activations';
import type { EpochInsight, Histogram } from '../../../shared/training/insight';
import type { RunSummary } from '../../../shared/training/runs';
import { getApi } from '../platform';
import { useEditor, useTraining } from '../state/context';
import { isActive } from '../state/training';
import { errorText } from '../state/ui';
import { SampleImage } from './Evaluation';
import { formatValue } from './UPlotChart';

const cssVar = (el: Element, name: string, fallback: string) => getComputedStyle(el).getPropertyValue(name).trim() || fallback;

/** Bars of a histogram on a canvas, with its range and moments written under it. */
export function HistogramBars({ histogram, label, log = false }: { histogram: Histogram; label: string; log?: boolean }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const canvas = ref.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return;
    const { width, height } = canvas;
    ctx.clearRect(0, 0, width, height);
    // Log heights for activations: after a ReLU most values are 0 and would flatten the rest.
    const scale = (c: number) => (log ? Math.log1p(c) : c);
    const peak = Math.max(1e-9, ...histogram.counts.map(scale));
    const bar = width / Math.max(1, histogram.counts.length);
    ctx.fillStyle = cssVar(canvas, '--chart-1', '#3b82f6');
    histogram.counts.forEach((c, i) => {
      const h = c > 0 ? Math.max(1, (scale(c) / peak) * (height - 2)) : 0;
      ctx.fillRect(Math.floor(i * bar) + 1, height - h, Math.max(1, Math.ceil(bar) - 2), h);
    });
    ctx.fillStyle = cssVar(canvas, '--border-strong', '#999');
    ctx.fillRect(0, height - 1, width, 1);
  }, [histogram, log]);
  const summary = `${histogram.count.toLocaleString('en-US')} values from ${formatValue(histogram.min)} to ${formatValue(histogram.max)}, mean ${formatValue(histogram.mean)}, std ${formatValue(histogram.std)}`;
  return (
    <figure className="insight__hist">
      <figcaption title={label}>
        {label}
        {log ? <span className="muted"> (log)</span> : null}
      </figcaption>
      <canvas ref={ref} width={180} height={52} role="img" aria-label={`Histogram of ${label}: ${summary}`} data-counts={histogram.counts.join(',')} />
      <span className="muted small">{summary}</span>
    </figure>
  );
}

/** One layer's output for the example: small grayscale feature maps, or its values as bars. */
export function ActivationView({ layer, view }: { layer: string; view: LayerActivationView }) {
  if (view.kind === 'maps') {
    return (
      <div className="insight__maps">
        <div className="insight__maps" role="list" aria-label={`Feature maps of ${layer}`}>
          {view.maps.map((m, c) => (
            <FeatureMap key={c} values={m} width={view.width} height={view.height} label={`${layer} feature map ${c + 1}`} />
          ))}
        </div>
        {view.channels > view.maps.length ? <span className="muted small">first {view.maps.length} of {view.channels} channels</span> : null}
      </div>
    );
  }
  return <ValueBars values={view.values} min={view.min} max={view.max} label={`Values of ${layer}`} total={view.total} />;
}

export function FeatureMap({ values, width, height, label }: { values: readonly number[]; width: number; height: number; label: string }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const ctx = ref.current?.getContext('2d');
    if (!ctx) return;
    const img = ctx.createImageData(width, height);
    for (let i = 0; i < width * height; i++) {
      const v = Math.round(Math.min(1, Math.max(0, values[i] ?? 0)) * 255);
      img.data[i * 4] = v;
      img.data[i * 4 + 1] = v;
      img.data[i * 4 + 2] = v;
      img.data[i * 4 + 3] = 255;
    }
    ctx.putImageData(img, 0, 0);
  }, [values, width, height]);
  const scale = Math.max(1, Math.floor(40 / Math.max(width, height)));
  return (
    <canvas
      ref={ref}
      role="listitem"
      aria-label={label}
      className="insight__map"
      width={width}
      height={height}
      style={{ width: width * scale, height: height * scale }}
    />
  );
}

export function ValueBars({
  values,
  min,
  max,
  label,
  total,
  width,
  height = 40,
}: {
  values: readonly number[];
  min: number;
  max: number;
  label: string;
  total: number;
  /** Canvas size (default: 6 pixels per value, 60 to 480 wide, 40 high). */
  width?: number;
  height?: number;
}) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const canvas = ref.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return;
    const { width, height } = canvas;
    ctx.clearRect(0, 0, width, height);
    const lo = Math.min(0, min);
    const hi = Math.max(0, max);
    const span = hi - lo || 1;
    const zero = height - ((0 - lo) / span) * height;
    const bar = width / Math.max(1, values.length);
    ctx.fillStyle = cssVar(canvas, '--chart-2', '#f59e0b');
    values.forEach((v, i) => {
      const y = height - ((v - lo) / span) * height;
      ctx.fillRect(i * bar, Math.min(y, zero), Math.max(1, bar - (bar > 3 ? 1 : 0)), Math.max(1, Math.abs(zero - y)));
    });
  }, [values, min, max]);
  return (
    <div className="insight__values">
      <canvas ref={ref} width={width ?? Math.min(480, Math.max(60, values.length * 6))} height={height} role="img" aria-label={`${label}: ${total} values from ${formatValue(min)} to ${formatValue(max)}`} />
      {total > values.length ? <span className="muted small">first {values.length} of {total}</span> : null}
    </div>
  );
}

/** The newest stored runs of this project, for looking at a run that is not the one in the dashboard. */
function useRuns(projectPath: string | null, refreshKey: unknown): RunSummary[] {
  const [runs, setRuns] = useState<RunSummary[]>([]);
  const draft = useEditor((s) => (projectPath ? undefined : s.draftId));
  useEffect(() => {
    let live = true;
    getApi()
      .call('runs.list', { projectPath, ...(draft ? { draft } : {}) })
      .then(
        (r) => live && setRuns(r),
        () => live && setRuns([]),
      );
    return () => {
      live = false;
    };
  }, [projectPath, draft, refreshKey]);
  return runs;
}

/**
 * Per-layer insight: weight and activation histograms of each epoch for a chosen layer
 * (live while training, from the run folder afterwards), and a test example's
 * activations through the network.
 */
export function InsightPanel() {
  const training = useTraining((s) => s.run);
  const projectPath = useTraining((s) => s.run.projectPath);
  const runs = useRuns(projectPath, training.status);
  const [chosenRun, setChosenRun] = useState<string | null>(null);
  const runId = chosenRun ?? training.runId ?? runs[0]?.runId ?? null;
  const isLiveRun = runId !== null && runId === training.runId;
  const running = isLiveRun && isActive(training);

  const [stored, setStored] = useState<{ runId: string; epochs: readonly EpochInsight[] } | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const needStored = runId !== null && !(isLiveRun && training.insight.length > 0) && !running;
  useEffect(() => {
    setLoadError(null);
    if (!needStored || runId === null) return;
    let live = true;
    getApi()
      .call('runs.insight', { projectPath, runId })
      .then(
        (f) => live && setStored({ runId, epochs: f.epochs }),
        (e) => live && setLoadError(`Could not read the run's layer insight: ${errorText(e)}`),
      );
    return () => {
      live = false;
    };
  }, [needStored, runId, projectPath]);

  const epochs: readonly EpochInsight[] = isLiveRun && training.insight.length > 0 ? training.insight : stored?.runId === runId ? stored.epochs : [];
  const lastLayers = epochs.at(-1)?.layers ?? [];
  const [layerName, setLayerName] = useState<string | null>(null);
  const defaultLayer = lastLayers.find((l) => l.weights.length > 0)?.layer ?? lastLayers[0]?.layer ?? null;
  const layer = layerName !== null && lastLayers.some((l) => l.layer === layerName) ? layerName : defaultLayer;
  // The slider follows the newest epoch until it is moved.
  const [epochPick, setEpochPick] = useState<number | null>(null);
  const epochIndex = epochPick !== null && epochPick < epochs.length ? epochPick : epochs.length - 1;
  const current = epochs[epochIndex]?.layers.find((l) => l.layer === layer) ?? null;

  useEffect(() => {
    setEpochPick(null);
  }, [runId]);

  const runSelect =
    runs.length > 0 || training.runId ? (
      <label className="field field--inline">
        <span>Run</span>
        <select value={runId ?? ''} title={runId ?? undefined} onChange={(e) => setChosenRun(e.target.value || null)}>
          {training.runId && !runs.some((r) => r.runId === training.runId) ? <option value={training.runId}>{training.runId} (training)</option> : null}
          {runs.map((r) => (
            <option key={r.runId} value={r.runId}>
              {r.name || r.runId} · {r.status}
            </option>
          ))}
        </select>
      </label>
    ) : null;

  if (runId === null) return <p className="muted small panel-empty">Train a model to see each layer’s weights and activations per epoch.</p>;
  return (
    <div className="insight" aria-label="Layer insight">
      <div className="insight__col">
        <div className="insight__controls">
          {runSelect}
          {lastLayers.length > 0 ? (
            <>
              <label className="field field--inline">
                <span>Layer</span>
                <select value={layer ?? ''} onChange={(e) => setLayerName(e.target.value)}>
                  {lastLayers.map((l) => (
                    <option key={l.layer} value={l.layer}>
                      {l.layer} ({l.className})
                    </option>
                  ))}
                </select>
              </label>
              <label className="field field--inline">
                <span>Epoch</span>
                <input
                  type="range"
                  min={1}
                  max={epochs.length}
                  step={1}
                  value={epochIndex + 1}
                  onChange={(e) => setEpochPick(Number(e.target.value) - 1)}
                  aria-valuetext={`epoch ${epochIndex + 1} of ${epochs.length}`}
                />
                <output data-testid="insight-epoch">
                  {epochIndex + 1} / {epochs.length}
                </output>
              </label>
            </>
          ) : null}
        </div>
        {loadError ? (
          <p className="error-text" role="alert">
            {loadError}
          </p>
        ) : null}
        {epochs.length === 0 && !loadError ? (
          <p className="muted small">{running ? 'Histograms appear after the first epoch.' : 'This run kept no layer insight (it ended before its first epoch, or predates it).'}</p>
        ) : null}
        {current ? (
          <section className="insight__hists" aria-label={`Histograms of ${current.layer} in epoch ${epochIndex + 1}`}>
            {current.weights.map((w) => (
              <HistogramBars key={w.name} histogram={w.histogram} label={`${current.layer} ${w.name} [${w.shape.join('×')}]`} />
            ))}
            {current.weights.length === 0 ? <p className="muted small">{current.layer} has no weights.</p> : null}
            {current.activation ? <HistogramBars histogram={current.activation.histogram} label={`${current.layer} activations`} log /> : null}
          </section>
        ) : null}
      </div>
      <ExampleActivations runId={runId} projectPath={projectPath} ready={!running && (runs.find((r) => r.runId === runId)?.hasModel ?? (isLiveRun && training.status === 'done'))} />
    </div>
  );
}

/** A test example run through the saved model, each layer's output shown. */
function ExampleActivations({ runId, projectPath, ready }: { runId: string; projectPath: string | null; ready: boolean }) {
  const [index, setIndex] = useState(0);
  const [result, setResult] = useState<Activations | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const request = useRef(0);

  useEffect(() => {
    setResult(null);
    setError(null);
  }, [runId]);

  const show = async () => {
    const id = ++request.current;
    setBusy(true);
    setError(null);
    try {
      const a = await getApi().call('runs.activations', { projectPath, runId, sampleIndex: index });
      if (id === request.current) setResult(a);
    } catch (e) {
      if (id === request.current) setError(`Could not compute the activations: ${errorText(e)}`);
    } finally {
      if (id === request.current) setBusy(false);
    }
  };
  const sample = result?.sample;
  const layers = useMemo(() => result?.layers ?? [], [result]);
  return (
    <section className="insight__col" aria-label="Activations of an example">
      <h3 className="insight__title">Activations of an example</h3>
      {!ready ? (
        <p className="muted small">When the run has finished, pick a test example to see what each layer makes of it.</p>
      ) : (
        <form
          className="insight__controls"
          onSubmit={(e) => {
            e.preventDefault();
            void show();
          }}
        >
          <label className="field field--inline">
            <span>Test example</span>
            <input type="number" min={0} max={result ? result.testSize - 1 : undefined} step={1} value={index} onChange={(e) => setIndex(Math.max(0, Math.floor(Number(e.target.value) || 0)))} />
          </label>
          <button type="submit" className="btn btn--small" disabled={busy}>
            {busy ? 'Computing…' : 'Show activations'}
          </button>
        </form>
      )}
      {error ? (
        <p className="error-text" role="alert">
          {error}
        </p>
      ) : null}
      {result ? (
        <div className="insight__layers">
          <div className="insight__sample">
            {sample?.kind === 'image' ? (
              <SampleImage sample={sample} scale={2} label={`Test example ${result.sampleIndex ?? ''}${result.label !== null ? `, class ${result.label}` : ''}`} />
            ) : sample?.kind === 'text' ? (
              <p className="small">{sample.text.slice(0, 300)}</p>
            ) : sample?.kind === 'values' ? (
              <p className="small">{sample.names.map((n, i) => `${n} = ${formatValue(sample.values[i] ?? 0)}`).join(', ')}</p>
            ) : null}
            <span className="muted small" data-testid="activations-example" role="status">
              Example {result.sampleIndex} of {result.testSize}
              {result.label !== null ? ` · class ${result.label}` : ''}
            </span>
          </div>
          {layers.map((l) => (
            <div key={l.layer} className="insight__layer">
              <div className="small">
                <strong>{l.layer}</strong> <span className="muted">{l.className} · [{l.shape.map((d) => d ?? '?').join(', ')}]</span>
              </div>
              <ActivationView layer={l.layer} view={l.view} />
            </div>
          ))}
        </div>
      ) : null}
    </section>
  );
}
