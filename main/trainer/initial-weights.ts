import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { loadModelFromDir } from './save-model';
import { layerNames } from '../../shared/graph/compile';
import { GraphSchema } from '../../shared/graph/document';
import type { WeightsReport } from '../../shared/training/weights-report';
import { readOwnFile } from '../storage/safe-read';

/**
 * Starting a run from another run's weights (fine-tuning, a backbone with a new head, or only
 * evaluating them). Each layer with weights of the new model is matched to the run's layer of the
 * same identity (the node id, through the run's graph in run.json; the tfjs layer name where a
 * run has no graph): a match whose weight shapes still fit is loaded; a new layer or one whose
 * shapes changed starts fresh; the run's layers that found no place are dropped. The report says
 * which. Refused: nothing matches at all, or evaluating weights that do not cover the graph.
 */

export class WeightsMismatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WeightsMismatchError';
  }
}

const fmt = (shape: readonly (number | null)[]) => `[${shape.join(', ')}]`;
const weightName = (w: tf.LayerVariable) => w.originalName.split('/').pop() ?? 'weight';

/** Why `src`'s weights cannot go into `layer`, or null where they fit. */
function misfit(src: tf.layers.Layer, layer: tf.layers.Layer): string | null {
  if (src.getClassName() !== layer.getClassName()) return `it is a ${layer.getClassName()} now, the run's a ${src.getClassName()}`;
  if (src.weights.length !== layer.weights.length) return `it has ${layer.weights.length} weights, the run's ${src.weights.length}`;
  for (let j = 0; j < layer.weights.length; j++) {
    const w = layer.weights[j] as tf.LayerVariable;
    const s = src.weights[j] as tf.LayerVariable;
    if (s.shape.length !== w.shape.length || s.shape.some((d, k) => d !== w.shape[k])) {
      return `its ${weightName(w)} is ${fmt(w.shape)} now, the run's ${fmt(s.shape)}`;
    }
  }
  return null;
}

export interface MatchOptions {
  /** The run's layer names by node id (from its run.json graph); null: match by layer name. */
  readonly sourceIds: ReadonlyMap<string, string> | null;
  /** The new model's layer names by node id (the compiled plan). */
  readonly targetIds: ReadonlyMap<string, string>;
  readonly evaluateOnly: boolean;
}

/** Copies the weights of `from` into `into` where layers match (see above); returns what happened. */
export function copyWeights(from: tf.LayersModel, into: tf.LayersModel, runId: string, options?: MatchOptions): WeightsReport {
  const withWeights = (m: tf.LayersModel) => m.layers.filter((l) => l.weights.length > 0);
  const source = withWeights(from);
  const target = withWeights(into);
  // Identity: the node id where both sides know it, else the layer name.
  const sourceKey = new Map<string, string>();
  if (options?.sourceIds) for (const [id, name] of options.sourceIds) sourceKey.set(name, id);
  const targetKey = new Map<string, string>();
  if (options?.sourceIds) for (const [id, name] of options.targetIds) targetKey.set(name, id);
  const keyOf = (l: tf.layers.Layer, keys: Map<string, string>) => keys.get(l.name) ?? l.name;
  const nodeOf = (l: tf.layers.Layer) => [...(options?.targetIds ?? [])].find(([, name]) => name === l.name)?.[0] ?? l.name;
  const sourceNodeOf = (l: tf.layers.Layer) => sourceKey.get(l.name) ?? l.name;
  const byKey = new Map(source.map((l) => [keyOf(l, sourceKey), l]));
  let pairs: [tf.layers.Layer, tf.layers.Layer | undefined][] = target.map((l) => [l, byKey.get(keyOf(l, targetKey))]);
  // A graph whose layers all changed identity (renamed before ids were kept) but not shape: by position.
  if (pairs.every(([, s]) => s === undefined) && source.length === target.length && target.every((l, i) => misfit(source[i] as tf.layers.Layer, l) === null)) {
    pairs = target.map((l, i) => [l, source[i]]);
  }
  const report: WeightsReport = { fromRunId: runId, loaded: [], fresh: [], dropped: [] };
  const used = new Set<tf.layers.Layer>();
  const copies: [tf.layers.Layer, tf.layers.Layer][] = [];
  for (const [layer, src] of pairs) {
    const ref = { nodeId: nodeOf(layer), layer: layer.name };
    if (!src) {
      report.fresh.push({ ...ref, reason: 'new: the run has no such layer' });
      continue;
    }
    const why = misfit(src, layer);
    if (why) {
      report.fresh.push({ ...ref, reason: `changed: ${why}` });
      continue;
    }
    used.add(src);
    copies.push([src, layer]);
    report.loaded.push(ref);
  }
  for (const src of source) {
    if (used.has(src)) continue;
    const changed = pairs.some(([, s]) => s === src);
    report.dropped.push({ nodeId: sourceNodeOf(src), layer: src.name, reason: changed ? 'its shapes no longer fit the graph' : 'not in the graph any more' });
  }
  const refuse = (why: string) => {
    throw new WeightsMismatchError(`The graph no longer matches run ${runId}: ${why}`);
  };
  if (report.loaded.length === 0) {
    const first = report.fresh[0];
    refuse(`none of its layers match the run's${first ? ` (${first.layer}: ${first.reason})` : ''}. Start a fresh run instead, or undo the change.`);
  }
  if (options?.evaluateOnly && report.fresh.length > 0) {
    const first = report.fresh[0] as WeightsReport['fresh'][number];
    refuse(`evaluating needs a weight for every layer, but ${report.fresh.map((f) => f.layer).join(', ')} would start untrained (${first.layer}: ${first.reason}). Train it (fine-tune) instead.`);
  }
  for (const [src, layer] of copies) layer.setWeights(src.getWeights());
  return report;
}

/** The run's layer names by node id, from the graph its run.json keeps (null: none kept). */
function runLayerIds(runDir: string): Map<string, string> | null {
  try {
    const raw = JSON.parse(readOwnFile(path.join(runDir, 'run.json')).toString('utf8')) as { graph?: unknown };
    const graph = GraphSchema.safeParse(raw.graph);
    return graph.success ? layerNames(graph.data.nodes) : null;
  } catch {
    return null;
  }
}

/** Loads run `runId`'s saved model from `runDir` and copies its weights into `model` where they fit. */
export async function loadInitialWeights(
  model: tf.LayersModel,
  runDir: string,
  runId: string,
  target?: { readonly ids: ReadonlyMap<string, string>; readonly evaluateOnly: boolean },
): Promise<WeightsReport> {
  if (!fs.existsSync(path.join(runDir, 'model.json'))) throw new WeightsMismatchError(`Run ${runId} has no saved model to start from.`);
  const saved = await loadModelFromDir(runDir);
  try {
    return copyWeights(saved, model, runId, target ? { sourceIds: runLayerIds(runDir), targetIds: target.ids, evaluateOnly: target.evaluateOnly } : undefined);
  } finally {
    saved.dispose();
  }
}
