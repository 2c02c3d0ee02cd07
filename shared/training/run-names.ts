import type { Graph } from '../graph/document';

/**
 * Names people read instead of setting paths: `trainLimit` is "training samples". Dotted paths
 * of nested settings (`earlyStopping.patience`) are looked up whole first, then by their head.
 */
export const SETTING_LABELS: Readonly<Record<string, string>> = {
  dataset: 'data set',
  epochs: 'epochs',
  batchSize: 'batch size',
  optimizer: 'optimizer',
  learningRate: 'lr',
  lrSchedule: 'lr schedule',
  'lrSchedule.kind': 'lr schedule',
  'lrSchedule.factor': 'lr schedule factor',
  'lrSchedule.everyEpochs': 'lr step every',
  'lrSchedule.rate': 'lr decay rate',
  'lrSchedule.minLearningRate': 'lowest lr',
  'lrSchedule.patience': 'lr plateau patience',
  loss: 'loss',
  metrics: 'metrics',
  validationSplit: 'validation split',
  validationSource: 'validate on',
  shuffle: 'shuffle',
  seed: 'seed',
  'earlyStopping.enabled': 'early stopping',
  'earlyStopping.monitor': 'early stopping watches',
  'earlyStopping.patience': 'early stopping patience',
  'earlyStopping.minDelta': 'early stopping min change',
  'earlyStopping.restoreBestWeights': 'restore best weights',
  checkpointBest: 'keep best epoch',
  trainLimit: 'training samples',
  testLimit: 'test samples',
  'data.vocabSize': 'vocabulary',
  'data.sequenceLength': 'sequence length',
  'data.samples': 'points',
  'data.noise': 'noise',
  'data.path': 'data file',
  'data.labelColumn': 'label column',
  'optimizerOptions.momentum': 'momentum',
  'optimizerOptions.nesterov': 'Nesterov',
  'optimizerOptions.weightDecay': 'weight decay',
  'optimizerOptions.beta1': 'beta 1',
  'optimizerOptions.beta2': 'beta 2',
  'optimizerOptions.epsilon': 'epsilon',
  'optimizerOptions.rho': 'rho',
};

/** The readable name of a setting's dotted path; the path itself where none is known. */
export function settingLabel(path: string): string {
  return SETTING_LABELS[path] ?? SETTING_LABELS[path.split('.')[0] ?? ''] ?? path;
}

/** A value as a run name shows it: numbers short, null as "all", strings unquoted. */
export function valueText(value: unknown): string {
  if (value === null || value === undefined) return 'all';
  if (typeof value === 'number') return Number(value.toPrecision(4)).toString();
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  if (Array.isArray(value)) return value.map(valueText).join('×');
  return JSON.stringify(value);
}

/** Leaf paths (dotted) whose values differ between `a` and `b`, with `b`'s value. */
function leafChanges(a: unknown, b: unknown, prefix: string, out: { path: string; value: unknown }[]): void {
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (isObj(a) && isObj(b)) {
    for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) leafChanges(a[k], b[k], prefix ? `${prefix}.${k}` : k, out);
    return;
  }
  if (JSON.stringify(a ?? null) !== JSON.stringify(b ?? null)) out.push({ path: prefix, value: b });
}

/** A layer parameter's name as people say it: `kernelSize` → "kernel size". */
function paramWords(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
}

export interface RunSnapshot {
  readonly settings: unknown;
  readonly graph: Graph;
}

const MAX_PARTS = 3;

/**
 * A run's default name: what differs from the previous run of the same project, such as
 * "filters 16 · lr 0.002" (layer parameters first, then settings; at most three, then "+N more").
 * The first run is "Run 1"; a run that changes nothing is "Run N (same)".
 */
export function defaultRunName(previous: RunSnapshot | null, next: RunSnapshot, runNumber: number): string {
  if (!previous) return `Run ${runNumber}`;
  const parts: string[] = [];
  const before = new Map(previous.graph.nodes.map((n) => [n.id, n]));
  const after = new Set(next.graph.nodes.map((n) => n.id));
  for (const node of next.graph.nodes) {
    const was = before.get(node.id);
    if (!was) {
      parts.push(`+${node.name ?? node.type}`);
      continue;
    }
    const changes: { path: string; value: unknown }[] = [];
    leafChanges(was.params, node.params, '', changes);
    for (const c of changes) parts.push(`${paramWords(c.path.split('.')[0] ?? c.path)} ${valueText(c.value)}`);
  }
  for (const id of before.keys()) if (!after.has(id)) parts.push(`−${before.get(id)?.name ?? before.get(id)?.type ?? id}`);
  const settings: { path: string; value: unknown }[] = [];
  leafChanges(previous.settings, next.settings, '', settings);
  const seen = new Set<string>();
  for (const s of settings) {
    const label = settingLabel(s.path);
    if (seen.has(label)) continue;
    seen.add(label);
    parts.push(`${label} ${valueText(s.value)}`);
  }
  if (parts.length === 0) return `Run ${runNumber} (same)`;
  const shown = parts.slice(0, MAX_PARTS).join(' · ');
  return parts.length > MAX_PARTS ? `${shown} · +${parts.length - MAX_PARTS} more` : shown;
}
