import { useMemo, useState } from 'react';
import { formatSweepValue, type SweepState, type SweepTrial } from '../../../shared/training/sweep';
import { getApi } from '../platform';
import { useTraining, useTrainingStore } from '../state/context';
import { isActive } from '../state/training';
import { errorText } from '../state/ui';
import { useDashboardTab } from './dashboard-tab';
import { useCompareRequest } from './compare-request';
import { keyLabel } from './sweep-form';
import { bestTrial, metricName, nextSort, sortRows, sweepProgress, tableRows, type SweepColumn, type SweepSort, type SweepTableRow } from './sweep-rank';
import { useShownSweep, useSweeps } from './sweep-store';
import { SweepPlot } from './SweepPlot';

const STATUS_TEXT: Readonly<Record<SweepTrial['status'], string>> = { pending: 'waiting', running: 'training', done: 'done', stopped: 'stopped', error: 'failed' };

function scoreText(score: number | null, isAccuracy: boolean): string {
  if (score === null) return '—';
  return isAccuracy ? `${(score * 100).toFixed(2)}%` : score.toFixed(4);
}

function valuesText(state: SweepState, values: Readonly<Record<string, string | number>>): string {
  return Object.entries(values)
    .map(([k, v]) => `${keyLabel(state.doc, k)} ${formatSweepValue(v)}`)
    .join(', ');
}

/** Progress of the shown sweep: runs done of all, failed, which trains now; Stop and Resume. */
function SweepProgress({ state }: { state: SweepState }) {
  const p = sweepProgress(state);
  const epochs = useSweeps((s) => s.epochs);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const stopping = state.status === 'stopped' && p.running.length > 0;
  const canResume = state.status === 'stopped' && !stopping && p.finished < p.total;
  const act = async (what: 'stop' | 'resume') => {
    setBusy(true);
    setError(null);
    try {
      const next = await getApi().call(what === 'stop' ? 'sweep.stop' : 'sweep.resume', { projectPath: state.projectPath, sweepId: state.sweepId });
      useSweeps.getState().upsert(next);
    } catch (e) {
      setError(`Could not ${what} the sweep: ${errorText(e)}`);
    } finally {
      setBusy(false);
    }
  };
  const statusText = state.status === 'done' ? 'Finished' : stopping ? 'Stopping…' : state.status === 'stopped' ? 'Stopped' : 'Running';
  return (
    <div className="sweep-progress" aria-label="Sweep progress">
      <div className="sweep-progress__line">
        <strong data-testid="sweep-status">{statusText}</strong>
        <span data-testid="sweep-progress" data-finished={p.finished} data-total={p.total} data-failed={p.failed}>
          {p.finished} of {p.total} runs finished{p.failed > 0 ? ` · ${p.failed} failed` : ''}
        </span>
        <div className="sweep-progress__bar" role="progressbar" aria-label="Runs finished" aria-valuemin={0} aria-valuemax={p.total} aria-valuenow={p.finished}>
          <div className="sweep-progress__fill" style={{ width: `${p.total ? (100 * p.finished) / p.total : 0}%` }} />
        </div>
        {state.status === 'running' ? (
          <button type="button" className="btn btn--small" disabled={busy} onClick={() => void act('stop')} title="Stop the runs training now; finished runs are kept and Resume trains the rest">
            Stop sweep
          </button>
        ) : null}
        {canResume ? (
          <button type="button" className="btn btn--small btn--primary" disabled={busy} onClick={() => void act('resume')} title="Train the runs that have not finished">
            Resume sweep
          </button>
        ) : null}
      </div>
      {p.running.length > 0 ? (
        <ul className="sweep-progress__current small" aria-label="Training now">
          {p.running.map((i) => {
            const t = state.trials[i] as SweepTrial;
            const e = t.runId ? epochs[t.runId] : undefined;
            return (
              <li key={i} data-testid="sweep-current">
                Run {i + 1}: {valuesText(state, t.values)}
                {e && e.total ? ` · epoch ${Math.min(e.done + 1, e.total)}/${e.total}` : ' · starting'}
              </li>
            );
          })}
        </ul>
      ) : null}
      {error ? (
        <p className="error-box" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}

function SortHeader({ label, column, sort, onSort, title }: { label: string; column: SweepColumn; sort: SweepSort | null; onSort: (c: SweepColumn) => void; title?: string }) {
  const active = sort !== null && JSON.stringify(sort.column) === JSON.stringify(column);
  return (
    <th scope="col" aria-sort={active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}>
      <button type="button" className="sweep-table__sort" onClick={() => onSort(column)} title={title ?? `Sort by ${label}`}>
        {label}
        <span aria-hidden="true" className="sweep-table__arrow">
          {active ? (sort.dir === 'asc' ? '▲' : '▼') : ''}
        </span>
      </button>
    </th>
  );
}

/** One row per run: the varied settings and the metric, sortable, best highlighted; a row opens its run. */
function SweepTable({ state, onOpen, canOpen }: { state: SweepState; onOpen: (row: SweepTableRow) => void; canOpen: boolean }) {
  const metric = metricName(state);
  const [sort, setSort] = useState<SweepSort | null>(null);
  const rows = useMemo(() => (sort ? sortRows(tableRows(state), sort) : tableRows(state)), [state, sort]);
  const best = bestTrial(state);
  const keys = state.spec.axes.map((a) => a.key);
  const onSort = (column: SweepColumn) => setSort((s) => nextSort(s, column, metric.higher));
  return (
    <table className="runs__table sweep-table" aria-label="Sweep runs" data-testid="sweep-table">
      <thead>
        <tr>
          <SortHeader label="Run" column={{ kind: 'run' }} sort={sort} onSort={onSort} />
          {keys.map((k) => (
            <SortHeader key={k} label={keyLabel(state.doc, k)} column={{ kind: 'key', key: k }} sort={sort} onSort={onSort} />
          ))}
          <SortHeader label={metric.label} column={{ kind: 'metric' }} sort={sort} onSort={onSort} title={`Sort by ${metric.label.toLowerCase()} (${metric.higher ? 'higher' : 'lower'} is better)`} />
          <SortHeader label="Status" column={{ kind: 'status' }} sort={sort} onSort={onSort} />
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => {
          const openable = canOpen && r.runId !== null && (r.status === 'done' || r.status === 'stopped');
          return (
            <tr
              key={r.index}
              data-testid="sweep-table-row"
              data-index={r.index}
              data-score={r.score ?? ''}
              data-best={r.index === best ? 'true' : undefined}
              className={`${r.index === best ? 'is-best' : ''}${openable ? ' is-openable' : ''}`}
              onClick={openable ? () => onOpen(r) : undefined}
            >
              <th scope="row">
                {openable ? (
                  <button
                    type="button"
                    className="sweep-table__open"
                    aria-label={`Open run ${r.index + 1} of the sweep`}
                    title="Open this run in the dashboard: its curves, evaluation and export"
                    onClick={(e) => {
                      e.stopPropagation();
                      onOpen(r);
                    }}
                  >
                    Run {r.index + 1}
                  </button>
                ) : (
                  `Run ${r.index + 1}`
                )}
                {r.index === best ? <span className="sweep-table__best"> best</span> : null}
              </th>
              {keys.map((k) => (
                <td key={k} data-key={k} data-value={r.values[k]}>
                  {r.values[k] === undefined ? '—' : formatSweepValue(r.values[k] as string | number)}
                </td>
              ))}
              <td data-testid="sweep-score">{scoreText(r.score, metric.isAccuracy)}</td>
              <td className="sweep-table__status" title={r.error ?? undefined}>
                {STATUS_TEXT[r.status]}
                {r.error ? <span className="muted small"> · {r.error.length > 80 ? `${r.error.slice(0, 80)}…` : r.error}</span> : null}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** The Sweeps tab: the project's sweeps, the shown one's progress, results table and plot. */
export function SweepPanel() {
  const training = useTrainingStore();
  const sweeps = useSweeps((s) => s.sweeps);
  const listError = useSweeps((s) => s.listError);
  const state = useShownSweep();
  const busy = useTraining((s) => isActive(s.run));
  const [openError, setOpenError] = useState<string | null>(null);

  const open = async (row: SweepTableRow) => {
    if (!state || !row.runId) return;
    setOpenError(null);
    try {
      const record = await getApi().call('runs.get', { projectPath: state.projectPath, runId: row.runId });
      if (isActive(training.getState().run)) return;
      training.getState().loaded(record, state.projectPath);
      useDashboardTab.getState().setTab('curves');
    } catch (e) {
      setOpenError(`Could not open run ${row.index + 1}: ${errorText(e)}`);
    }
  };

  const finishedRuns = state ? state.trials.filter((t) => t.status === 'done' && t.runId !== null).map((t) => t.runId as string) : [];

  if (!state) {
    return (
      <div className="sweeps">
        {listError ? (
          <p className="error-box" role="alert">
            {listError}
          </p>
        ) : null}
        <p className="muted small">No sweeps yet for this project.</p>
        <button type="button" className="btn btn--small" onClick={() => useSweeps.getState().openDialog()}>
          Sweep…
        </button>
      </div>
    );
  }
  return (
    <div className="sweeps">
      <div className="sweeps__main">
        <div className="sweeps__bar">
          {sweeps.length > 1 ? (
            <label className="small">
              Sweep{' '}
              <select className="btn btn--small" value={state.sweepId} onChange={(e) => useSweeps.getState().show(e.target.value)}>
                {sweeps.map((s) => (
                  <option key={s.sweepId} value={s.sweepId}>
                    {new Date(s.createdAt).toLocaleString()} · {s.trials.length} runs · {s.status}
                  </option>
                ))}
              </select>
            </label>
          ) : (
            <span className="small muted">{new Date(state.createdAt).toLocaleString()}</span>
          )}
          <span className="small muted sweeps__what" title={state.spec.axes.map((a) => `${keyLabel(state.doc, a.key)}: ${a.values}`).join('; ')}>
            Varies {state.spec.axes.map((a) => keyLabel(state.doc, a.key)).join(', ')} · {state.spec.mode === 'grid' ? 'grid' : `random, seed ${state.spec.seed ?? 1}`} · {state.spec.parallel} at once
          </span>
          <button
            type="button"
            className="btn btn--small"
            disabled={finishedRuns.length < 2}
            title="Compare the sweep's finished runs in the Runs tab: their curves overlaid and what differs"
            onClick={() => {
              useCompareRequest.getState().request(finishedRuns);
              useDashboardTab.getState().setTab('runs');
            }}
          >
            Compare {finishedRuns.length >= 2 ? `${finishedRuns.length} runs` : 'runs'}
          </button>
          <button type="button" className="btn btn--small" onClick={() => useSweeps.getState().openDialog()}>
            New sweep…
          </button>
        </div>
        <SweepProgress state={state} />
        {openError ? (
          <p className="error-box" role="alert">
            {openError}
          </p>
        ) : null}
        <SweepTable state={state} onOpen={(r) => void open(r)} canOpen={!busy} />
        {busy ? <p className="muted small">Runs open here once the run training now has ended.</p> : null}
      </div>
      <SweepPlot state={state} />
    </div>
  );
}
