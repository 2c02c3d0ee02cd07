import { OPTIMIZERS, TrainingSettingsSchema, type TrainingSettings } from '../../../shared/graph/document';
import { useEditor, useEditorStore } from '../state/context';
import { useAnalysis } from '../state/analysis';
import { useUi } from '../state/ui';
import { isActive } from '../state/training';
import { formatCount } from '../canvas/format';
import { NumberField, SelectField } from './fields';
import { IssueList } from './IssueList';

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

/** The run settings, shown when nothing is selected. */
export function TrainingSettingsForm() {
  const store = useEditorStore();
  const t = useEditor((s) => s.doc.training);
  const locked = useEditor((s) => isActive(s.training));
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
          options={datasets.map((d) => ({ value: d.id, label: d.name }))}
          help={dataset ? `${formatCount(dataset.trainSize)} training, ${formatCount(dataset.testSize)} test samples of ${dataset.sampleShape.join('×')}` : undefined}
          onCommit={(v) => set({ dataset: v as TrainingSettings['dataset'] })}
        />
        {num('epochs', 'Epochs', 'Passes over the training samples.', true, { min: 1 })}
        {num('batchSize', 'Batch size', 'Samples per weight update.', true, { min: 1 })}
        <SelectField
          label="Optimizer"
          value={t.optimizer}
          options={OPTIMIZERS.map((o) => ({ value: o, label: o === 'sgd' ? 'SGD' : 'Adam' }))}
          help="Adam adapts the step size per weight; SGD is plain gradient descent."
          onCommit={(v) => set({ optimizer: v as TrainingSettings['optimizer'] })}
        />
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
      </fieldset>
      <IssueList issues={[...graphIssues, ...trainIssues.filter((i) => !i.nodeId)]} title="Model problems" />
    </div>
  );
}
