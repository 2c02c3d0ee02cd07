import type { LayerSpec } from '../types';
import { num } from '../params';

export const dropoutSpec: LayerSpec<'Dropout'> = {
  type: 'Dropout',
  label: 'Dropout',
  category: 'Regularization',
  description: 'During training, sets a random fraction of inputs to zero; does nothing at inference.',
  params: [
    { name: 'rate', label: 'Rate', kind: 'float', default: 0.5, min: 0, max: 0.99, help: 'Fraction of inputs dropped (0 to 0.99).' },
  ],
  inputs: [{ name: 'in', label: 'input' }],
  inferShape: ([input]) =>
    input
      ? { ok: true, shape: input }
      : { ok: false, error: { code: 'RANK_MISMATCH', message: 'Dropout needs an input.', fix: 'Connect its input.' } },
  countParams: () => 0,
  countMacs: () => 0,
  tfjs: (params) => ({ factory: 'dropout', config: { rate: num(params, 'rate') } }),
};
