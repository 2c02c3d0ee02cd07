import { useCallback, useEffect, useMemo, useState } from 'react';
import type uPlot from 'uplot';
import type { RunComparison, RunSummary } from '../../../shared/training/runs';
import { getApi } from '../platform';
import { useEditor, useTraining, useWorkbench } from '../state/context';
import { isActive } from '../state/training';
import { startTraining } from './actions';
import { errorText, useUi } from '../state/ui';
import { formatDuration } from './Progress';
import { UPlotChart, type SeriesDef } from './UPlotChart';
import { settingLabel, valueText } from '../../../shared/training/run-names';
import { useRunsRevision } from './runs-revision';
import { ControlHistory } from './ControlHistory';
import { backboneFor, projectOwner, useBackbone } from './backbone';
import { useCompareRequest } from './compare-request';

/** A setting's value from the comparison's JSON text, as people read it. */
function shownValue(json: string): string {
  try {
    return valueText(JSON.parse(json));
  } catch {
    return json;
  }
}

/** A run's name, edited in place: Enter or leaving the field renames it, Escape takes the edit back. */
function RunName({ run, onRename }: { run: RunSummary; onRename: (name: string) => Promise<boolean> }) {
  const [text, setText] = useState(run.name);
  useEffect(() => setText(run.name), [run.name]);
  const commit = async () => {
    const name = text.trim();
    if (name === '' || name === run.name) {
      setText(run.name);
      return;
    }
    if (!(await onRename(name))) setText(run.name);
  };
  return (
    <input
      className="runs__name"
      aria-label={`Name of run ${run.name}`}
      title={`${run.name} — click to rename (${run.runId}, started ${new Date(run.startedAt).toLocaleString()})`}
      value={text}
      maxLength={120}
      onChange={(e) => setText(e.target.value)}
      onBlur={() => void commit()}
      onKeyDown={(e) => {
        if (e.key === 'Enter') e.currentTarget.blur();
        else if (e.key === 'Escape') {
          setText(run.name);
          e.currentTarget.blur();
        }
        e.stopPropagation();
      }}
    />
  );
}

const COLOURS = ['--chart-1', '--chart-2', '--chart-3', '--chart-4'];

const ORIGIN_TEXT: Record<NonNullable<RunSummary['origin']>['kind'], string> = {
  imported: 'imported',
  fineTuned: 'fine-tuned',
  evaluated: 'evaluation',
};

function OverlayChart({ cmp }: { cmp: RunComparison }) {
  const series = useMemo<SeriesDef[]>(() => {
    const names = new Map(cmp.runs.map((r) => [r.runId, r.name]));
    return cmp.curves.map((c, i) => ({ label: names.get(c.runId) ?? c.runId, colorVar: COLOURS[i % COLOURS.length] as string, points: true, dash: i >= 4 ? [4, 3] : undefined }));
  }, [cmp]);
  const data = useMemo<uPlot.AlignedData>(() => {
    const n = Math.max(0, ...cmp.curves.map((c) => c.epochs.length));
    const x = Array.from({ length: n }, (_, i) => i + 1);
    return [x, ...cmp.curves.map((c) => x.map((_, i) => c.epochs[i]?.validation?.loss ?? c.epochs[i]?.train.loss ?? null))];
  }, [cmp]);
  return (
    <UPlotChart
      key={cmp.curves.map((c) => c.runId).join()}
      title="Validation loss per epoch (training loss where a run had no validation)"
      xLabel="epoch"
      yLabel="loss"
      series={series}
      data={data}
      version={1}
      testId="compare-chart"
      integerX
      logToggle
    />
  );
}

function Differences({ cmp }: { cmp: RunComparison }) {
  const names = cmp.runs.map((r) => r.name);
  return (
    <section className="differences" aria-label="What differs">
      <h3 className="panel-subtitle">What differs</h3>
      {cmp.settings.length === 0 ? <p className="muted small">Same settings.</p> : null}
      {cmp.settings.length > 0 ? (
        <table className="runs__table">
          <thead>
            <tr>
              <th scope="col">Setting</th>
              {names.map((n) => (
                <th key={n} scope="col">
                  {n}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {cmp.settings.map((s) => (
              <tr key={s.path}>
                <th scope="row" title={s.path}>
                  {settingLabel(s.path)}
                </th>
                {s.values.map((v, i) => (
                  <td key={i}>{shownValue(v)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <p className="small">
        {cmp.graph.same
          ? 'Same graph.'
          : cmp.graph.differences.map((d) => {
              const parts = [
                d.added.length ? `added ${d.added.join(', ')}` : '',
                d.removed.length ? `removed ${d.removed.join(', ')}` : '',
                ...d.changed.map((c) => `${c.nodeId}.${c.param} ${c.from} → ${c.to}`),
                d.edgesChanged ? 'connections changed' : '',
              ].filter(Boolean);
              return (
                <span key={d.runId} className="differences__graph">
                  Graph of {cmp.runs.find((r) => r.runId === d.runId)?.name ?? d.runId}: {parts.join('; ') || 'same'}.{' '}
                </span>
              );
            })}
      </p>
    </section>
  );
}

/** Each compared run's live changes, in the order they took effect. */
function SettingsHistory({ cmp }: { cmp: RunComparison }) {
  const withChanges = (cmp.controls ?? []).filter((c) => c.changes.length > 0);
  return (
    <section className="differences" aria-label="Settings history">
      <h3 className="panel-subtitle">Settings history</h3>
      {withChanges.length === 0 ? <p className="muted small">No changes while training.</p> : null}
      {withChanges.map((c) => {
        const name = cmp.runs.find((r) => r.runId === c.runId)?.name ?? c.runId;
        return (
          <div key={c.runId}>
            <p className="small">
              <strong>{name}</strong>
            </p>
            <ControlHistory changes={c.changes} label={`Settings history of ${name}`} />
          </div>
        );
      })}
    </section>
  );
}

/** Runs of this project: a table, tick two or more to overlay their curves and see what differs. */
export function RunsPanel() {
  const workbench = useWorkbench();
  const busy = useTraining((s) => isActive(s.run));
  const projectPath = useEditor((s) => s.filePath);
  const draft = useEditor((s) => (s.filePath ? undefined : s.draftId));
  const draftId = useEditor((s) => s.draftId);
  const backbone = backboneFor({ filePath: projectPath, draftId }, useBackbone((s) => s.backbone));
  const chooseBackbone = (r: RunSummary) => {
    useBackbone.getState().set({ runId: r.runId, name: r.name, owner: projectOwner({ filePath: projectPath, draftId }) });
    useUi.getState().notify('info', `${r.name} is the backbone: cut the head after a layer (its card's ⋯ menu), add new layers, freeze what should stay, and train.`);
  };
  const revision = useRunsRevision((s) => s.revision);
  const finished = useTraining((s) => (s.run.status === 'done' || s.run.status === 'error' ? s.run.runId : null));
  const [runs, setRuns] = useState<readonly RunSummary[] | null>(null);
  const [ticked, setTicked] = useState<readonly string[]>([]);
  const [cmp, setCmp] = useState<RunComparison | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      setRuns(await getApi().call('runs.list', { projectPath, ...(draft ? { draft } : {}) }));
      setError(null);
    } catch (e) {
      setError(`Could not list the runs: ${errorText(e)}`);
    }
  }, [projectPath, draft]);

  useEffect(() => {
    void load();
  }, [load, finished, revision]);

  // Another project's comparison and ticks do not stay.
  useEffect(() => {
    setTicked([]);
    setCmp(null);
  }, [projectPath, draft]);

  const rename = async (r: RunSummary, name: string): Promise<boolean> => {
    try {
      const result = await getApi().call('runs.rename', { projectPath, runId: r.runId, name });
      workbench.training.getState().started(r.runId, result.name);
      await load();
      if (cmp) setCmp({ ...cmp, runs: cmp.runs.map((x) => (x.runId === r.runId ? { ...x, name: result.name } : x)) });
      return true;
    } catch (e) {
      setError(`Could not rename ${r.name}: ${errorText(e)}`);
      return false;
    }
  };

  const compare = async (runIds: readonly string[] = ticked) => {
    try {
      setCmp(await getApi().call('runs.compare', { projectPath, runIds: [...runIds] }));
      setError(null);
    } catch (e) {
      setError(`Could not compare: ${errorText(e)}`);
    }
  };

  // "Compare these runs" from a sweep's results: tick them and compare.
  const compareRequest = useCompareRequest((s) => s.serial);
  useEffect(() => {
    const runIds = useCompareRequest.getState().take();
    if (!runIds) return;
    setTicked(runIds);
    if (runIds.length >= 2) void compare(runIds);
    // Only a new request runs this; compare is this render's.
    // eslint-disable-next-line react-hooks/exhaustive-deps -- see above
  }, [compareRequest]);

  const remove = async (r: RunSummary) => {
    try {
      await getApi().call('runs.delete', { projectPath, runId: r.runId });
      setTicked((t) => t.filter((id) => id !== r.runId));
      setCmp(null);
      await load();
    } catch (e) {
      setError(`Could not delete ${r.name}: ${errorText(e)}`);
    }
  };

  return (
    <div className="runs">
      <div className="runs__list">
        <div className="runs__bar">
          <span className="small muted">{projectPath ? 'Runs kept beside this project' : 'Runs of this unsaved project (they move beside it when you save it)'}</span>
          <button type="button" className="btn btn--small" onClick={() => void compare()} disabled={ticked.length < 2}>
            Compare {ticked.length >= 2 ? ticked.length : ''} runs
          </button>
        </div>
        {error ? (
          <p className="error-box" role="alert">
            {error}
          </p>
        ) : null}
        {runs && runs.length === 0 ? <p className="muted small">No runs yet.</p> : null}
        {runs && runs.length > 0 ? (
          <table className="runs__table" aria-label="Run history" data-testid="run-history">
            <thead>
              <tr>
                <th scope="col">
                  <span className="visually-hidden">Compare</span>
                </th>
                <th scope="col">Run</th>
                <th scope="col">Data</th>
                <th scope="col">Epochs</th>
                <th scope="col">Test acc.</th>
                <th scope="col">Time</th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {runs.map((r) => (
                <tr key={r.runId}>
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`Compare ${r.name}`}
                      checked={ticked.includes(r.runId)}
                      onChange={(e) => setTicked((t) => (e.target.checked ? [...t, r.runId] : t.filter((id) => id !== r.runId)))}
                    />
                  </td>
                  <th scope="row">
                    <RunName run={r} onRename={(name) => rename(r, name)} />
                  </th>
                  <td>{r.dataset}</td>
                  <td>{r.epochsDone}</td>
                  <td>{r.test ? `${(r.test.accuracy * 100).toFixed(2)}%` : '—'}</td>
                  <td>{formatDuration(r.seconds)}</td>
                  <td>
                    {r.status}
                    {r.origin ? <span className="muted small"> · {ORIGIN_TEXT[r.origin.kind]}</span> : null}
                    {r.controls ? <span className="muted small"> · {r.controls === 1 ? '1 change' : `${r.controls} changes`}</span> : null}
                    {r.sweep ? <span className="muted small"> · sweep trial {r.sweep.trial + 1}</span> : null}
                  </td>
                  <td>
                    {r.hasModel ? (
                      <>
                        <button
                          type="button"
                          className="btn btn--small"
                          aria-label={`Evaluate ${r.name}`}
                          title="Evaluate this run's weights on the test set (no training)"
                          disabled={busy}
                          onClick={() => void startTraining(workbench, { runId: r.runId, evaluateOnly: true })}
                        >
                          Evaluate
                        </button>
                        <button
                          type="button"
                          className="btn btn--small"
                          aria-label={`Fine-tune from ${r.name}`}
                          title="Train the current graph starting from this run's weights"
                          disabled={busy}
                          onClick={() => void startTraining(workbench, { runId: r.runId, evaluateOnly: false })}
                        >
                          Fine-tune
                        </button>
                        <button
                          type="button"
                          className="btn btn--small"
                          aria-label={`Use ${r.name} as backbone`}
                          aria-pressed={backbone?.runId === r.runId}
                          title="Keep this run's weights as a backbone: cut the head, add new layers, change the data set; training loads every layer that still matches"
                          disabled={busy}
                          onClick={() => chooseBackbone(r)}
                        >
                          Use as backbone
                        </button>
                      </>
                    ) : null}
                    <button type="button" className="btn btn--icon btn--small" aria-label={`Delete ${r.name}`} title="Delete this run" onClick={() => void remove(r)}>
                      ×
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </div>
      {cmp ? (
        <div className="runs__compare">
          <OverlayChart cmp={cmp} />
          <Differences cmp={cmp} />
          <SettingsHistory cmp={cmp} />
        </div>
      ) : null}
    </div>
  );
}
