import type { LayerSpec } from '../types';
import { bool, num } from '../params';
import { checkRank, isFail, knownLast, missingInput, ok, trainableParam } from '../common';

/** Normalization and noise/dropout regularizers. */

const lastDim = (input: readonly (number | null)[] | undefined) => input?.[input.length - 1] ?? 0;

export const batchNormalizationSpec: LayerSpec<'BatchNormalization'> = {
  type: 'BatchNormalization',
  label: 'BatchNormalization',
  category: 'Normalization',
  description: 'Normalizes each channel (last axis) with batch statistics while training and moving averages at inference.',
  params: [
    { name: 'momentum', label: 'Momentum', kind: 'float', default: 0.99, min: 0, max: 1, help: 'How slowly the moving mean and variance follow the batches.' },
    { name: 'epsilon', label: 'Epsilon', kind: 'float', default: 0.001, min: 0, max: 1, help: 'Added to the variance to avoid dividing by zero.' },
    { name: 'center', label: 'Center (beta)', kind: 'bool', default: true, help: 'Learn an offset per channel.' },
    { name: 'scale', label: 'Scale (gamma)', kind: 'bool', default: true, help: 'Learn a factor per channel.' },
    trainableParam,
  ],
  inputs: [{ name: 'in', label: 'input', minRank: 2 }],
  inferShape: ([input]) => {
    const bad = checkRank('BatchNormalization', input, 2, Infinity, 'an input with a feature or channel axis', 'Connect a layer with features, e.g. Dense or Conv2D.');
    if (bad || !input) return bad ?? missingInput('BatchNormalization');
    const c = knownLast('BatchNormalization', input, 'number of channels (last dimension)');
    return isFail(c) ? c : ok(input);
  },
  // Keras counts the moving mean and variance too (non-trainable): 4 x channels with center and scale.
  countParams: ([input], params) => lastDim(input) * (2 + (bool(params, 'center') ? 1 : 0) + (bool(params, 'scale') ? 1 : 0)),
  // The moving mean and variance are updated by the layer, never by the optimizer.
  countNonTrainableParams: ([input]) => 2 * lastDim(input),
  countMacs: () => 0,
  tfjs: (params) => ({
    factory: 'batchNormalization',
    config: { axis: -1, momentum: num(params, 'momentum'), epsilon: num(params, 'epsilon'), center: bool(params, 'center'), scale: bool(params, 'scale') },
  }),
};

export const layerNormalizationSpec: LayerSpec<'LayerNormalization'> = {
  type: 'LayerNormalization',
  label: 'LayerNormalization',
  category: 'Normalization',
  description: 'Normalizes the features (last axis) of each sample and position on its own; common in Transformers.',
  params: [
    { name: 'epsilon', label: 'Epsilon', kind: 'float', default: 0.001, min: 0, max: 1, help: 'Added to the variance to avoid dividing by zero.' },
    { name: 'center', label: 'Center (beta)', kind: 'bool', default: true, help: 'Learn an offset per feature.' },
    { name: 'scale', label: 'Scale (gamma)', kind: 'bool', default: true, help: 'Learn a factor per feature.' },
    trainableParam,
  ],
  inputs: [{ name: 'in', label: 'input', minRank: 2 }],
  inferShape: ([input]) => {
    const bad = checkRank('LayerNormalization', input, 2, Infinity, 'an input with a feature axis', 'Connect a layer with features, e.g. Dense.');
    if (bad || !input) return bad ?? missingInput('LayerNormalization');
    const c = knownLast('LayerNormalization', input, 'number of features (last dimension)');
    return isFail(c) ? c : ok(input);
  },
  countParams: ([input], params) => lastDim(input) * ((bool(params, 'center') ? 1 : 0) + (bool(params, 'scale') ? 1 : 0)),
  countMacs: () => 0,
  tfjs: (params) => ({ factory: 'layerNormalization', config: { axis: -1, epsilon: num(params, 'epsilon'), center: bool(params, 'center'), scale: bool(params, 'scale') } }),
};

export const gaussianNoiseSpec: LayerSpec<'GaussianNoise'> = {
  type: 'GaussianNoise',
  label: 'GaussianNoise',
  category: 'Regularization',
  description: 'During training, adds zero-centred Gaussian noise; does nothing at inference.',
  params: [{ name: 'stddev', label: 'Std. deviation', kind: 'float', default: 0.1, min: 0, max: 100, help: 'Standard deviation of the noise.' }],
  inputs: [{ name: 'in', label: 'input' }],
  inferShape: ([input]) => (input ? ok(input) : missingInput('GaussianNoise')),
  countParams: () => 0,
  countMacs: () => 0,
  tfjs: (params) => ({ factory: 'gaussianNoise', config: { stddev: num(params, 'stddev') } }),
};

const rateParam = { name: 'rate', label: 'Rate', kind: 'float', default: 0.5, min: 0, max: 0.99, help: 'Fraction of channels dropped (0 to 0.99).' } as const;

export const spatialDropout1dSpec: LayerSpec<'SpatialDropout1D'> = {
  type: 'SpatialDropout1D',
  label: 'SpatialDropout1D',
  category: 'Regularization',
  description: 'During training, drops whole channels of a sequence instead of single values.',
  params: [rateParam],
  inputs: [{ name: 'in', label: 'input', minRank: 3, maxRank: 3 }],
  inferShape: ([input]) =>
    checkRank('SpatialDropout1D', input, 3, 3, 'a sequence [batch, steps, channels]', 'Use Dropout for other shapes.') ?? ok(input ?? []),
  countParams: () => 0,
  countMacs: () => 0,
  tfjs: (params) => ({ factory: 'spatialDropout1d', config: { rate: num(params, 'rate') } }),
};

/** Stock tfjs 4.22 has no spatialDropout2d; the trainer registers a custom factory under this name. */
export const spatialDropout2dSpec: LayerSpec<'SpatialDropout2D'> = {
  type: 'SpatialDropout2D',
  label: 'SpatialDropout2D',
  category: 'Regularization',
  description: 'During training, drops whole feature maps (channels) of an image instead of single pixels.',
  params: [rateParam],
  inputs: [{ name: 'in', label: 'input', minRank: 4, maxRank: 4 }],
  inferShape: ([input]) =>
    checkRank('SpatialDropout2D', input, 4, 4, 'an image [batch, height, width, channels]', 'Use Dropout for other shapes.') ?? ok(input ?? []),
  countParams: () => 0,
  countMacs: () => 0,
  tfjs: (params) => ({ factory: 'spatialDropout2d', config: { rate: num(params, 'rate') } }),
};

export const NORMALIZATION_SPECS = [batchNormalizationSpec, layerNormalizationSpec] as const;
export const REGULARIZATION_SPECS = [gaussianNoiseSpec, spatialDropout1dSpec, spatialDropout2dSpec] as const;
