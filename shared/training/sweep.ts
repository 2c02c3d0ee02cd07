import { z } from 'zod';
import { OPTIMIZERS, ProjectDocSchema, TrainingSettingsSchema, type ProjectDoc } from '../graph/document';
import { getLayerSpec } from '../layers/registry';
import type { ParamSpec } from '../layers/types';
import { MetricsSchema } from './events';
import { seededRandom } from './seeded-random';

/**
 * Sweeps: one run per combination of settings. A key is `lr`, `batchSize`, `epochs`, `optimizer`
 * or `<layerId>.<param>` (a layer's numeric or choice parameter); its values a list
 * (`32,64,128`, `adam,sgd`) or a range (`1e-4..1e-2:log:5`, `0.1..0.5:5`). Grid: every
 * combination; random: `count` draws (ranges sampled continuously, log-uniformly for `:log`).
 */

export const SWEEP_SETTING_KEYS = ['lr', 'batchSize', 'epochs', 'optimizer'] as const;
export type SweepValue = number | string;

export const SweepAxisSchema = z.object({ key: z.string().min(1).max(200), values: z.string().min(1).max(2000) });
export type SweepAxis = z.infer<typeof SweepAxisSchema>;

export const SWEEP_METRICS = ['auto', 'test.accuracy', 'test.loss', 'val.accuracy', 'val.loss'] as const;
export type SweepMetric = (typeof SWEEP_METRICS)[number];

export const MAX_SWEEP_RUNS = 500;

export const SweepSpecSchema = z.object({
  axes: z.array(SweepAxisSchema).min(1).max(8),
  mode: z.enum(['grid', 'random']),
  /** Random: how many runs. */
  count: z.number().int().min(1).max(MAX_SWEEP_RUNS).optional(),
  /** Random: the draws' seed. */
  seed: z.number().int().min(0).max(2 ** 31 - 1).optional(),
  /** What ranks the runs; `auto`: test accuracy for classification, test loss for regression. */
  metric: z.enum(SWEEP_METRICS),
  /** Runs training at once. */
  parallel: z.number().int().min(1).max(8),
});
export type SweepSpec = z.infer<typeof SweepSpecSchema>;

export const SweepTrialSchema = z.object({
  index: z.number().int().min(0),
  values: z.record(z.string(), z.union([z.number(), z.string()])),
  status: z.enum(['pending', 'running', 'done', 'stopped', 'error']),
  runId: z.string().nullable(),
  test: MetricsSchema.nullable(),
  validation: MetricsSchema.nullable(),
  error: z.string().nullable(),
});
export type SweepTrial = z.infer<typeof SweepTrialSchema>;

/** A sweep as kept beside the project (`<project>.runs/.sweeps/<sweepId>.json`) and as the contract returns it. */
export const SweepStateSchema = z.object({
  sweepId: z.string(),
  name: z.string(),
  projectPath: z.string().nullable(),
  /** An unsaved project's id (its runs carry it too); absent for saved projects. */
  draft: z.string().optional(),
  spec: SweepSpecSchema,
  /** The project as it was when the sweep started: every trial changes only its own values. */
  doc: ProjectDocSchema,
  task: z.enum(['classification', 'regression']),
  status: z.enum(['running', 'stopped', 'done']),
  createdAt: z.string(),
  trials: z.array(SweepTrialSchema).max(MAX_SWEEP_RUNS),
  /** The trial ranked first so far (index), null before any finished. */
  best: z.number().int().nullable(),
});
export type SweepState = z.infer<typeof SweepStateSchema>;

export const SweepEventSchema = z.object({ sweep: SweepStateSchema });

/** Thrown with a message for people when a key or its values cannot be used. */
export class SweepError extends Error {
  override name = 'SweepError';
}

/** What a key varies: a training setting, or a parameter of a layer in the graph. */
export type SweepTarget =
  | { readonly kind: 'setting'; readonly key: (typeof SWEEP_SETTING_KEYS)[number]; readonly integer: boolean; readonly options: readonly string[] | null }
  | { readonly kind: 'layer'; readonly nodeId: string; readonly param: ParamSpec };

export function sweepTarget(doc: ProjectDoc, key: string): SweepTarget {
  switch (key) {
    case 'lr':
    case 'learningRate':
      return { kind: 'setting', key: 'lr', integer: false, options: null };
    case 'batchSize':
    case 'epochs':
      return { kind: 'setting', key, integer: true, options: null };
    case 'optimizer':
      return { kind: 'setting', key, integer: false, options: OPTIMIZERS };
    default:
      break;
  }
  const dot = key.lastIndexOf('.');
  if (dot <= 0) {
    // A bare parameter name (`units`): say which layers have it, so the user can name one.
    const owners = doc.graph.nodes.filter((n) => sweepableParams(n.type).some((p) => p.name === key)).map((n) => n.id);
    const hint = owners.length > 0 ? ` "${key}" is a parameter of ${owners.join(', ')}: name the layer, e.g. ${owners[0] as string}.${key}.` : '';
    throw new SweepError(`"${key}" is not a setting to vary: use lr, batchSize, epochs, optimizer or <layerId>.<param>.${hint}`);
  }
  const nodeId = key.slice(0, dot);
  const name = key.slice(dot + 1);
  const node = doc.graph.nodes.find((n) => n.id === nodeId);
  if (!node) throw new SweepError(`"${key}": the graph has no layer "${nodeId}" (layers: ${doc.graph.nodes.map((n) => n.id).join(', ')}).`);
  const spec = getLayerSpec(node.type);
  const param = spec?.params.find((p) => p.name === name);
  if (!param) {
    throw new SweepError(`"${key}": ${node.type} has no parameter "${name}"${spec ? ` (it has ${spec.params.map((p) => p.name).join(', ')})` : ''}.`);
  }
  if (param.kind === 'shape') throw new SweepError(`"${key}" is a shape; sweeps vary numbers, true/false and choices.`);
  return { kind: 'layer', nodeId, param };
}

/** Parameters of a layer a sweep can vary, for the sweep form. */
export function sweepableParams(type: string): readonly ParamSpec[] {
  return getLayerSpec(type)?.params.filter((p) => p.kind !== 'shape') ?? [];
}

type Domain =
  | { readonly kind: 'list'; readonly values: readonly SweepValue[] }
  | { readonly kind: 'range'; readonly from: number; readonly to: number; readonly log: boolean; readonly points: number; readonly integer: boolean };

function isInteger(target: SweepTarget): boolean {
  return target.kind === 'setting' ? target.integer : target.param.kind === 'int';
}

function choices(target: SweepTarget): readonly string[] | null {
  if (target.kind === 'setting') return target.options;
  if (target.param.kind === 'enum') return target.param.options;
  if (target.param.kind === 'bool') return ['true', 'false'];
  return null;
}

const RANGE = /^\s*([^.\s][^\s]*?)\s*\.\.\s*([^:\s]+)\s*(?::\s*(lin|log|int))?\s*(?::\s*(\d+))?\s*$/;

/** Reads one key's values: a comma list, or `from..to[:lin|log][:points]`. */
export function parseDomain(target: SweepTarget, text: string, key: string): Domain {
  const opts = choices(target);
  const integer = isInteger(target);
  const range = RANGE.exec(text);
  if (range && !opts) {
    const from = Number(range[1]);
    const to = Number(range[2]);
    if (!Number.isFinite(from) || !Number.isFinite(to)) throw new SweepError(`${key}=${text}: a range needs two numbers, e.g. 1e-4..1e-2:log:5.`);
    if (!(to > from)) throw new SweepError(`${key}=${text}: the range must run from a smaller to a larger number.`);
    const log = range[3] === 'log';
    if (log && from <= 0) throw new SweepError(`${key}=${text}: a log range needs numbers above 0.`);
    const points = range[4] === undefined ? (integer ? Math.min(5, to - from + 1) : 5) : Number(range[4]);
    if (!Number.isInteger(points) || points < 2 || points > MAX_SWEEP_RUNS) throw new SweepError(`${key}=${text}: give 2 to ${MAX_SWEEP_RUNS} points.`);
    return { kind: 'range', from, to, log, points, integer: integer || range[3] === 'int' };
  }
  const parts = text.split(',').map((p) => p.trim());
  if (parts.length === 0 || parts.some((p) => p === '')) throw new SweepError(`${key}=${text}: give values separated by commas, or a range like 0.1..0.5:5.`);
  if (opts) {
    const bad = parts.find((p) => !opts.includes(p));
    if (bad !== undefined) throw new SweepError(`${key}=${text}: "${bad}" is not one of ${opts.join(', ')}.`);
    return { kind: 'list', values: [...new Set(parts)] };
  }
  const values = parts.map((p) => {
    const v = Number(p);
    if (!Number.isFinite(v)) throw new SweepError(`${key}=${text}: "${p}" is not a number.`);
    if (integer && !Number.isInteger(v)) throw new SweepError(`${key}=${text}: "${p}" is not a whole number.`);
    return v;
  });
  return { kind: 'list', values: [...new Set(values)] };
}

/** A range's grid points: evenly spaced (geometrically for log), rounded and deduplicated for whole numbers. */
export function gridPoints(d: Domain): SweepValue[] {
  if (d.kind === 'list') return [...d.values];
  const out: number[] = [];
  for (let i = 0; i < d.points; i++) {
    const t = i / (d.points - 1);
    const v = d.log ? Math.exp(Math.log(d.from) + t * (Math.log(d.to) - Math.log(d.from))) : d.from + t * (d.to - d.from);
    out.push(d.integer ? Math.round(v) : Number(v.toPrecision(6)));
  }
  return [...new Set(out)];
}

function draw(d: Domain, u: number): SweepValue {
  if (d.kind === 'list') return d.values[Math.min(d.values.length - 1, Math.floor(u * d.values.length))] as SweepValue;
  const v = d.log ? Math.exp(Math.log(d.from) + u * (Math.log(d.to) - Math.log(d.from))) : d.from + u * (d.to - d.from);
  return d.integer ? Math.round(v) : Number(v.toPrecision(6));
}

/** The runs of a sweep: each a map from key to value, in order. */
export function expandTrials(doc: ProjectDoc, spec: SweepSpec): Record<string, SweepValue>[] {
  const keys = spec.axes.map((a) => a.key);
  const dup = keys.find((k, i) => keys.indexOf(k) !== i);
  if (dup) throw new SweepError(`"${dup}" is varied twice.`);
  const domains = spec.axes.map((a) => ({ key: a.key, domain: parseDomain(sweepTarget(doc, a.key), a.values, a.key) }));
  let trials: Record<string, SweepValue>[];
  if (spec.mode === 'grid') {
    trials = [{}];
    for (const { key, domain } of domains) {
      const points = gridPoints(domain);
      trials = trials.flatMap((t) => points.map((v) => ({ ...t, [key]: v })));
      if (trials.length > MAX_SWEEP_RUNS) throw new SweepError(`This grid has more than ${MAX_SWEEP_RUNS} runs; vary fewer values or use a random sweep.`);
    }
  } else {
    const count = spec.count ?? 10;
    const u = seededRandom(spec.seed ?? 1);
    trials = Array.from({ length: count }, () => Object.fromEntries(domains.map(({ key, domain }) => [key, draw(domain, u())])));
  }
  // Every run must be a valid project: check them all before the first one trains.
  trials.forEach((t) => applyTrial(doc, t));
  return trials;
}

/** The project with one run's values set; throws a SweepError naming the value a setting refuses. */
export function applyTrial(doc: ProjectDoc, values: Readonly<Record<string, SweepValue>>): ProjectDoc {
  let training = { ...doc.training };
  const nodes = doc.graph.nodes.map((n) => ({ ...n, params: { ...n.params } }));
  for (const [key, value] of Object.entries(values)) {
    const target = sweepTarget(doc, key);
    if (target.kind === 'setting') {
      const field = target.key === 'lr' ? 'learningRate' : target.key;
      training = { ...training, [field]: value };
      const r = TrainingSettingsSchema.shape[field].safeParse(value);
      if (!r.success) throw new SweepError(`${key}=${String(value)}: ${r.error.issues[0]?.message ?? 'not allowed'}.`);
    } else {
      const node = nodes.find((n) => n.id === target.nodeId);
      if (!node) throw new SweepError(`"${key}": no layer "${target.nodeId}".`);
      const p = target.param;
      const v = p.kind === 'bool' ? value === 'true' : value;
      if ((p.kind === 'int' || p.kind === 'float') && typeof v === 'number') {
        if ((p.min !== undefined && v < p.min) || (p.max !== undefined && v > p.max)) {
          throw new SweepError(`${key}=${v}: ${p.label} must be from ${p.min ?? '−∞'} to ${p.max ?? '∞'}.`);
        }
      }
      node.params[p.name] = v;
    }
  }
  return { ...doc, graph: { ...doc.graph, nodes }, training };
}

/** The metric that ranks, and whether larger is better. */
export function rankingMetric(metric: SweepMetric, task: 'classification' | 'regression'): { set: 'test' | 'validation'; name: 'accuracy' | 'loss'; higher: boolean } {
  const m = metric === 'auto' ? (task === 'regression' ? 'test.loss' : 'test.accuracy') : metric;
  const [set, name] = m.split('.') as ['test' | 'val', 'accuracy' | 'loss'];
  return { set: set === 'val' ? 'validation' : 'test', name, higher: name === 'accuracy' };
}

/** A trial's score by the sweep's metric (null: it has none, e.g. it failed). */
export function trialScore(trial: SweepTrial, metric: SweepMetric, task: 'classification' | 'regression'): number | null {
  const r = rankingMetric(metric, task);
  const m = r.set === 'test' ? trial.test : trial.validation;
  const v = m?.[r.name];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** Trials with a score, best first (ties: the earlier trial first). */
export function rankTrials(trials: readonly SweepTrial[], metric: SweepMetric, task: 'classification' | 'regression'): SweepTrial[] {
  const { higher } = rankingMetric(metric, task);
  return trials
    .filter((t) => t.status === 'done' && trialScore(t, metric, task) !== null)
    .sort((a, b) => {
      const d = (trialScore(b, metric, task) as number) - (trialScore(a, metric, task) as number);
      return (higher ? d : -d) || a.index - b.index;
    });
}

/** Splits `KEY=VALUES` as the command line takes it. */
export function parseVary(arg: string): SweepAxis {
  const eq = arg.indexOf('=');
  if (eq <= 0 || eq === arg.length - 1) throw new SweepError(`--vary needs KEY=VALUES (e.g. lr=1e-4..1e-2:log:5 or dense1.units=32,64), not "${arg}".`);
  return { key: arg.slice(0, eq).trim(), values: arg.slice(eq + 1).trim() };
}

export function formatSweepValue(v: SweepValue): string {
  if (typeof v === 'string') return v;
  return Number.isInteger(v) ? String(v) : Math.abs(v) < 1e-3 ? v.toExponential(2) : String(Number(v.toPrecision(4)));
}
