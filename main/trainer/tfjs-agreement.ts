import * as tf from '@tensorflow/tfjs';
import type { Graph } from '../../shared/graph/document';
import type { GraphAnalysis } from '../../shared/graph/analyze';
import type { ModelPlan } from '../../shared/graph/compile';
import type { TfjsLayerCall } from '../../shared/layers/types';
import { customFactoryFor } from './custom-layers';

/** Test support: compares our analysis with the tfjs model built from it. */

/** The factory a call needs that neither tf.layers nor custom-layers/ offers, or null. */
export function missingFactory(call: TfjsLayerCall): string | null {
  const has = (c: TfjsLayerCall) =>
    customFactoryFor(c.factory, c.config) !== undefined || typeof (tf.layers as unknown as Record<string, unknown>)[c.factory] === 'function';
  if (!has(call)) return call.factory;
  return call.wrapped ? missingFactory(call.wrapped) : null;
}

export function missingIn(plan: ModelPlan): string | null {
  for (const l of plan.layers) {
    const m = missingFactory({ factory: l.factory, config: l.config, ...(l.wrapped ? { wrapped: l.wrapped } : {}) });
    if (m) return m;
  }
  return null;
}

/** Elements in a list of weights. */
export function weightCount(weights: readonly tf.LayerVariable[]): number {
  return weights.reduce((sum, w) => sum + w.shape.reduce((a: number, b) => a * (b ?? 0), 1), 0);
}

/** Differences between our shapes and counts and tfjs', as readable lines (empty: they agree). */
export function disagreements(graph: Graph, analysis: GraphAnalysis, plan: ModelPlan, model: tf.LayersModel): string[] {
  const out: string[] = [];
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  if (analysis.totalParams !== model.countParams()) out.push(`total params: ours ${analysis.totalParams}, tfjs ${model.countParams()}`);
  if (analysis.trainableParams !== weightCount(model.trainableWeights)) out.push(`trainable params: ours ${analysis.trainableParams}, tfjs ${weightCount(model.trainableWeights)}`);
  for (const layer of plan.layers) {
    const tfLayer = model.getLayer(layer.name);
    const node = analysis.nodes.get(layer.nodeId);
    if (!same(node?.outputShape, tfLayer.outputShape)) out.push(`${layer.name} shape: ours ${JSON.stringify(node?.outputShape)}, tfjs ${JSON.stringify(tfLayer.outputShape)}`);
    if (node?.params !== tfLayer.countParams()) out.push(`${layer.name} params: ours ${node?.params}, tfjs ${tfLayer.countParams()}`);
    const trainable = weightCount(tfLayer.trainableWeights);
    if (node?.trainableParams !== trainable) out.push(`${layer.name} trainable params: ours ${node?.trainableParams}, tfjs ${trainable}`);
  }
  for (const input of plan.inputs) {
    const shape = model.getLayer(input.name).outputShape;
    if (!same(analysis.nodes.get(input.nodeId)?.outputShape, shape)) out.push(`${input.name} shape differs`);
  }
  if (graph.nodes.length !== plan.inputs.length + plan.layers.length) out.push('the plan does not have one entry per node');
  return out;
}
