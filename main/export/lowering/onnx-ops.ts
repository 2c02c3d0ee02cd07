import { bool, num, str } from '../../../shared/layers/params';
import { ExportError, maybeWeight, transpose2d, weightOf, type ExportLayer, type NamedWeight } from '../model-info';
import type { Attr, OnnxGraph } from '../onnx-graph';
import { activationLowering, ONNX_RNN_ACTIVATION_NAMES } from './activations';

/**
 * The ONNX building blocks the lowerings share (opset 17). Tensors stay channels-last as in
 * Keras; convolutions and pools are wrapped in Transposes. Recurrent layers become ONNX
 * LSTM/GRU/RNN with the gates reordered (Keras i,f,c,o -> ONNX i,o,f,c); attention becomes
 * MatMul/Softmax.
 */
export class OnnxOps {
  constructor(readonly g: OnnxGraph) {}

  /** A Netwright activation applied to `x` (activations.ts). */
  act(name: string, x: string, layer: ExportLayer): string {
    return activationLowering(name, layer).onnx(this.g, x, layer.name);
  }

  /** The last dimension of input `i`; an ExportError when it is unknown. */
  lastIn(layer: ExportLayer, i = 0): number {
    const s = layer.inputShapes[i] ?? [];
    const d = s[s.length - 1];
    if (typeof d !== 'number') throw new ExportError(`${layer.name}: the last input dimension must be known.`, layer.nodeId);
    return d;
  }

  dense(x: string, rank: number, kernel: NamedWeight, bias: NamedWeight | null, prefix: string, hint: string): string {
    const g = this.g;
    const w = g.weight(`${prefix}/kernel`, kernel.shape, kernel.data);
    const b = bias ? g.weight(`${prefix}/bias`, bias.shape, bias.data) : null;
    if (rank === 2 && b) return g.op1('Gemm', [x, w, b], {}, hint);
    const y = g.op1('MatMul', [x, w], {}, `${hint}/matmul`);
    return b ? g.op1('Add', [y, b], {}, hint) : y;
  }

  nchw(x: string, rank: number, hint: string): string {
    return this.g.op1('Transpose', [x], { perm: { ints: rank === 3 ? [0, 2, 1] : [0, 3, 1, 2] } }, `${hint}/to_channels_first`);
  }

  nhwc(x: string, rank: number, hint: string): string {
    return this.g.op1('Transpose', [x], { perm: { ints: rank === 3 ? [0, 2, 1] : [0, 2, 3, 1] } }, `${hint}/to_channels_last`);
  }

  /** Attention in Keras's math; returns [B, T, out]. Weights under `prefix` (`query/kernel`...). */
  attention(layer: ExportLayer, q: string, v: string, k: string, prefix: string, heads: number, keyDim: number, valueDim: number): string {
    const g = this.g;
    const h = layer.name;
    const proj = (x: string, part: string, size: number, perm: number[]) => {
      const kernel = weightOf(layer, `${prefix}${part}/kernel`);
      const d = kernel.shape[0] as number;
      const bias = maybeWeight(layer, `${prefix}${part}/bias`);
      const w = g.weight(`${h}/${prefix}${part}/kernel`, [d, heads * size], kernel.data);
      let y = g.op1('MatMul', [x, w], {}, `${h}/${part}/matmul`);
      if (bias) y = g.op1('Add', [y, g.weight(`${h}/${prefix}${part}/bias`, [heads * size], bias.data)], {}, `${h}/${part}/add`);
      y = g.op1('Reshape', [y, g.constInt64('heads_shape', [0, 0, heads, size])], {}, `${h}/${part}/split_heads`);
      return g.op1('Transpose', [y], { perm: { ints: perm } }, `${h}/${part}/heads`);
    };
    const qh = g.op1('Mul', [proj(q, 'query', keyDim, [0, 2, 1, 3]), g.constFloat('inv_sqrt_key', [], [1 / Math.sqrt(keyDim)])], {}, `${h}/query/scaled`);
    const kh = proj(k, 'key', keyDim, [0, 2, 3, 1]);
    const vh = proj(v, 'value', valueDim, [0, 2, 1, 3]);
    const probs = g.op1('Softmax', [g.op1('MatMul', [qh, kh], {}, `${h}/scores`)], { axis: { i: -1 } }, `${h}/probs`);
    let o = g.op1('Transpose', [g.op1('MatMul', [probs, vh], {}, `${h}/attended`)], { perm: { ints: [0, 2, 1, 3] } }, `${h}/attended_bthv`);
    o = g.op1('Reshape', [o, g.constInt64('merge_heads', [0, 0, heads * valueDim])], {}, `${h}/merge_heads`);
    const ok = weightOf(layer, `${prefix}attention_output/kernel`);
    const ob = maybeWeight(layer, `${prefix}attention_output/bias`);
    const out = ok.shape[2] as number;
    let y = g.op1('MatMul', [o, g.weight(`${h}/${prefix}attention_output/kernel`, [heads * valueDim, out], ok.data)], {}, `${h}/output/matmul`);
    if (ob) y = g.op1('Add', [y, g.weight(`${h}/${prefix}attention_output/bias`, ob.shape, ob.data)], {}, `${h}/output`);
    return y;
  }

  layerNorm(x: string, gamma: NamedWeight | null, beta: NamedWeight | null, d: number, epsilon: number, prefix: string, hint: string): string {
    const g = this.g;
    const scale = gamma ? g.weight(`${prefix}/gamma`, gamma.shape, gamma.data) : g.constFloat('ones', [d], new Float32Array(d).fill(1));
    const b = beta ? g.weight(`${prefix}/beta`, beta.shape, beta.data) : '';
    return g.op1('LayerNormalization', b ? [x, scale, b] : [x, scale], { axis: { i: -1 }, epsilon: { f: epsilon } }, hint);
  }

  rnn(layer: ExportLayer, x: string, kind: string, weightSets: readonly (readonly NamedWeight[])[], merge: string | null): string {
    const g = this.g;
    const p = layer.params;
    const h = layer.name;
    const u = num(p, 'units');
    const dirs = weightSets.length;
    const act = str(p, 'activation');
    const rec = kind === 'SimpleRNN' ? null : str(p, 'recurrentActivation');
    for (const a of [act, rec]) {
      if (a !== null && activationLowering(a, layer).onnxRnn === null) {
        throw new ExportError(`${h} (${layer.type}): activation "${a}" is not one ONNX recurrent ops take (${ONNX_RNN_ACTIVATION_NAMES.join(', ')}).`, layer.nodeId);
      }
    }
    const gates = kind === 'LSTM' ? 4 : kind === 'GRU' ? 3 : 1;
    // Keras LSTM gates i, f, c, o; ONNX i, o, f, c. GRU (z, r, h) and SimpleRNN keep their order.
    const order = kind === 'LSTM' ? [0, 3, 1, 2] : Array.from({ length: gates }, (_, i) => i);
    const reorderRows = (t: Float32Array, cols: number) => {
      const out = new Float32Array(t.length);
      order.forEach((src, dst) => out.set(t.subarray(src * u * cols, (src + 1) * u * cols), dst * u * cols));
      return out;
    };
    const stack = (parts: Float32Array[]) => {
      const out = new Float32Array(parts.reduce((n, q) => n + q.length, 0));
      let at = 0;
      for (const q of parts) {
        out.set(q, at);
        at += q.length;
      }
      return out;
    };
    const features = (weightSets[0]?.[0]?.shape[0] ?? 0) as number;
    const W = g.weight(`${h}/kernel`, [dirs, gates * u, features], stack(weightSets.map((ws) => reorderRows(transpose2d(ws[0] as NamedWeight), features))));
    const R = g.weight(`${h}/recurrent_kernel`, [dirs, gates * u, u], stack(weightSets.map((ws) => reorderRows(transpose2d(ws[1] as NamedWeight), u))));
    let B = '';
    const biases = weightSets.map((ws) => ws[2]).filter((b): b is NamedWeight => Boolean(b));
    const resetAfter = kind === 'GRU' && bool(p, 'resetAfter');
    if (biases.length === dirs) {
      if (resetAfter) {
        // Keras's [2, 3u] (input bias, recurrent bias) is ONNX's [Wb, Rb] as it is.
        B = g.weight(`${h}/bias`, [dirs, 2 * gates * u], stack(biases.map((b) => b.data)));
      } else {
        const wb = g.weight(`${h}/bias`, [dirs, gates * u], stack(biases.map((b) => reorderRows(b.data, 1))));
        B = g.op1('Concat', [wb, g.constFloat('zero_recurrent_bias', [dirs, gates * u], new Float32Array(dirs * gates * u))], { axis: { i: 1 } }, `${h}/bias_wr`);
      }
    }
    const acts = (kind === 'LSTM' ? [rec, act, act] : kind === 'GRU' ? [rec, act] : [act]).map((a) => activationLowering(a as string, layer).onnxRnn as string);
    const attrs: Record<string, Attr> = {
      hidden_size: { i: u },
      direction: { s: dirs === 2 ? 'bidirectional' : 'forward' },
      activations: { strings: dirs === 2 ? [...acts, ...acts] : acts },
    };
    if (kind === 'GRU') attrs['linear_before_reset'] = { i: resetAfter ? 1 : 0 };
    const op = kind === 'LSTM' ? 'LSTM' : kind === 'GRU' ? 'GRU' : 'RNN';
    const xt = g.op1('Transpose', [x], { perm: { ints: [1, 0, 2] } }, `${h}/time_major`);
    const [Y, Yh] = g.op(op, [xt, W, R, B], attrs, h, 2) as [string, string];
    const seq = bool(p, 'returnSequences');
    if (dirs === 1) {
      if (seq) return g.op1('Transpose', [g.op1('Squeeze', [Y, g.constInt64('axis1', [1])], {}, `${h}/y`)], { perm: { ints: [1, 0, 2] } }, `${h}/sequences`);
      return g.op1('Squeeze', [Yh, g.constInt64('axis0', [0])], {}, `${h}/last`);
    }
    // Y [T, 2, B, u] → [B, T, 2, u]; Y_h [2, B, u] → [B, 2, u]. Concatenation is forward then backward, as in Keras.
    const both = seq ? g.op1('Transpose', [Y], { perm: { ints: [2, 0, 1, 3] } }, `${h}/bt2u`) : g.op1('Transpose', [Yh], { perm: { ints: [1, 0, 2] } }, `${h}/b2u`);
    const axis = seq ? 2 : 1;
    if (merge === 'concat') return g.op1('Reshape', [both, g.constInt64('merge_dirs', seq ? [0, 0, -1] : [0, -1])], {}, `${h}/concat`);
    const fwd = g.op1('Gather', [both, g.constInt64('dir0', [0])], { axis: { i: axis } }, `${h}/forward_k`);
    const bwd = g.op1('Gather', [both, g.constInt64('dir1', [1])], { axis: { i: axis } }, `${h}/backward_k`);
    const sq = (t: string, n: string) => g.op1('Squeeze', [t, g.constInt64('dir_axis', [axis])], {}, n);
    const a = sq(fwd, `${h}/forward`);
    const b = sq(bwd, `${h}/backward`);
    if (merge === 'sum') return g.op1('Add', [a, b], {}, `${h}/sum`);
    if (merge === 'mul') return g.op1('Mul', [a, b], {}, `${h}/mul`);
    return g.op1('Mean', [a, b], {}, `${h}/ave`);
  }

}
