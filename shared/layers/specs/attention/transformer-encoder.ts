import type { LayerSpec, Params, Shape, ShapeResult } from '../../types';
import { bool, num, str } from '../../params';
import { activationParam, checkRank, fail, isFail, knownLast, missingInput, mul, ok, trainableParam } from '../../common';
import { attentionMacs, attentionParamCount } from './multi-head-attention';

/** keras-hub's key size: hidden / heads, rounded down. */
const keyDimOf = (d: number, params: Params) => Math.floor(d / num(params, 'numHeads'));

function width(input: Shape | undefined, params: Params): number | ShapeResult {
  const bad = checkRank('TransformerEncoder', input, 3, 3, 'a sequence [batch, time, features]', 'Connect an Embedding or PositionalEmbedding (or another encoder).');
  if (bad || !input) return bad ?? missingInput('TransformerEncoder');
  const d = knownLast('TransformerEncoder', input, 'feature size (last dimension)');
  if (isFail(d)) return d;
  if (keyDimOf(d, params) < 1) {
    return fail('INVALID_PARAM', `TransformerEncoder: ${num(params, 'numHeads')} heads do not fit ${d} features.`, `Use at most ${d} heads.`);
  }
  return d;
}

export const transformerEncoderSpec: LayerSpec<'TransformerEncoder'> = {
  type: 'TransformerEncoder',
  label: 'TransformerEncoder',
  category: 'Blocks',
  description:
    'keras-hub\'s Transformer encoder block: self-attention, add & norm, feed-forward (Dense → Dense), add & norm. Keeps the shape [?, time, features].',
  params: [
    { name: 'numHeads', label: 'Heads', kind: 'int', default: 4, min: 1, max: 1024, help: 'Attention heads; each has features / heads dimensions.' },
    { name: 'intermediateDim', label: 'Feed-forward size', kind: 'int', default: 128, min: 1, max: 1_000_000, help: 'Hidden units of the feed-forward network.' },
    { name: 'dropout', label: 'Dropout', kind: 'float', default: 0, min: 0, max: 0.99, help: 'Dropout on attention weights and block outputs while training.' },
    activationParam('relu', 'Activation of the feed-forward network (keras-hub: relu).'),
    { name: 'layerNormEpsilon', label: 'Norm epsilon', kind: 'float', default: 1e-5, min: 0, max: 1, help: 'Added to the variance in the layer norms.' },
    { name: 'normalizeFirst', label: 'Normalize first', kind: 'bool', default: false, help: 'Pre-norm: normalize before attention and feed-forward instead of after.' },
    trainableParam,
  ],
  inputs: [{ name: 'in', label: 'sequence', minRank: 3, maxRank: 3 }],
  inferShape: ([input], params) => {
    const d = width(input, params);
    return isFail(d) ? d : ok(input as Shape);
  },
  countParams: ([input], params) => {
    const d = width(input, params);
    if (isFail(d)) return 0;
    const k = keyDimOf(d, params);
    const h = num(params, 'numHeads');
    const f = num(params, 'intermediateDim');
    return attentionParamCount(d, d, d, h, k, k, d, true) + 2 * (2 * d) + (d * f + f) + (f * d + d);
  },
  countMacs: ([input], params) => {
    const d = width(input, params);
    if (isFail(d) || !input) return null;
    const t = input[1] ?? null;
    const k = keyDimOf(d, params);
    const att = attentionMacs(t, t, d, d, d, num(params, 'numHeads'), k, k, d);
    const ffn = mul(t, 2 * d * num(params, 'intermediateDim'));
    return att === null || ffn === null ? null : att + ffn;
  },
  tfjs: (params) => ({
    factory: 'transformerEncoder',
    config: {
      numHeads: num(params, 'numHeads'),
      intermediateDim: num(params, 'intermediateDim'),
      dropout: num(params, 'dropout'),
      activation: str(params, 'activation'),
      layerNormEpsilon: num(params, 'layerNormEpsilon'),
      normalizeFirst: bool(params, 'normalizeFirst'),
    },
  }),
};
