import type { ProjectDoc } from '../../../shared/graph/document';
import { getLayerSpec } from '../../../shared/layers/registry';
import type { ParamSpec } from '../../../shared/layers/types';
import {
  MAX_SWEEP_RUNS,
  SweepError,
  expandTrials,
  sweepTarget,
  sweepableParams,
  type SweepMetric,
  type SweepSpec,
  type SweepValue,
} from '../../../shared/training/sweep';

/**
 * The sweep dialog's fields as typed, and how they become a sweep spec: each varied setting a
 * list (`32,64,128`) or a range (from, to, count, linear or log), grid or random, a metric and
 * how many runs train at once. Pure, so that the dialog's rules are unit-tested.
 */

export type SweepSettingTarget = 'lr' | 'batchSize' | 'epochs' | 'optimizer';
export type SweepRowTarget = SweepSettingTarget | 'layer';

export interface SweepRowFields {
  readonly id: string;
  readonly target: SweepRowTarget;
  /** For `layer`: the node and its parameter. */
  readonly nodeId: string;
  readonly param: string;
  readonly mode: 'list' | 'range';
  readonly list: string;
  readonly from: string;
  readonly to: string;
  readonly count: string;
  readonly scale: 'linear' | 'log';
}

export interface SweepFormFields {
  readonly rows: readonly SweepRowFields[];
  readonly strategy: 'grid' | 'random';
  readonly randomCount: string;
  readonly seed: string;
  readonly metric: Exclude<SweepMetric, 'auto'>;
  readonly parallel: string;
}

export const SETTING_LABELS: Readonly<Record<SweepSettingTarget, string>> = {
  lr: 'Learning rate',
  batchSize: 'Batch size',
  epochs: 'Epochs',
  optimizer: 'Optimizer',
};

export const METRIC_LABELS: Readonly<Record<Exclude<SweepMetric, 'auto'>, string>> = {
  'test.accuracy': 'Test accuracy',
  'test.loss': 'Test loss',
  'val.accuracy': 'Validation accuracy',
  'val.loss': 'Validation loss',
};

/** The metrics a task can rank by, the default first. */
export function metricsFor(task: 'classification' | 'regression'): Exclude<SweepMetric, 'auto'>[] {
  return task === 'regression' ? ['test.loss', 'val.loss'] : ['test.accuracy', 'test.loss', 'val.accuracy', 'val.loss'];
}

/** The key a row varies, as the back end and the command line name it. */
export function rowKey(row: Pick<SweepRowFields, 'target' | 'nodeId' | 'param'>): string {
  return row.target === 'layer' ? `${row.nodeId}.${row.param}` : row.target;
}

/** A row's human name: "Learning rate", "hidden1 · Units". */
export function rowLabel(doc: ProjectDoc, row: Pick<SweepRowFields, 'target' | 'nodeId' | 'param'>): string {
  if (row.target !== 'layer') return SETTING_LABELS[row.target];
  return keyLabel(doc, rowKey(row));
}

/** A sweep key's human name: `lr` → "Learning rate", `hidden1.units` → "hidden1 · Units". */
export function keyLabel(doc: ProjectDoc, key: string): string {
  if (key in SETTING_LABELS) return SETTING_LABELS[key as SweepSettingTarget];
  const dot = key.lastIndexOf('.');
  if (dot <= 0) return key;
  const nodeId = key.slice(0, dot);
  const name = key.slice(dot + 1);
  const node = doc.graph.nodes.find((n) => n.id === nodeId);
  const param = node ? getLayerSpec(node.type)?.params.find((p) => p.name === name) : undefined;
  return `${nodeId} · ${param?.label ?? name}`;
}

/** The layers of the graph with at least one parameter a sweep can vary (numbers or choices). */
export function sweepableLayers(doc: ProjectDoc): { nodeId: string; type: string; params: readonly ParamSpec[] }[] {
  return doc.graph.nodes
    .map((n) => ({ nodeId: n.id, type: n.type, params: sweepableParams(n.type).filter((p) => p.kind === 'int' || p.kind === 'float' || p.kind === 'enum' || p.kind === 'bool') }))
    .filter((l) => l.params.length > 0);
}

/** The values a row's setting must come from (optimizers, a layer's choices), or null for numbers. */
export function rowChoices(doc: ProjectDoc, row: Pick<SweepRowFields, 'target' | 'nodeId' | 'param'>): readonly string[] | null {
  let target;
  try {
    target = sweepTarget(doc, rowKey(row));
  } catch {
    return null;
  }
  if (target.kind === 'setting') return target.options;
  if (target.param.kind === 'enum') return target.param.options;
  if (target.param.kind === 'bool') return ['true', 'false'];
  return null;
}

/** A row's first values: the current value and its neighbours, so a new row is a valid start. */
export function newRow(doc: ProjectDoc, id: string, target: SweepRowTarget, nodeId = '', param = ''): SweepRowFields {
  const base: SweepRowFields = { id, target, nodeId, param, mode: 'list', list: '', from: '', to: '', count: '3', scale: 'linear' };
  const t = doc.training;
  switch (target) {
    case 'lr':
      return { ...base, mode: 'range', from: String(t.learningRate / 10), to: String(t.learningRate), count: '3', scale: 'log', list: String(t.learningRate) };
    case 'batchSize':
      return { ...base, list: [...new Set([Math.max(1, t.batchSize / 2), t.batchSize, t.batchSize * 2].map((v) => Math.round(v)))].join(',') };
    case 'epochs':
      return { ...base, list: [...new Set([Math.max(1, Math.round(t.epochs / 2)), t.epochs])].join(',') };
    case 'optimizer':
      return { ...base, list: t.optimizer === 'adam' ? 'adam,sgd' : `${t.optimizer},adam` };
    case 'layer': {
      const node = doc.graph.nodes.find((n) => n.id === nodeId);
      const value = node?.params[param];
      const choices = rowChoices(doc, { target, nodeId, param });
      if (choices) return { ...base, list: choices.slice(0, 2).join(',') };
      if (typeof value === 'number') {
        const spec = node ? getLayerSpec(node.type)?.params.find((p) => p.name === param) : undefined;
        const list = spec?.kind === 'int' ? [...new Set([Math.max(spec.min ?? 1, Math.round(value / 2)), value, value * 2])] : [value];
        return { ...base, list: list.join(',') };
      }
      return base;
    }
  }
}

/** What the back end reads for a row: the list as typed, or `from..to:lin|log:count`. */
export function rowValuesText(row: SweepRowFields): string {
  if (row.mode === 'list') return row.list.trim();
  return `${row.from.trim()}..${row.to.trim()}:${row.scale === 'log' ? 'log' : 'lin'}:${row.count.trim()}`;
}

export type SweepFormErrors = {
  /** By row id. */
  readonly rows: Readonly<Record<string, string>>;
  readonly randomCount?: string;
  readonly seed?: string;
  readonly parallel?: string;
  /** About the sweep as a whole (no rows, too many runs). */
  readonly form?: string;
};

export type SweepBuild =
  | { readonly ok: true; readonly spec: SweepSpec; readonly trials: Record<string, SweepValue>[] }
  | { readonly ok: false; readonly errors: SweepFormErrors };

const WHOLE = /^\s*\d+\s*$/;

function wholeNumber(text: string, label: string, min: number, max: number): { value: number } | { error: string } {
  if (!WHOLE.test(text)) return { error: `${label} must be a whole number from ${min} to ${max}.` };
  const v = Number(text);
  return v < min || v > max ? { error: `${label} must be from ${min} to ${max}.` } : { value: v };
}

/** Checks a row's own fields (before the back end's rules): a message, or null. */
function rowFieldError(doc: ProjectDoc, row: SweepRowFields): string | null {
  if (row.target === 'layer' && (row.nodeId === '' || row.param === '')) return 'Pick a layer and one of its settings.';
  const choices = rowChoices(doc, row);
  if (row.mode === 'list' || choices) {
    if (row.list.trim() === '') return choices ? `Give one or more of ${choices.join(', ')}, separated by commas.` : 'Give values separated by commas, e.g. 32,64,128.';
    return null;
  }
  const from = Number(row.from);
  const to = Number(row.to);
  if (row.from.trim() === '' || !Number.isFinite(from)) return '"From" must be a number.';
  if (row.to.trim() === '' || !Number.isFinite(to)) return '"To" must be a number.';
  if (!(to > from)) return '"To" must be larger than "From".';
  if (row.scale === 'log' && from <= 0) return 'A log range needs numbers above 0.';
  const count = wholeNumber(row.count, '"Count"', 2, MAX_SWEEP_RUNS);
  if ('error' in count) return count.error;
  return null;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The sweep the fields describe and its runs, or every problem found, each where it belongs
 * (a row's values, the count, the seed, how many at once).
 */
export function buildSweepSpec(doc: ProjectDoc, fields: SweepFormFields): SweepBuild {
  const rows: Record<string, string> = {};
  const errors: { -readonly [K in keyof SweepFormErrors]: SweepFormErrors[K] } = { rows };
  if (fields.rows.length === 0) errors.form = 'Add at least one setting to vary.';
  const seen = new Set<string>();
  // Settings with choices (optimizer, a layer's options) are always lists.
  const effective = fields.rows.map((r) => (r.mode === 'range' && rowChoices(doc, r) ? { ...r, mode: 'list' as const } : r));
  for (const row of effective) {
    const own = rowFieldError(doc, row);
    if (own) {
      rows[row.id] = own;
      continue;
    }
    const key = rowKey(row);
    if (seen.has(key)) {
      rows[row.id] = `${rowLabel(doc, row)} is varied twice; keep one row for it.`;
      continue;
    }
    seen.add(key);
    // The back end's own rules for this row alone (values a setting or layer refuses).
    const values = rowValuesText(row);
    try {
      expandTrials(doc, { axes: [{ key, values }], mode: 'grid', metric: 'auto', parallel: 1 });
    } catch (error) {
      // The back end names the key and values; the dialog shows the message beside them.
      const prefix = `${key}=${values}: `;
      const text = message(error);
      rows[row.id] = error instanceof SweepError ? (text.startsWith(prefix) ? text.slice(prefix.length) : text) : `Not usable: ${text}`;
    }
  }
  let count: number | undefined;
  let seed: number | undefined;
  if (fields.strategy === 'random') {
    const c = wholeNumber(fields.randomCount, 'Runs', 1, MAX_SWEEP_RUNS);
    if ('error' in c) errors.randomCount = c.error;
    else count = c.value;
    const s = wholeNumber(fields.seed, 'Seed', 0, 2 ** 31 - 1);
    if ('error' in s) errors.seed = s.error;
    else seed = s.value;
  }
  const parallel = wholeNumber(fields.parallel, 'Runs at once', 1, 8);
  if ('error' in parallel) errors.parallel = parallel.error;
  if (errors.form || Object.keys(rows).length > 0 || errors.randomCount || errors.seed || errors.parallel) return { ok: false, errors };
  const spec: SweepSpec = {
    axes: effective.map((r) => ({ key: rowKey(r), values: rowValuesText(r) })),
    mode: fields.strategy,
    ...(count !== undefined ? { count } : {}),
    ...(seed !== undefined ? { seed } : {}),
    metric: fields.metric,
    parallel: 'value' in parallel ? parallel.value : 1,
  };
  try {
    return { ok: true, spec, trials: expandTrials(doc, spec) };
  } catch (error) {
    return { ok: false, errors: { rows, form: message(error) } };
  }
}
