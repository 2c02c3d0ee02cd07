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

/** Every layer type Netwright knows, in palette order. */
export const LAYER_SPECS: readonly LayerSpec[] = [
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
  ...SEQUENCE_SPECS,
  ...ATTENTION_SPECS,
  ...MERGE_SPECS,
];

const byType = new Map(LAYER_SPECS.map((s) => [s.type, s]));

export function getLayerSpec(type: string): LayerSpec | undefined {
  return byType.get(type);
}

export const CATEGORY_ORDER: readonly LayerCategory[] = [
  'Core',
  'Activation',
  'Convolution',
  'Pooling',
  'Normalization',
  'Regularization',
  'Sequence',
  'Attention',
  'Merge',
  'Blocks',
];
