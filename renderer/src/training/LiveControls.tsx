import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { LR_SCHEDULE_KINDS, type LrSchedule } from '../../../shared/graph/document';
import { defaultSchedule, formatRate, type RunChange } from '../../../shared/training/control';
import { useEditor, useTraining, useTrainingStore } from '../state/context';
import { sendRunChange } from './control-actions';

const SCHEDULE_LABELS: Record<LrSchedule['kind'], string> = {
  constant: 'Constant',
  step: 'Step decay',
  exponential: 'Exponential decay',
  cosine: 'Cosine decay',
  reduceOnPlateau: 'Reduce on plateau',
};

interface SetRowProps {
  readonly id: string;
  readonly label: string;
  readonly inputMode: 'decimal' | 'numeric';
  readonly value: string;
  /** The run's current value, shown while the field is empty. */
  readonly placeholder: string;
  readonly onChange: (text: string) => void;
  readonly onSubmit: (e: FormEvent) => void;
  /** The change is on its way: Set is disabled. */
  readonly busy: boolean;
  /** The Set button's tooltip. */
  readonly title: string;
  /** More fields, between the value and Set. */
  readonly children?: ReactNode;
}

/** One "type a value, Enter or Set" row of the live controls. */
function SetRow({ id, label, inputMode, value, placeholder, onChange, onSubmit, busy, title, children }: SetRowProps) {
  return (
    <form className="live-controls__row" onSubmit={onSubmit}>
      <label className="live-controls__label" htmlFor={id}>
        {label}
      </label>
      <input id={id} className="input live-controls__number" type="text" inputMode={inputMode} value={value} placeholder={placeholder} onChange={(e) => onChange(e.target.value)} />
      {children}
      <button type="submit" className="btn btn--small" disabled={busy} title={title}>
        Set
      </button>
    </form>
  );
}

/**
 * Changes to the run under way: the learning rate (and schedule), the number of epochs, stop
 * after this epoch, early stopping, a checkpoint now. Each takes effect before the next batch.
 */
export function LiveControls() {
  const training = useTrainingStore();
  const runId = useTraining((s) => s.run.runId);
  const running = useTraining((s) => s.run.status === 'running' && s.run.started !== null);
  const epochs = useTraining((s) => s.run.started?.epochs ?? 0);
  const settingsLr = useEditor((s) => s.doc.training.learningRate);
  const lr = useTraining((s) => s.run.lastBatch?.learningRate) ?? settingsLr;
  const controls = useTraining((s) => s.run.controls);
  const settingsEarly = useEditor((s) => s.doc.training.earlyStopping.enabled);
  const [lrText, setLrText] = useState('');
  const [schedule, setSchedule] = useState<'keep' | LrSchedule['kind']>('keep');
  const [epochsText, setEpochsText] = useState('');
  const [pending, setPending] = useState<RunChange['kind'] | null>(null);
  const [error, setError] = useState<string | null>(null);

  // A new run starts with empty fields (its own values as placeholders).
  useEffect(() => {
    setLrText('');
    setEpochsText('');
    setSchedule('keep');
    setError(null);
  }, [runId]);
  // A pending change is done when its event arrives.
  useEffect(() => setPending(null), [controls.length]);

  const last = <K extends RunChange['kind']>(kind: K) => [...controls].reverse().find((c) => c.change.kind === kind)?.change as Extract<RunChange, { kind: K }> | undefined;
  const stopAfter = last('stopAfterEpoch')?.enabled ?? false;
  const early = last('earlyStopping')?.enabled ?? settingsEarly;

  const send = async (change: RunChange) => {
    setError(null);
    setPending(change.kind);
    if (!(await sendRunChange(training, change))) setPending(null);
  };

  const onRate = (e: FormEvent) => {
    e.preventDefault();
    const value = lrText.trim() === '' ? lr : Number(lrText);
    if (!Number.isFinite(value) || value <= 0 || value > 10) {
      setError('The learning rate must be a number above 0 and at most 10.');
      return;
    }
    void send({ kind: 'learningRate', learningRate: value, ...(schedule === 'keep' ? {} : { schedule: defaultSchedule(schedule) }) });
  };

  const onEpochs = (e: FormEvent) => {
    e.preventDefault();
    const value = Number(epochsText);
    if (epochsText.trim() === '' || !Number.isInteger(value) || value < 1 || value > 10_000) {
      setError('Epochs must be a whole number from 1 to 10000.');
      return;
    }
    void send({ kind: 'epochs', epochs: value });
  };

  if (!running) return null;
  return (
    <section className="live-controls" aria-label="Change the run while it trains">
      <h3 className="panel-subtitle">Change while training</h3>
      <SetRow id="live-lr" label="New learning rate" inputMode="decimal" value={lrText} placeholder={formatRate(lr)} onChange={setLrText} onSubmit={onRate} busy={pending === 'learningRate'} title="From the next batch (Enter)">
        <select className="input live-controls__select" aria-label="Schedule from now on" value={schedule} onChange={(e) => setSchedule(e.target.value as typeof schedule)}>
          <option value="keep">same schedule</option>
          {LR_SCHEDULE_KINDS.map((k) => (
            <option key={k} value={k}>
              {SCHEDULE_LABELS[k]}
            </option>
          ))}
        </select>
      </SetRow>
      <SetRow id="live-epochs" label="Total epochs" inputMode="numeric" value={epochsText} placeholder={String(epochs)} onChange={setEpochsText} onSubmit={onEpochs} busy={pending === 'epochs'} title="The run's total number of epochs (Enter)" />
      <div className="live-controls__row">
        <button
          type="button"
          className={`btn btn--small${stopAfter ? ' is-active' : ''}`}
          aria-pressed={stopAfter}
          disabled={pending === 'stopAfterEpoch'}
          onClick={() => void send({ kind: 'stopAfterEpoch', enabled: !stopAfter })}
          title="End the run, with its test evaluation, when the epoch under way is done"
        >
          Finish after this epoch
        </button>
        <button type="button" className="btn btn--small" disabled={pending === 'checkpoint'} onClick={() => void send({ kind: 'checkpoint' })} title="Save the weights as they are now in the run folder">
          Checkpoint now
        </button>
      </div>
      <label className="live-controls__check">
        <input type="checkbox" checked={early} disabled={pending === 'earlyStopping'} onChange={(e) => void send({ kind: 'earlyStopping', enabled: e.target.checked })} />
        Early stopping for this run
      </label>
      {pending ? (
        <p className="muted small" role="status">
          Applying before the next batch…
        </p>
      ) : null}
      {error ? (
        <p className="error-box small" role="alert">
          {error}
        </p>
      ) : null}
    </section>
  );
}
