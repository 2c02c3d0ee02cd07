import type { LayerSpec } from '../types';
import { shapeParam } from '../params';

export const inputSpec: LayerSpec = {
  type: 'Input',
  label: 'Input',
  category: 'Core',
  description: 'Where samples enter the model. Shape excludes the batch dimension.',
  params: [
    {
      name: 'shape',
      label: 'Shape',
      kind: 'shape',
      default: [28, 28],
      minRank: 1,
      maxRank: 4,
      help: 'Size of one sample, without the batch dimension (MNIST: 28, 28).',
    },
  ],
  inputs: [],
  inferShape: (_inputs, params) => ({ ok: true, shape: [null, ...shapeParam(params, 'shape')] }),
  countParams: () => 0,
  tfjs: () => null,
};
