import type { LayerSpec } from '../types';
import { ACTIVATIONS } from '../activations';
import { bool, num, str } from '../params';

export const denseSpec: LayerSpec = {
  type: 'Dense',
  label: 'Dense',
  category: 'Core',
  description: 'Fully connected layer: output = activation(input · kernel + bias).',
  params: [
    { name: 'units', label: 'Units', kind: 'int', default: 32, min: 1, max: 1_000_000, help: 'Number of output neurons.' },
    {
      name: 'activation',
      label: 'Activation',
      kind: 'enum',
      default: 'linear',
      options: ACTIVATIONS,
      help: 'Function applied to the output (linear = none).',
    },
    { name: 'useBias', label: 'Use bias', kind: 'bool', default: true, help: 'Add a learned bias to each unit.' },
  ],
  inputs: [{ name: 'in', label: 'input' }],
  inferShape: ([input], params) => {
    if (!input || input.length < 2) {
      return {
        ok: false,
        error: {
          code: 'RANK_MISMATCH',
          message: 'Dense needs an input with at least one feature dimension.',
          fix: 'Connect a layer that outputs features, e.g. Flatten.',
        },
      };
    }
    const last = input[input.length - 1];
    if (last === null || last === undefined) {
      return {
        ok: false,
        error: {
          code: 'UNKNOWN_DIMENSION',
          message: 'Dense needs the last input dimension to be known.',
          fix: 'Give the Input a fixed size in its last dimension.',
        },
      };
    }
    return { ok: true, shape: [...input.slice(0, -1), num(params, 'units')] };
  },
  countParams: ([input], params) => {
    const last = input?.[input.length - 1] ?? 0;
    const units = num(params, 'units');
    return (last ?? 0) * units + (bool(params, 'useBias') ? units : 0);
  },
  tfjs: (params) => ({
    factory: 'dense',
    config: { units: num(params, 'units'), activation: str(params, 'activation'), useBias: bool(params, 'useBias') },
  }),
};
