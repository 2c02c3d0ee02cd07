import type { GraphNode } from './document';
import { getLayerSpec } from '../layers/registry';
import type { LayerSpec, PortSpec, Shape } from '../layers/types';
import { BLOCK_NODE_TYPE, MAX_BLOCK_INPUTS } from './block-schema';

/** Fields the layer catalog may carry (multi-input merges, multiply-adds); read defensively. */
interface OptionalSpecParts {
  readonly variadicInputs?: { readonly param: string; readonly min: number; readonly max: number };
  countMacs?(inputShapes: readonly Shape[], params: Readonly<Record<string, unknown>>, outputShape: Shape): number | null;
}

/** The input ports of one node: a merge layer with N inputs has `in1..inN`, so does a Block node with N inputs. */
export function nodeInputPorts(node: Pick<GraphNode, 'type' | 'params'>, spec: LayerSpec | undefined = getLayerSpec(node.type)): readonly PortSpec[] {
  if (node.type === BLOCK_NODE_TYPE) {
    const raw = node.params['inputs'];
    const n = typeof raw === 'number' && Number.isInteger(raw) ? Math.min(MAX_BLOCK_INPUTS, Math.max(1, raw)) : 1;
    return Array.from({ length: n }, (_, i) => ({ name: `in${i + 1}`, label: `input ${i + 1}` }));
  }
  if (!spec) return [];
  const v = (spec as LayerSpec & OptionalSpecParts).variadicInputs;
  const template = spec.inputs[0];
  if (!v || !template) return spec.inputs;
  const raw = node.params[v.param];
  const def = spec.params.find((p) => p.name === v.param);
  const fallback = def && def.kind === 'int' ? def.default : v.min;
  const n = typeof raw === 'number' && Number.isInteger(raw) ? Math.min(v.max, Math.max(v.min, raw)) : fallback;
  return Array.from({ length: n }, (_, i) => ({ ...template, name: `in${i + 1}`, label: `input ${i + 1}` }));
}

/** The spec's multiply-add counter, when the catalog offers one. */
export function macCounter(spec: LayerSpec): OptionalSpecParts['countMacs'] | undefined {
  const f = (spec as LayerSpec & OptionalSpecParts).countMacs;
  return f ? f.bind(spec) : undefined;
}
