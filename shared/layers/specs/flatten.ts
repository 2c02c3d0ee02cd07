import type { LayerSpec } from '../types';
import { product } from '../params';

export const flattenSpec: LayerSpec<'Flatten'> = {
  type: 'Flatten',
  label: 'Flatten',
  category: 'Core',
  description: 'Collapses every dimension but the batch into one: [?, 28, 28] becomes [?, 784].',
  params: [],
  inputs: [{ name: 'in', label: 'input' }],
  inferShape: ([input]) => {
    if (!input || input.length < 2) {
      return {
        ok: false,
        error: { code: 'RANK_MISMATCH', message: 'Flatten needs an input with at least one dimension besides the batch.', fix: 'Connect a layer with a shape like [?, 28, 28].' },
      };
    }
    const size = product(input.slice(1));
    if (size === null) {
      return {
        ok: false,
        error: { code: 'UNKNOWN_DIMENSION', message: 'Flatten needs every non-batch dimension to be known.', fix: 'Use fixed sizes in the Input shape.' },
      };
    }
    return { ok: true, shape: [input[0] ?? null, size] };
  },
  countParams: () => 0,
  countMacs: () => 0,
  outputDtype: 'same',
  tfjs: () => ({ factory: 'flatten', config: {} }),
};
