import type { LayerSpec, Params, Shape, ShapeResult } from '../../types';
import { bool, formatShape, num } from '../../params';
import { checkRank, fail, isFail, knownLast, missingInput, mul, ok, trainableParam, useBiasParam } from '../../common';

/** keyDim, valueDim (0: keyDim) and output size (0: the query's last dimension) of a node. */
export function attentionDims(params: Params, queryDim: number): { heads: number; keyDim: number; valueDim: number; out: number } {
  const keyDim = num(params, 'keyDim');
  const valueDim = num(params, 'valueDim') || keyDim;
  return { heads: num(params, 'numHeads'), keyDim, valueDim, out: num(params, 'outputShape') || queryDim };
}

/**
 * Keras's MultiHeadAttention parameters: query/key/value EinsumDense kernels
 * `[d, heads, dim]` + biases `[heads, dim]`, output kernel `[heads, valueDim, out]` + bias `[out]`.
 */
export function attentionParamCount(dq: number, dv: number, dk: number, heads: number, keyDim: number, valueDim: number, out: number, useBias: boolean): number {
  const b = useBias ? 1 : 0;
  return heads * keyDim * (dq + b) + heads * keyDim * (dk + b) + heads * valueDim * (dv + b) + heads * valueDim * out + b * out;
}

/** Per-sample multiply-accumulates of attention: projections, scores, weighted sum, output. */
export function attentionMacs(t: number | null, s: number | null, dq: number, dv: number, dk: number, heads: number, keyDim: number, valueDim: number, out: number): number | null {
  const parts = [
    mul(t, dq * heads * keyDim),
    mul(s, dk * heads * keyDim),
    mul(s, dv * heads * valueDim),
    mul(t, s, heads * keyDim),
    mul(t, s, heads * valueDim),
    mul(t, heads * valueDim * out),
  ];
  let total = 0;
  for (const p of parts) {
    if (p === null) return null;
    total += p;
  }
  return total;
}

const SEQ_FIX = 'Connect a sequence [batch, time, features], e.g. from an Embedding or PositionalEmbedding.';

type Dims = { q: Shape; v: Shape; k: Shape; dq: number; dv: number; dk: number };

function dims(shapes: readonly Shape[]): Dims | ShapeResult {
  const [q, v, kGiven] = shapes;
  if (!q || !v) return missingInput('MultiHeadAttention');
  const k = kGiven ?? v;
  for (const [what, s] of [['query', q], ['value', v], ['key', k]] as const) {
    const bad = checkRank('MultiHeadAttention', s, 3, 3, `a ${what} sequence [batch, time, features]`, SEQ_FIX);
    if (bad) return bad;
  }
  const dq = knownLast('MultiHeadAttention', q, 'query\'s feature size');
  if (isFail(dq)) return dq;
  const dv = knownLast('MultiHeadAttention', v, 'value\'s feature size');
  if (isFail(dv)) return dv;
  const dk = knownLast('MultiHeadAttention', k, 'key\'s feature size');
  if (isFail(dk)) return dk;
  const sv = v[1] ?? null;
  const sk = k[1] ?? null;
  if (sv !== null && sk !== null && sv !== sk) {
    return fail(
      'SHAPE_MISMATCH',
      `MultiHeadAttention needs key and value of the same length; it got key ${formatShape(k)} and value ${formatShape(v)}.`,
      'Feed key and value from sequences of the same length (or leave key open: it defaults to value).',
    );
  }
  return { q, v, k, dq, dv, dk };
}

const isDims = (x: Dims | ShapeResult): x is Dims => 'dq' in x;

export const multiHeadAttentionSpec: LayerSpec<'MultiHeadAttention'> = {
  type: 'MultiHeadAttention',
  label: 'MultiHeadAttention',
  category: 'Attention',
  description:
    'Keras\'s multi-head attention: each query position attends over the value sequence. Connect one sequence to query and value for self-attention, or two for cross-attention; key defaults to value.',
  params: [
    { name: 'numHeads', label: 'Heads', kind: 'int', default: 4, min: 1, max: 1024, help: 'Number of attention heads.' },
    { name: 'keyDim', label: 'Key size', kind: 'int', default: 16, min: 1, max: 65_536, help: 'Size of each head for query and key.' },
    { name: 'valueDim', label: 'Value size', kind: 'int', default: 0, min: 0, max: 65_536, help: 'Size of each head for value (0: same as the key size).' },
    { name: 'dropout', label: 'Dropout', kind: 'float', default: 0, min: 0, max: 0.99, help: 'Dropout on the attention weights while training.' },
    useBiasParam,
    { name: 'outputShape', label: 'Output size', kind: 'int', default: 0, min: 0, max: 1_000_000, help: 'Features of the output (0: those of the query).' },
    trainableParam,
  ],
  inputs: [
    { name: 'query', label: 'query', minRank: 3, maxRank: 3 },
    { name: 'value', label: 'value', minRank: 3, maxRank: 3 },
    { name: 'key', label: 'key', minRank: 3, maxRank: 3, optional: true },
  ],
  inferShape: (shapes, params) => {
    const d = dims(shapes);
    if (!isDims(d)) return d;
    return ok([d.q[0] ?? null, d.q[1] ?? null, attentionDims(params, d.dq).out]);
  },
  countParams: (shapes, params) => {
    const d = dims(shapes);
    if (!isDims(d)) return 0;
    const a = attentionDims(params, d.dq);
    return attentionParamCount(d.dq, d.dv, d.dk, a.heads, a.keyDim, a.valueDim, a.out, bool(params, 'useBias'));
  },
  countMacs: (shapes, params) => {
    const d = dims(shapes);
    if (!isDims(d)) return null;
    const a = attentionDims(params, d.dq);
    return attentionMacs(d.q[1] ?? null, d.v[1] ?? null, d.dq, d.dv, d.dk, a.heads, a.keyDim, a.valueDim, a.out);
  },
  tfjs: (params) => ({
    factory: 'multiHeadAttention',
    config: {
      numHeads: num(params, 'numHeads'),
      keyDim: num(params, 'keyDim'),
      valueDim: num(params, 'valueDim') || num(params, 'keyDim'),
      dropout: num(params, 'dropout'),
      useBias: bool(params, 'useBias'),
      outputShape: num(params, 'outputShape') || null,
    },
  }),
};
