import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { ProjectDoc } from '../../../shared/graph/document';
import { getApi } from '../platform';
import { useAnalysis } from '../state/analysis';
import { useEditor, useEditorStore } from '../state/context';
import { errorText } from '../state/ui';
import { useDashboardTab } from './dashboard-tab';
import { usePanels } from '../shell/panel-sizes';
import {
  METRIC_LABELS,
  SETTING_LABELS,
  buildSweepSpec,
  metricsFor,
  newRow,
  rowChoices,
  rowKey,
  sweepableLayers,
  type SweepFormFields,
  type SweepRowFields,
  type SweepRowTarget,
} from './sweep-form';
import { useSweeps } from './sweep-store';

/** The "Sweep…" dialog, opened from the training settings. */
export function SweepDialog() {
  const open = useSweeps((s) => s.dialogOpen);
  return open ? <SweepForm /> : null;
}

let rowCounter = 0;
const nextRowId = () => `row-${++rowCounter}`;

/** The last fields used, per project, so that a second sweep starts from the first one's. */
const remembered = new Map<string, SweepFormFields>();

function initialFields(doc: ProjectDoc, task: 'classification' | 'regression'): SweepFormFields {
  return { rows: [newRow(doc, nextRowId(), 'lr')], strategy: 'grid', randomCount: '10', seed: '1', metric: metricsFor(task)[0] as SweepFormFields['metric'], parallel: '1' };
}

const TARGETS: readonly [SweepRowTarget, string][] = [...(Object.entries(SETTING_LABELS) as [SweepRowTarget, string][]), ['layer', 'A layer setting…']];

function SweepRowEditor({ doc, row, error, index, onChange, onRemove }: { doc: ProjectDoc; row: SweepRowFields; error: string | undefined; index: number; onChange: (row: SweepRowFields) => void; onRemove: () => void }) {
  const id = useId();
  const layers = useMemo(() => sweepableLayers(doc), [doc]);
  const layer = layers.find((l) => l.nodeId === row.nodeId);
  const choices = rowChoices(doc, row);
  const n = index + 1;
  const setTarget = (target: SweepRowTarget) => {
    if (target === 'layer') {
      const first = layers.find((l) => l.params.some((p) => p.name === 'units')) ?? layers[0];
      const param = first?.params.find((p) => p.name === 'units') ?? first?.params[0];
      onChange(newRow(doc, row.id, 'layer', first?.nodeId ?? '', param?.name ?? ''));
    } else onChange(newRow(doc, row.id, target));
  };
  const errorId = `${id}-error`;
  const describe = error ? errorId : undefined;
  return (
    <li className={`sweep-row${error ? ' has-error' : ''}`} data-testid="sweep-row">
      <div className="sweep-row__what">
        <label className="field__label" htmlFor={`${id}-target`}>
          Setting {n}
        </label>
        <select id={`${id}-target`} className="sweep-row__select" value={row.target} onChange={(e) => setTarget(e.target.value as SweepRowTarget)}>
          {TARGETS.map(([value, label]) => (
            <option key={value} value={value} disabled={value === 'layer' && layers.length === 0}>
              {label}
            </option>
          ))}
        </select>
        {row.target === 'layer' ? (
          <>
            <select
              aria-label={`Layer of setting ${n}`}
              className="sweep-row__select"
              value={row.nodeId}
              onChange={(e) => {
                const l = layers.find((x) => x.nodeId === e.target.value);
                const param = l?.params.find((p) => p.name === row.param) ?? l?.params[0];
                onChange(newRow(doc, row.id, 'layer', e.target.value, param?.name ?? ''));
              }}
            >
              {layers.map((l) => (
                <option key={l.nodeId} value={l.nodeId}>
                  {l.nodeId} ({l.type})
                </option>
              ))}
            </select>
            <select aria-label={`Parameter of setting ${n}`} className="sweep-row__select" value={row.param} onChange={(e) => onChange(newRow(doc, row.id, 'layer', row.nodeId, e.target.value))}>
              {(layer?.params ?? []).map((p) => (
                <option key={p.name} value={p.name}>
                  {p.label}
                </option>
              ))}
            </select>
          </>
        ) : null}
        <button type="button" className="btn btn--icon btn--small sweep-row__remove" aria-label={`Remove setting ${n}`} title="Do not vary this setting" onClick={onRemove}>
          ×
        </button>
      </div>
      <div className="sweep-row__values">
        {choices ? null : (
          <div className="sweep-row__mode" role="radiogroup" aria-label={`Setting ${n} given as`}>
            {(['list', 'range'] as const).map((m) => (
              <label key={m} className="sweep-row__radio">
                <input type="radio" name={`${id}-mode`} value={m} checked={row.mode === m} onChange={() => onChange({ ...row, mode: m })} />
                {m === 'list' ? 'List' : 'Range'}
              </label>
            ))}
          </div>
        )}
        {row.mode === 'list' || choices ? (
          <label className="sweep-row__field sweep-row__field--wide">
            <span className="field__label">Values of setting {n}</span>
            <input
              type="text"
              className="sweep-row__input"
              value={row.list}
              placeholder={choices ? choices.join(',') : '32,64,128'}
              aria-invalid={error ? true : undefined}
              aria-describedby={describe}
              onChange={(e) => onChange({ ...row, list: e.target.value })}
            />
          </label>
        ) : (
          <>
            {(
              [
                ['from', 'From'],
                ['to', 'To'],
                ['count', 'Count'],
              ] as const
            ).map(([key, label]) => (
              <label key={key} className="sweep-row__field">
                <span className="field__label">
                  {label}
                  <span className="visually-hidden"> (setting {n})</span>
                </span>
                <input
                  type="text"
                  inputMode="decimal"
                  className="sweep-row__input sweep-row__input--num"
                  value={row[key]}
                  aria-invalid={error ? true : undefined}
                  aria-describedby={describe}
                  onChange={(e) => onChange({ ...row, [key]: e.target.value })}
                />
              </label>
            ))}
            <label className="sweep-row__field">
              <span className="field__label">
                Scale<span className="visually-hidden"> (setting {n})</span>
              </span>
              <select className="sweep-row__select" value={row.scale} onChange={(e) => onChange({ ...row, scale: e.target.value as 'linear' | 'log' })}>
                <option value="linear">Linear</option>
                <option value="log">Log</option>
              </select>
            </label>
          </>
        )}
      </div>
      {error ? (
        <p className="field__error" id={errorId} role="alert">
          {error}
        </p>
      ) : null}
    </li>
  );
}

function SweepForm() {
  const store = useEditorStore();
  const doc = useEditor((s) => s.doc);
  const projectPath = useEditor((s) => s.filePath);
  const draftId = useEditor((s) => s.draftId);
  const { dataset, blockers } = useAnalysis();
  const task = dataset?.task ?? 'classification';
  const owner = projectPath ?? draftId;
  const [fields, setFields] = useState<SweepFormFields>(() => {
    const last = remembered.get(owner);
    return last && last.rows.every((r) => r.target !== 'layer' || doc.graph.nodes.some((n) => n.id === r.nodeId)) ? last : initialFields(doc, task);
  });
  const [submitted, setSubmitted] = useState(false);
  const [starting, setStarting] = useState(false);
  const [startError, setStartError] = useState<string | null>(null);
  const titleId = useId();
  const dialog = useRef<HTMLDivElement>(null);
  const close = () => useSweeps.getState().closeDialog();
  const build = useMemo(() => buildSweepSpec(doc, fields), [doc, fields]);
  useEffect(() => {
    dialog.current?.querySelector<HTMLElement>('select, input, button')?.focus();
  }, []);
  useEffect(() => {
    remembered.set(owner, fields);
  }, [owner, fields]);

  // Errors show once a row was edited or Start was pressed, not while the dialog first opens.
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
  const errors = build.ok ? null : build.errors;
  const rowError = (id: string) => (submitted || touched.has(id) ? errors?.rows[id] : undefined);
  const setRow = (row: SweepRowFields) => {
    setTouched((t) => new Set(t).add(row.id));
    setFields((f) => ({ ...f, rows: f.rows.map((r) => (r.id === row.id ? row : r)) }));
  };
  const grid = fields.strategy === 'grid';
  const blocked = blockers.length > 0 ? `Fix the model first: ${blockers[0]?.message ?? 'it cannot train'}` : null;

  const start = async () => {
    setSubmitted(true);
    setStartError(null);
    if (!build.ok || blocked || starting) return;
    setStarting(true);
    try {
      const state = await getApi().call('sweep.start', { doc: store.getState().doc, projectPath, spec: build.spec, ...(projectPath ? {} : { draft: draftId }) });
      useSweeps.getState().upsert(state);
      useSweeps.getState().show(state.sweepId);
      useDashboardTab.getState().setTab('sweeps');
      // The dashboard shows the sweep's progress: bring it back if it was hidden.
      if (usePanels.getState().sizes.dashboard.collapsed) usePanels.getState().toggle('dashboard');
      close();
    } catch (e) {
      setStartError(`The sweep could not start: ${errorText(e)}`);
    } finally {
      setStarting(false);
    }
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key === 'Escape') {
      e.stopPropagation();
      close();
      return;
    }
    if (e.key === 'Enter' && !e.shiftKey && e.target instanceof HTMLSelectElement) {
      // Enter on a choice starts too (inputs submit the form themselves).
      e.preventDefault();
      void start();
      return;
    }
    if (e.key !== 'Tab' || !dialog.current) return;
    // Tab stays inside the dialog.
    const focusable = [...dialog.current.querySelectorAll<HTMLElement>('select, input, button, [tabindex="0"]')].filter((el) => !el.hasAttribute('disabled'));
    const first = focusable[0];
    const last = focusable[focusable.length - 1];
    if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault();
      first?.focus();
    } else if (e.shiftKey && document.activeElement === first) {
      e.preventDefault();
      last?.focus();
    }
  };

  const runsText = build.ok
    ? `${build.trials.length} ${build.trials.length === 1 ? 'run' : 'runs'}${grid && fields.rows.length > 1 ? ` (${fields.rows.map((r) => new Set(build.trials.map((t) => String(t[rowKey(r)])))).map((s) => s.size).join(' × ')})` : ''}`
    : null;

  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && close()}>
      <div ref={dialog} className="modal sweep-dialog" role="dialog" aria-modal="true" aria-labelledby={titleId} onKeyDown={onKeyDown}>
        <h2 id={titleId} className="modal__title">
          Sweep settings
        </h2>
        <p className="muted small">Train one run per combination of the values below; each is an ordinary run of this project (comparable, exportable).</p>
        <form
          className="sweep-dialog__form"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void start();
          }}
        >
          <ul className="sweep-dialog__rows" aria-label="Settings to vary">
            {fields.rows.map((row, i) => (
              <SweepRowEditor
                key={row.id}
                doc={doc}
                row={row}
                index={i}
                error={rowError(row.id)}
                onChange={setRow}
                onRemove={() => setFields((f) => ({ ...f, rows: f.rows.filter((r) => r.id !== row.id) }))}
              />
            ))}
          </ul>
          <div>
            <button
              type="button"
              className="btn btn--small"
              disabled={fields.rows.length >= 8}
              onClick={() => {
                const taken = new Set(fields.rows.map((r) => r.target));
                const target = (['lr', 'batchSize', 'epochs', 'optimizer'] as const).find((t) => !taken.has(t));
                const id = nextRowId();
                let row = newRow(doc, id, target ?? 'layer');
                if (!target) {
                  const l = sweepableLayers(doc)[0];
                  row = newRow(doc, id, 'layer', l?.nodeId ?? '', l?.params[0]?.name ?? '');
                }
                setFields((f) => ({ ...f, rows: [...f.rows, row] }));
              }}
            >
              Add a setting
            </button>
          </div>
          <div className="sweep-dialog__options">
            <fieldset className="sweep-dialog__strategy">
              <legend className="field__label">Runs</legend>
              <label className="sweep-row__radio">
                <input type="radio" name="sweep-strategy" checked={grid} onChange={() => setFields((f) => ({ ...f, strategy: 'grid' }))} />
                Grid: every combination
              </label>
              <label className="sweep-row__radio">
                <input type="radio" name="sweep-strategy" checked={!grid} onChange={() => setFields((f) => ({ ...f, strategy: 'random' }))} />
                Random draws
              </label>
              {!grid ? (
                <div className="sweep-dialog__random">
                  <label className="sweep-row__field">
                    <span className="field__label">Number of runs</span>
                    <input className="sweep-row__input sweep-row__input--num" type="text" inputMode="numeric" value={fields.randomCount} aria-invalid={submitted && errors?.randomCount ? true : undefined} onChange={(e) => setFields((f) => ({ ...f, randomCount: e.target.value }))} />
                  </label>
                  <label className="sweep-row__field">
                    <span className="field__label">Seed</span>
                    <input className="sweep-row__input sweep-row__input--num" type="text" inputMode="numeric" value={fields.seed} aria-invalid={submitted && errors?.seed ? true : undefined} onChange={(e) => setFields((f) => ({ ...f, seed: e.target.value }))} />
                  </label>
                </div>
              ) : null}
              {errors?.randomCount && (submitted || !grid) ? <p className="field__error" role="alert">{errors.randomCount}</p> : null}
              {errors?.seed && (submitted || !grid) ? <p className="field__error" role="alert">{errors.seed}</p> : null}
            </fieldset>
            <label className="sweep-row__field">
              <span className="field__label">Rank by</span>
              <select className="sweep-row__select" value={fields.metric} onChange={(e) => setFields((f) => ({ ...f, metric: e.target.value as SweepFormFields['metric'] }))}>
                {metricsFor(task).map((m) => (
                  <option key={m} value={m}>
                    {METRIC_LABELS[m]}
                  </option>
                ))}
              </select>
            </label>
            <label className="sweep-row__field">
              <span className="field__label">Runs at once</span>
              <input className="sweep-row__input sweep-row__input--num" type="text" inputMode="numeric" value={fields.parallel} aria-invalid={errors?.parallel ? true : undefined} onChange={(e) => setFields((f) => ({ ...f, parallel: e.target.value }))} />
            </label>
          </div>
          {errors?.parallel ? (
            <p className="field__error" role="alert">
              {errors.parallel}
            </p>
          ) : null}
          <p className="sweep-dialog__summary" data-testid="sweep-run-count" role="status">
            {runsText ? (
              <>
                <strong>{runsText}</strong> on {doc.training.trainLimit ? `${doc.training.trainLimit.toLocaleString('en-US')} training samples` : 'all training samples'}, ranked by {METRIC_LABELS[fields.metric].toLowerCase()}.
              </>
            ) : (
              'Fix the values above to see how many runs.'
            )}
          </p>
          {errors?.form && (submitted || fields.rows.length === 0) ? (
            <p className="field__error" role="alert">
              {errors.form}
            </p>
          ) : null}
          {blocked ? <p className="field__error">{blocked}</p> : null}
          {startError ? (
            <p className="error-box" role="alert">
              {startError}
            </p>
          ) : null}
          <div className="modal__actions">
            <button type="button" className="btn" onClick={close}>
              Cancel
            </button>
            <button type="submit" className="btn btn--primary" disabled={starting || blocked !== null}>
              {starting ? 'Starting…' : build.ok ? `Start ${build.trials.length} ${build.trials.length === 1 ? 'run' : 'runs'}` : 'Start sweep'}
            </button>
          </div>
        </form>
      </div>
    </div>
  );
}
