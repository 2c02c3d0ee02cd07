import type { LayerSpec, LayerCategory } from './types';
import { inputSpec } from './specs/input';
import { denseSpec } from './specs/dense';
import { activationSpec } from './specs/activation';
import { dropoutSpec } from './specs/dropout';
import { flattenSpec } from './specs/flatten';
import { permuteSpec, repeatVectorSpec, reshapeSpec } from './specs/reshape';
import { CONV_SPECS } from './specs/conv';
import { POOLING_SPECS } from './specs/pooling';
import { NORMALIZATION_SPECS, REGULARIZATION_SPECS } from './specs/normalization';
import { SEQUENCE_SPECS } from './specs/recurrent';
import { MERGE_SPECS } from './specs/merge';
import { ATTENTION_SPECS } from './specs/attention';
import { AUGMENTATION_SPECS } from './specs/augmentation';

/** Every layer type Netwright knows, in palette order. */
export const LAYER_SPECS = [
  inputSpec,
  denseSpec,
  flattenSpec,
  reshapeSpec,
  permuteSpec,
  repeatVectorSpec,
  activationSpec,
  ...CONV_SPECS,
  ...POOLING_SPECS,
  ...NORMALIZATION_SPECS,
  dropoutSpec,
  ...REGULARIZATION_SPECS,
  ...AUGMENTATION_SPECS,
  ...SEQUENCE_SPECS,
  ...ATTENTION_SPECS,
  ...MERGE_SPECS,
] as const;

/**
 * The closed set of layer types, derived from the specs: a table keyed by layer type is checked
 * with `satisfies Record<LayerType, ...>`, so a layer without an entry is a compile error.
 */
export type LayerType = (typeof LAYER_SPECS)[number]['type'];

/** Every layer type, in palette order. */
export const LAYER_TYPES: readonly LayerType[] = LAYER_SPECS.map((s) => s.type);

const byType = new Map<string, LayerSpec<LayerType>>(LAYER_SPECS.map((s) => [s.type, s]));

/** Whether a string (a saved node's type) names a layer Netwright knows. */
export function isLayerType(type: string): type is LayerType {
  return byType.has(type);
}

export function getLayerSpec(type: string): LayerSpec<LayerType> | undefined {
  return byType.get(type);
}

export const CATEGORY_ORDER: readonly LayerCategory[] = [
  'Core',
  'Activation',
  'Convolution',
  'Pooling',
  'Normalization',
  'Regularization',
  'Augmentation',
  'Sequence',
  'Attention',
  'Merge',
  'Blocks',
];
