import type { LayerSpec } from '../types';
import { ACTIVATIONS } from '../activations';
import { str } from '../params';

export const activationSpec: LayerSpec = {
  type: 'Activation',
  label: 'Activation',
  category: 'Activation',
  description: 'Applies an activation function element-wise; the shape is unchanged.',
  params: [
    {
      name: 'activation',
      label: 'Activation',
      kind: 'enum',
      default: 'relu',
      options: ACTIVATIONS,
      help: 'relu for hidden layers, softmax for class probabilities, sigmoid for a yes/no output.',
    },
  ],
  inputs: [{ name: 'in', label: 'input' }],
  inferShape: ([input]) =>
    input
      ? { ok: true, shape: input }
      : { ok: false, error: { code: 'RANK_MISMATCH', message: 'Activation needs an input.', fix: 'Connect its input.' } },
  countParams: () => 0,
  tfjs: (params) => ({ factory: 'activation', config: { activation: str(params, 'activation') } }),
};
