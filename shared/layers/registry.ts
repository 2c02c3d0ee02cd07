import type { LayerSpec, LayerCategory } from './types';
import { inputSpec } from './specs/input';
import { denseSpec } from './specs/dense';
import { activationSpec } from './specs/activation';
import { dropoutSpec } from './specs/dropout';
import { flattenSpec } from './specs/flatten';

/** Every layer type Netwright knows, in palette order. */
export const LAYER_SPECS: readonly LayerSpec[] = [inputSpec, denseSpec, activationSpec, dropoutSpec, flattenSpec];

const byType = new Map(LAYER_SPECS.map((s) => [s.type, s]));

export function getLayerSpec(type: string): LayerSpec | undefined {
  return byType.get(type);
}

export const CATEGORY_ORDER: readonly LayerCategory[] = ['Core', 'Activation', 'Regularization'];
