import { DataOptionsSchema, LOSSES, OPTIMIZERS, TrainingSettingsSchema, type DataOptions, type TrainingSettings } from '../../../shared/graph/document';
import { useEditor, useEditorStore, useTraining } from '../state/context';
import { useAnalysis } from '../state/analysis';
import { useUi } from '../state/ui';
import { isActive } from '../state/training';
import { formatCount } from '../canvas/format';
import { CheckboxField, NumberField, SelectField } from './fields';
import { IssueList } from './IssueList';
import { DataFileFields } from './DataFileFields';
import { useSweeps } from '../training/sweep-store';

type NumericKey = 'epochs' | 'batchSize' | 'learningRate' | 'validationSplit' | 'trainLimit' | 'testLimit';

/** Why `value` cannot be `key`, from the document schema; null when fine. */
function reason(key: NumericKey, label: string, value: number | null): string | null {
  const r = TrainingSettingsSchema.shape[key].safeParse(value);
  if (r.success) return null;
  const issue = r.error.issues[0];
  if (issue?.code === 'too_small') return `${label} must be ${issue.inclusive ? 'at least' : 'more than'} ${String(issue.minimum)}`;
  if (issue?.code === 'too_big') return `${label} must be at most ${String(issue.maximum)}`;
  return `${label} is not valid`;
}

const OPTIMIZER_LABELS: Readonly<Record<string, string>> = { sgd: 'SGD', adam: 'Adam', adamw: 'AdamW', rmsprop: 'RMSprop', adagrad: 'Adagrad', adadelta: 'Adadelta' };
const LOSS_LABELS: Readonly<Record<string, string>> = {
  categoricalCrossentropy: 'Categorical cross-entropy',
  sparseCategoricalCrossentropy: 'Sparse categorical cross-entropy',
  binaryCrossentropy: 'Binary cross-entropy',
  meanSquaredError: 'Mean squared error',
  meanAbsoluteError: 'Mean absolute error',
  huber: 'Huber',
  hinge: 'Hinge',
};

/** Data-set options this form offers, with their words. */
/** One sample's size in words: "28×28 each", "2 values each". */
export function sampleText(shape: readonly (number | null)[]): string {
  if (shape.length === 1) return `${shape[0] ?? '?'} values each`;
  return `${shape.map((d) => d ?? '?').join('×')} each`;
}

const DATA_FIELDS: readonly { key: 'vocabSize' | 'sequenceLength' | 'samples' | 'noise'; label: string; help: string; integer: boolean }[] = [
  { key: 'vocabSize', label: 'Vocabulary size', help: 'The most frequent words kept; the rest become <unk>.', integer: true },
  { key: 'sequenceLength', label: 'Sequence length', help: 'Tokens per text: longer ones are cut, shorter ones padded.', integer: true },
  { key: 'samples', label: 'Points', help: 'Number of generated points.', integer: true },
  { key: 'noise', label: 'Noise', help: '0 (none) to 1 (classes overlap heavily).', integer: false },
];

function dataReason(key: keyof DataOptions, label: string, value: number | null): string | null {
  const r = DataOptionsSchema.shape[key].safeParse(value);
  if (r.success) return null;
  const issue = r.error.issues[0];
  if (issue?.code === 'too_small') return `${label} must be at least ${String(issue.minimum)}`;
  if (issue?.code === 'too_big') return `${label} must be at most ${String(issue.maximum)}`;
  return `${label} is not valid`;
}

/** The run settings, shown when nothing is selected. */
export function TrainingSettingsForm() {
  const store = useEditorStore();
  const t = useEditor((s) => s.doc.training);
  const locked = useTraining((s) => isActive(s.run));
  const datasets = useUi((s) => s.datasets);
  const { dataset, graph, trainIssues } = useAnalysis();
  const set = (patch: Partial<TrainingSettings>, key?: string) => store.getState().setTraining(patch, key);

  const num = (key: NumericKey, label: string, help: string, integer: boolean, extra: { allowEmpty?: boolean; placeholder?: string; min?: number; max?: number } = {}) => (
    <NumberField
      label={label}
      help={help}
      value={t[key]}
      integer={integer}
      check={(v) => reason(key, label, v)}
      onCommit={(v, k) => set({ [key]: v } as Partial<TrainingSettings>, k)}
      {...extra}
    />
  );

  const graphIssues = graph.issues.filter((i) => !i.nodeId);

  return (
    <div className="inspector__section" aria-label="Training settings">
      <header className="inspector__head">
        <h2 className="panel-title">Training</h2>
      </header>
      <p className="inspector__desc">Select a layer to edit it. These settings apply to the whole run.</p>
      <fieldset className="fields" disabled={locked}>
        <SelectField
          label="Dataset"
          value={t.dataset}
          options={datasets.map((d) => ({ value: d.id, label: d.available === false ? `${d.name} (not installed)` : d.name }))}
          help={dataset?.available === false ? (dataset.unavailableReason ?? 'Not installed.') : dataset ? `${formatCount(dataset.trainSize)} training, ${formatCount(dataset.testSize)} test samples, ${sampleText(dataset.sampleShape)}` : undefined}
          onCommit={(v) => set({ dataset: v as TrainingSettings['dataset'] })}
        />
        <DataFileFields training={t} options={dataset?.options ?? []} onData={(d, k) => set({ data: { ...t.data, ...d } }, k)} />
        {num('epochs', 'Epochs', 'Passes over the training samples.', true, { min: 1 })}
        {num('batchSize', 'Batch size', 'Samples per weight update.', true, { min: 1 })}
        <SelectField
          label="Optimizer"
          value={t.optimizer}
          options={OPTIMIZERS.map((o) => ({ value: o, label: OPTIMIZER_LABELS[o] ?? o }))}
          help="Adam adapts the step size per weight; SGD is plain gradient descent."
          onCommit={(v) => set({ optimizer: v as TrainingSettings['optimizer'] })}
        />
        <SelectField
          label="Loss"
          value={t.loss}
          options={LOSSES.map((l) => ({ value: l, label: LOSS_LABELS[l] ?? l }))}
          help="What training minimises: cross-entropy for classes, squared error for numbers."
          onCommit={(v) => set({ loss: v as TrainingSettings['loss'] })}
        />
        {DATA_FIELDS.filter((f) => dataset?.options.includes(f.key)).map((f) => (
          <NumberField
            key={f.key}
            label={f.label}
            help={f.help}
            value={t.data[f.key]}
            integer={f.integer}
            check={(v) => dataReason(f.key, f.label, v)}
            onCommit={(v, k) => {
              if (v !== null) set({ data: { ...t.data, [f.key]: v } }, k);
            }}
          />
        ))}
        {num('learningRate', 'Learning rate', 'Step size of each update (Adam: 0.001).', false, { min: 0, max: 10 })}
        {num('validationSplit', 'Validation split', 'Fraction held out to measure each epoch (0 to 0.5).', false, { min: 0, max: 0.5 })}
        {num('trainLimit', 'Training samples', 'Use only the first N training samples; empty for all.', true, {
          allowEmpty: true,
          placeholder: dataset ? `all (${formatCount(dataset.trainSize)})` : 'all',
          min: 1,
        })}
        {num('testLimit', 'Test samples', 'Evaluate on only the first N test samples; empty for all.', true, {
          allowEmpty: true,
          placeholder: dataset ? `all (${formatCount(dataset.testSize)})` : 'all',
          min: 1,
        })}
        <NumberField
          label="Seed"
          help="Makes a run repeatable on the same backend; empty for a random start."
          value={t.seed}
          integer
          allowEmpty
          placeholder="random"
          check={(v) => (v === null || (v >= 0 && v <= 2 ** 31 - 1) ? null : 'Seed must be between 0 and 2147483647')}
          onCommit={(v, k) => set({ seed: v }, k)}
        />
        <CheckboxField
          label="Early stopping"
          help={`Stop when the validation loss has not improved for ${t.earlyStopping.patience} epochs, keeping the best weights.`}
          value={t.earlyStopping.enabled}
          onCommit={(v) => set({ earlyStopping: { ...t.earlyStopping, enabled: v } })}
        />
      </fieldset>
      <div className="inspector__actions">
        <button type="button" className="btn btn--small" onClick={() => useSweeps.getState().openDialog()} title="Train several runs, varying settings you pick, and compare them">
          Sweep…
        </button>
      </div>
      <IssueList issues={[...graphIssues, ...trainIssues.filter((i) => !i.nodeId)]} title="Model problems" />
    </div>
  );
}
