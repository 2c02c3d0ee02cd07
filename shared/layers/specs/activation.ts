import type { LayerSpec } from '../types';
import { str } from '../params';
import { activationParam } from '../common';

export const activationSpec: LayerSpec<'Activation'> = {
  type: 'Activation',
  label: 'Activation',
  category: 'Activation',
  description: 'Applies an activation function element-wise; the shape is unchanged.',
  params: [activationParam('relu', 'relu for hidden layers, softmax for class probabilities, sigmoid for a yes/no output.')],
  inputs: [{ name: 'in', label: 'input' }],
  inferShape: ([input]) =>
    input
      ? { ok: true, shape: input }
      : { ok: false, error: { code: 'RANK_MISMATCH', message: 'Activation needs an input.', fix: 'Connect its input.' } },
  countParams: () => 0,
  countMacs: () => 0,
  tfjs: (params) => ({ factory: 'activation', config: { activation: str(params, 'activation') } }),
};
