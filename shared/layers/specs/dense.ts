import type { LayerSpec } from '../types';
import { bool, num, str } from '../params';
import { KERNEL_BIAS, activationParam, useBiasParam, weightConfig, weightParams, trainableParam } from '../common';

export const denseSpec: LayerSpec<'Dense'> = {
  type: 'Dense',
  label: 'Dense',
  category: 'Core',
  description: 'Fully connected layer: output = activation(input · kernel + bias).',
  params: [
    { name: 'units', label: 'Units', kind: 'int', default: 32, min: 1, max: 1_000_000, help: 'Number of output neurons.' },
    activationParam('linear'),
    useBiasParam,
    ...weightParams(KERNEL_BIAS),
    trainableParam,
  ],
  inputs: [{ name: 'in', label: 'input', minRank: 2 }],
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
  countMacs: ([input], params) => denseMacs(input ?? [], num(params, 'units')),
  tfjs: (params) => ({ factory: 'dense', config: denseConfig(params) }),
};

/** Dense applied to the last axis: one in x units product per position. */
export function denseMacs(input: readonly (number | null)[], units: number): number | null {
  let p = units;
  for (const d of input.slice(1)) {
    if (d === null) return null;
    p *= d;
  }
  return p;
}

export function denseConfig(params: Parameters<LayerSpec['tfjs']>[0]): Record<string, unknown> {
  return {
    units: num(params, 'units'),
    activation: str(params, 'activation'),
    useBias: bool(params, 'useBias'),
    ...weightConfig(params, KERNEL_BIAS),
  };
}
