import type { LayerSpec } from '../../types';
import { bool, formatShape, num } from '../../params';
import { checkRank, fail, missingInput, ok, trainableParam } from '../../common';

export const positionalEmbeddingSpec: LayerSpec<'PositionalEmbedding'> = {
  type: 'PositionalEmbedding',
  label: 'PositionalEmbedding',
  category: 'Attention',
  description:
    'Token embedding plus a learned position embedding (keras-hub\'s TokenAndPositionEmbedding): [?, time] int32 ids become [?, time, outputDim].',
  params: [
    { name: 'inputDim', label: 'Vocabulary size', kind: 'int', default: 1000, min: 1, max: 10_000_000, help: 'Number of distinct token ids (largest id + 1).' },
    { name: 'outputDim', label: 'Vector size', kind: 'int', default: 64, min: 1, max: 100_000, help: 'Length of each token\'s (and position\'s) vector.' },
    { name: 'sequenceLength', label: 'Max length', kind: 'int', default: 128, min: 1, max: 1_000_000, help: 'Longest sequence; one learned vector per position.' },
    { name: 'maskZero', label: 'Mask zero', kind: 'bool', default: false, help: 'Treat id 0 as padding that attention and recurrent layers skip.' },
    trainableParam,
  ],
  inputs: [{ name: 'in', label: 'token ids', minRank: 2, maxRank: 2, dtype: 'int32' }],
  inferShape: ([input], params) => {
    const bad = checkRank('PositionalEmbedding', input, 2, 2, 'token ids [batch, time]', 'Connect an Input of shape like 100 with data type int32.');
    if (bad || !input) return bad ?? missingInput('PositionalEmbedding');
    const t = input[1] ?? null;
    const max = num(params, 'sequenceLength');
    if (t !== null && t > max) {
      return fail(
        'SHAPE_MISMATCH',
        `PositionalEmbedding has positions for ${max} tokens; it got ${formatShape(input)}.`,
        `Raise Max length to at least ${t}, or shorten the Input.`,
      );
    }
    return ok([...input, num(params, 'outputDim')]);
  },
  countParams: (_inputs, params) => (num(params, 'inputDim') + num(params, 'sequenceLength')) * num(params, 'outputDim'),
  countMacs: () => 0,
  tfjs: (params) => ({
    factory: 'positionalEmbedding',
    config: {
      inputDim: num(params, 'inputDim'),
      outputDim: num(params, 'outputDim'),
      sequenceLength: num(params, 'sequenceLength'),
      maskZero: bool(params, 'maskZero'),
    },
  }),
};
