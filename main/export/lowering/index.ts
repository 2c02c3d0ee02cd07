import type { ExportFormat } from '../../../shared/export/result';
import { isLayerType, type LayerType } from '../../../shared/layers/registry';
import { ExportError, type ExportLayer } from '../model-info';
import { ACTIVATION_LAYER_LOWERINGS } from './activation';
import { ATTENTION_LOWERINGS } from './attention';
import { AUGMENTATION_LOWERINGS } from './augmentation';
import { CONV_LOWERINGS } from './conv';
import { DENSE_LOWERINGS } from './dense';
import { DROPOUT_LOWERINGS } from './dropout';
import { FLATTEN_LOWERINGS } from './flatten';
import { MERGE_LOWERINGS } from './merge';
import { NORMALIZATION_LOWERINGS } from './normalization';
import { POOLING_LOWERINGS } from './pooling';
import { RECURRENT_LOWERINGS } from './recurrent';
import { RESHAPE_LOWERINGS } from './reshape';
import { GRAPH_INPUT, isNotExpressible, notExpressibleError, type GraphInput, type LayerLowering } from './types';

export { GRAPH_INPUT, isNotExpressible, notExpressible, refuse, type LayerLowering, type NotExpressible } from './types';

/**
 * Every layer type's lowering to every export format, one family per file (mirroring
 * shared/layers/specs/). `satisfies Record<LayerType, ...>`: a layer type without an entry
 * does not compile.
 */
export const LOWERINGS = {
  Input: GRAPH_INPUT,
  ...DENSE_LOWERINGS,
  ...FLATTEN_LOWERINGS,
  ...RESHAPE_LOWERINGS,
  ...ACTIVATION_LAYER_LOWERINGS,
  ...CONV_LOWERINGS,
  ...POOLING_LOWERINGS,
  ...NORMALIZATION_LOWERINGS,
  ...DROPOUT_LOWERINGS,
  ...RECURRENT_LOWERINGS,
  ...ATTENTION_LOWERINGS,
  ...MERGE_LOWERINGS,
  ...AUGMENTATION_LOWERINGS,
} satisfies Record<LayerType, LayerLowering | GraphInput>;

/** The formats with a lowering per layer (torchrun reuses PyTorch's). */
export type LoweredFormat = 'keras' | 'onnx' | 'pytorch' | 'tfjs';

/** A layer's entry; an ExportError for an Input (walkers write inputs themselves) or an unknown type. */
export function loweringOf(layer: ExportLayer): LayerLowering {
  const entry: LayerLowering | GraphInput | undefined = isLayerType(layer.type) ? LOWERINGS[layer.type] : undefined;
  if (entry === undefined) throw new ExportError(`${layer.name} has an unknown layer type "${layer.type}".`, layer.nodeId);
  if (entry === GRAPH_INPUT) throw new ExportError(`${layer.name} is an Input; an export writes inputs as the graph's inputs.`, layer.nodeId);
  return entry;
}

/** The layer's lowering in one format; an ExportError naming the node where the format cannot express its type. */
export function lower<F extends LoweredFormat>(layer: ExportLayer, format: F): Exclude<LayerLowering[F], { notExpressible: string }> {
  const l = loweringOf(layer)[format];
  if (isNotExpressible(l)) throw notExpressibleError(layer, format as ExportFormat, l);
  return l as Exclude<LayerLowering[F], { notExpressible: string }>;
}
