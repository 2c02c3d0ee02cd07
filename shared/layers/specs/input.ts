import type { DType, LayerSpec } from '../types';
import { shapeParam, str } from '../params';

export const INPUT_DTYPES = ['float32', 'int32'] as const;

export const inputSpec: LayerSpec<'Input'> = {
  type: 'Input',
  label: 'Input',
  category: 'Core',
  description: 'Where samples enter the model. Shape excludes the batch dimension; ? is a size known only at run time.',
  params: [
    {
      name: 'shape',
      label: 'Shape',
      kind: 'shape',
      default: [28, 28],
      minRank: 1,
      maxRank: 4,
      allowUnknown: true,
      help: 'Size of one sample, without the batch dimension (MNIST: 28, 28, 1 for height, width and channels; token ids of any length: ?).',
    },
    {
      name: 'dtype',
      label: 'Data type',
      kind: 'enum',
      default: 'float32',
      options: INPUT_DTYPES,
      help: 'float32 for numbers, int32 for token ids fed to an Embedding.',
    },
  ],
  inputs: [],
  outputDtype: (params) => str(params, 'dtype') as DType,
  inferShape: (_inputs, params) => ({ ok: true, shape: [null, ...shapeParam(params, 'shape')] }),
  countParams: () => 0,
  countMacs: () => 0,
  tfjs: () => null,
};
