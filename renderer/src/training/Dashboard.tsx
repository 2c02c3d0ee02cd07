import { useEffect, useRef, useState } from 'react';
import { EXPORT_FORMATS, type ExportFormat } from '../../../shared/export/result';
import { useTraining, useWorkbench } from '../state/context';
import { errorText, useUi } from '../state/ui';
import { useExportRequest } from './export-request';
import { BatchLossChart, EpochChart } from './charts';
import { Progress, formatDuration } from './Progress';
import { WeightsReportView } from './WeightsReportView';
import { exportModel, pickExportFolder, type ExportResult } from './actions';
import { basename } from '../shell/paths';
import { EvaluationPanel } from './Evaluation';
import { RunsPanel } from './Runs';
import { TryItPanel } from './TryIt';
import { DecisionBoundaryPanel } from './DecisionBoundary';
import { AugmentedExamples } from './Augmented';
import { InsightPanel } from './Insight';
import { LiveControls } from './LiveControls';
import { ControlHistory } from './ControlHistory';
import { DASHBOARD_TABS, useDashboardTab } from './dashboard-tab';
import { SweepPanel } from './SweepPanel';
import { useSweepSync } from './sweep-store';

/** Live curves, the test-set evaluation, run history and comparison, and a try-it panel. */
function DashboardTabs() {
  const tab = useDashboardTab((s) => s.tab);
  const setTab = useDashboardTab((s) => s.setTab);
  useSweepSync();
  return (
    <div className="dashboard__main">
      <div role="tablist" aria-label="Dashboard views" className="tabs">
        {DASHBOARD_TABS.map(([id, label]) => (
          <button
            key={id}
            type="button"
            role="tab"
            id={`tab-${id}`}
            aria-selected={tab === id}
            aria-controls={`panel-${id}`}
            className={`tabs__tab${tab === id ? ' is-active' : ''}`}
            onClick={() => setTab(id)}
          >
            {label}
          </button>
        ))}
      </div>
      {/* The charts stay mounted (hidden) so that they keep their data and size. */}
      <div className="dashboard__charts" role="tabpanel" id="panel-curves" aria-labelledby="tab-curves" hidden={tab !== 'curves'}>
        <BatchLossChart />
        <EpochChart />
      </div>
      {tab !== 'curves' ? (
        <div className="dashboard__panel" role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`}>
          {tab === 'evaluation' ? <EvaluationPanel /> : tab === 'runs' ? <RunsPanel /> : tab === 'sweeps' ? <SweepPanel /> : tab === 'boundary' ? <DecisionBoundaryPanel /> : tab === 'insight' ? <InsightPanel /> : <TryItPanel />}
        </div>
      ) : null}
    </div>
  );
}

const STATUS_TEXT = {
  idle: 'Ready',
  starting: 'Starting…',
  running: 'Training',
  evaluating: 'Evaluating on the test set…',
  done: 'Finished',
  error: 'Failed',
} as const;

const FORMAT_LABELS: Record<ExportFormat, string> = {
  tfjs: 'TF.js',
  onnx: 'ONNX',
  keras: 'Keras',
  pytorch: 'PyTorch',
  torchrun: 'PyTorch DDP script',
};

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;

/** Scrolls `panel` vertically (only) so that `el` shows; scrollIntoView could also scroll it sideways. */
function scrollIntoSide(panel: HTMLElement, el: HTMLElement): void {
  const p = panel.getBoundingClientRect();
  const r = el.getBoundingClientRect();
  if (r.bottom > p.bottom) panel.scrollTop += Math.min(r.bottom - p.bottom, r.top - p.top);
  else if (r.top < p.top) panel.scrollTop -= p.top - r.top;
}

/** The bottom panel: progress, backend, results, export and live charts. */
export function Dashboard() {
  const workbench = useWorkbench();
  const t = useTraining((s) => s.run);
  const [exported, setExported] = useState<ExportResult | null>(null);
  // A new export's verdict is scrolled into the side panel's view: it lands below the fold at 1280x720.
  const exportedRef = useRef<HTMLDivElement>(null);
  const sideRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (exported && exportedRef.current && sideRef.current) scrollIntoSide(sideRef.current, exportedRef.current);
  }, [exported]);
  const [exportError, setExportError] = useState<string | null>(null);
  /** The export under way: its format and folder (null when none). */
  const [exporting, setExportingTo] = useState<{ format: ExportFormat; outDir: string } | null>(null);
  const [format, setFormat] = useState<ExportFormat>('tfjs');

  useEffect(() => {
    setExported(null);
    setExportError(null);
  }, [t.runId]);

  const status =
    t.status === 'done' && t.done?.stopped
      ? 'Stopped'
      : t.stopRequested && t.status !== 'done'
        ? 'Stopping…'
        : t.paused && t.status === 'running'
          ? 'Paused'
          : STATUS_TEXT[t.status];
  const canExport = t.status === 'done' && t.runId !== null && exporting === null;
  const backend = t.started?.backend;

  const onExport = async () => {
    setExportError(null);
    let outDir: string | null;
    try {
      outDir = await pickExportFolder();
    } catch (e) {
      setExportError(`Could not show the folder picker: ${errorText(e)}`);
      return;
    }
    if (!outDir) return;
    // The previous result (or error) would read as this export's until it is done.
    setExported(null);
    setExportError(null);
    setExportingTo({ format, outDir });
    try {
      setExported(await exportModel(workbench, outDir, format));
    } catch (e) {
      setExportError(`Export failed: ${errorText(e)}`);
    } finally {
      setExportingTo(null);
    }
  };

  // File > Export… in the desktop app: the same as the Export button, or why not.
  const exportRequests = useExportRequest((s) => s.requests);
  useEffect(() => {
    if (exportRequests === 0) return;
    if (canExport) void onExport();
    else useUi.getState().notify('info', exporting ? 'An export is already running.' : 'Finish a training run first: Export writes the trained model of the last run.');
    // Only a new request runs this; canExport and onExport are this render's.
    // eslint-disable-next-line react-hooks/exhaustive-deps -- see above
  }, [exportRequests]);

  return (
    <section className="dashboard" aria-label="Training dashboard">
      {/* Nothing in the side panel is wider than it; should anything scroll it sideways (a focus, a find), it goes back. */}
      <div className="dashboard__side" ref={sideRef} onScroll={(e) => e.currentTarget.scrollLeft !== 0 && (e.currentTarget.scrollLeft = 0)}>
        <div className="dashboard__status">
          <span className={`status-dot is-${t.status}`} aria-hidden="true" />
          <span data-testid="training-status" role="status">
            {status}
          </span>
          {t.done ? <span className="muted">in {formatDuration(t.done.seconds)}</span> : null}
        </div>
        {t.name ? (
          <p className="dashboard__run-name small" data-testid="run-name" title={t.name}>
            {t.fromDisk ? 'Last run: ' : 'Run: '}
            <strong>{t.name}</strong>
          </p>
        ) : null}
        {/* Export and its progress stay on screen however far the side panel is scrolled. */}
        <div className="dashboard__export-bar">
          <div className="dashboard__export" role="group" aria-label="Export the trained model">
            <select
              className="btn btn--small"
              aria-label="Export format"
              value={format}
              onChange={(e) => setFormat(e.target.value as ExportFormat)}
              disabled={exporting !== null}
            >
              {EXPORT_FORMATS.map((f) => (
                <option key={f} value={f}>
                  {FORMAT_LABELS[f]}
                </option>
              ))}
            </select>
            <button
              type="button"
              className="btn btn--small"
              onClick={() => void onExport()}
              disabled={!canExport}
              title={canExport ? `Write the trained model as ${FORMAT_LABELS[format]} to a folder, then check it` : 'Finish a training run first'}
            >
              {exporting ? 'Exporting…' : 'Export…'}
            </button>
          </div>
          {exporting ? (
            <div className="export-progress" role="status" data-testid="export-progress">
              <div className="export-progress__bar" aria-hidden="true" />
              <span>
                Exporting as {FORMAT_LABELS[exporting.format]} to <code>{exporting.outDir}</code>, then checking it in its runtime…
              </span>
            </div>
          ) : null}
        </div>
        <Progress />
        <LiveControls />
        {t.controls.length > 0 ? (
          <section aria-label="Changes made while training">
            <h3 className="panel-subtitle">Changes made while training</h3>
            <ControlHistory changes={t.controls} label="Settings history of this run" testId="run-controls" />
          </section>
        ) : null}
        <AugmentedExamples />
        {t.weights ? <WeightsReportView report={t.weights} /> : null}
        {t.done?.test ? (
          <div className="result" aria-label="Test results">
            {t.started?.task === 'regression' ? (
              // Regression and reconstruction (autoencoder) runs have no accuracy.
              t.done.test.mae !== undefined ? (
                <span>
                  Test MAE{' '}
                  <strong data-testid="test-mae" data-value={t.done.test.mae}>
                    {t.done.test.mae.toPrecision(4)}
                  </strong>
                </span>
              ) : null
            ) : (
              <span>
                Test accuracy{' '}
                <strong data-testid="test-accuracy" data-value={t.done.test.accuracy}>
                  {pct(t.done.test.accuracy)}
                </strong>
              </span>
            )}
            <span>
              Test loss{' '}
              <strong data-testid="test-loss" data-value={t.done.test.loss}>
                {t.done.test.loss.toFixed(4)}
              </strong>
            </span>
          </div>
        ) : t.done ? (
          <p className="muted small">No test evaluation (the run was stopped).</p>
        ) : null}
        {t.error ? (
          <div className="error-box" role="alert" data-testid="training-error">
            {t.error}
          </div>
        ) : null}
        {exportError ? (
          <div className="error-box" role="alert">
            {exportError}
          </div>
        ) : null}
        {exported ? (
          <div className="export-result" data-testid="export-result" role="status">
            Exported to <code>{exported.outDir}</code>:{' '}
            {exported.files.map((f, i) => (
              <span key={f}>
                {i > 0 ? ', ' : ''}
                <code title={f}>{basename(f)}</code>
              </span>
            ))}
            <div ref={exportedRef} data-testid="export-check" data-ok={exported.ok} className={exported.ok ? 'muted small' : 'error-box'}>
              {exported.ok ? 'Self-check passed' : 'Self-check FAILED'}
              {exported.maxDifference !== null ? ` (largest difference from Netwright ${exported.maxDifference.toExponential(1)}, limit ${exported.tolerance})` : ''}
              {exported.checks.map((c) => (
                <div key={c.name}>
                  {c.status}: {c.name} — {c.detail}
                </div>
              ))}
            </div>
          </div>
        ) : null}
        {backend ? (
          <details className="backend">
            <summary>
              Backend: <strong data-testid="backend-label">{backend.label}</strong>
            </summary>
            <ul aria-label="Backends tried">
              {backend.tried.map((b) => (
                <li key={b.name} className={b.ok ? 'is-ok' : 'is-failed'}>
                  <strong>{b.name}</strong> {b.ok ? 'loaded' : 'not loaded'}
                  {b.reason ? <span className="muted"> — {b.reason}</span> : null}
                </li>
              ))}
            </ul>
          </details>
        ) : null}
        {t.started ? (
          <p className="muted small">
            {t.started.trainSamples.toLocaleString('en-US')} training · {t.started.validationSamples.toLocaleString('en-US')} validation ·{' '}
            {t.started.testSamples.toLocaleString('en-US')} test samples
          </p>
        ) : null}
      </div>
      <DashboardTabs />
    </section>
  );
}
