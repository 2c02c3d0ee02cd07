import type { ExportCheck } from '../../shared/export/result';
import { bool, intsParam, num, str } from '../../shared/layers/params';
import { pair } from '../../shared/layers/common';
import { failed, passed, predictionCheck, skipped, writeOut, type ExportContext, type FormatOutput } from './context';
import { maxDifference } from './examples';
import { ExportError, maybeWeight, permute, transpose2d, weightOf, type ExportLayer, type ModelInfo, type NamedWeight } from './model-info';
import { OnnxGraph, type Attr } from './onnx-graph';
import { lastLine, pythonModuleMissing, runPython } from './python';

/**
 * ONNX export (opset 17). Tensors stay channels-last as in Keras; convolutions and pools are
 * wrapped in Transposes. Recurrent layers become ONNX LSTM/GRU/RNN with the gates reordered
 * (Keras i,f,c,o → ONNX i,o,f,c); attention becomes MatMul/Softmax.
 */

const ONNX_RNN_ACTIVATIONS: Record<string, string> = { sigmoid: 'Sigmoid', tanh: 'Tanh', relu: 'Relu', hardSigmoid: 'HardSigmoid' };

class Lowering {
  constructor(readonly g: OnnxGraph) {}

  act(name: string, x: string, layer: ExportLayer): string {
    const g = this.g;
    const h = layer.name;
    switch (name) {
      case 'linear':
        return x;
      case 'relu':
        return g.op1('Relu', [x], {}, `${h}/relu`);
      case 'relu6':
        return g.op1('Clip', [x, g.constFloat('zero', [], [0]), g.constFloat('six', [], [6])], {}, `${h}/relu6`);
      case 'leakyRelu':
        return g.op1('LeakyRelu', [x], { alpha: { f: 0.2 } }, `${h}/leaky_relu`);
      case 'elu':
        return g.op1('Elu', [x], { alpha: { f: 1 } }, `${h}/elu`);
      case 'selu':
        return g.op1('Selu', [x], { alpha: { f: 1.6732632423543772 }, gamma: { f: 1.0507009873554805 } }, `${h}/selu`);
      case 'sigmoid':
        return g.op1('Sigmoid', [x], {}, `${h}/sigmoid`);
      case 'hardSigmoid':
        return g.op1('HardSigmoid', [x], { alpha: { f: 0.2 }, beta: { f: 0.5 } }, `${h}/hard_sigmoid`);
      case 'tanh':
        return g.op1('Tanh', [x], {}, `${h}/tanh`);
      case 'softmax':
        return g.op1('Softmax', [x], { axis: { i: -1 } }, `${h}/softmax`);
      case 'softplus':
        return g.op1('Softplus', [x], {}, `${h}/softplus`);
      case 'softsign':
        return g.op1('Softsign', [x], {}, `${h}/softsign`);
      case 'swish':
        return g.op1('Mul', [x, g.op1('Sigmoid', [x], {}, `${h}/swish_sigmoid`)], {}, `${h}/swish`);
      case 'gelu': {
        const erf = g.op1('Erf', [g.op1('Div', [x, g.constFloat('sqrt2', [], [Math.SQRT2])], {}, `${h}/gelu_scaled`)], {}, `${h}/gelu_erf`);
        const half = g.op1('Mul', [x, g.constFloat('half', [], [0.5])], {}, `${h}/gelu_half`);
        return g.op1('Mul', [half, g.op1('Add', [erf, g.constFloat('one', [], [1])], {}, `${h}/gelu_1p`)], {}, `${h}/gelu`);
      }
      default:
        throw new ExportError(`${layer.name} (${layer.type}): activation "${name}" has no ONNX translation.`, layer.nodeId);
    }
  }

  /** [..., in] x kernel [in, out] (+ bias): Gemm for rank 2, MatMul + Add otherwise. */
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
      if (a !== null && !ONNX_RNN_ACTIVATIONS[a]) throw new ExportError(`${h} (${layer.type}): activation "${a}" is not one ONNX recurrent ops take (sigmoid, tanh, relu, hardSigmoid).`, layer.nodeId);
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
    const acts = (kind === 'LSTM' ? [rec, act, act] : kind === 'GRU' ? [rec, act] : [act]).map((a) => ONNX_RNN_ACTIVATIONS[a as string] as string);
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

  layer(layer: ExportLayer, xs: readonly string[]): string {
    const g = this.g;
    const p = layer.params;
    const h = layer.name;
    const x = xs[0] as string;
    const rank = layer.inputShapes[0]?.length ?? 0;
    const lastIn = (i = 0) => {
      const s = layer.inputShapes[i] ?? [];
      const d = s[s.length - 1];
      if (typeof d !== 'number') throw new ExportError(`${h}: the last input dimension must be known.`, layer.nodeId);
      return d;
    };
    const refuse = (why: string): never => {
      throw new ExportError(`${h} (${layer.type}) cannot be exported to ONNX: ${why}`, layer.nodeId);
    };
    const same = () => str(p, 'padding') === 'same';
    switch (layer.type) {
      case 'Dense':
      case 'TimeDistributed':
        return this.act(str(p, 'activation'), this.dense(x, rank, weightOf(layer, 'kernel'), maybeWeight(layer, 'bias'), h, `${h}/dense`), layer);
      case 'Conv1D':
      case 'Conv2D':
      case 'DepthwiseConv2D':
      case 'SeparableConv2D': {
        const two = layer.type !== 'Conv1D';
        const ks = two ? pair(intsParam(p, 'kernelSize')) : [num(p, 'kernelSize')];
        const strides = two ? pair(intsParam(p, 'strides')) : [num(p, 'strides')];
        const dil = two ? pair(intsParam(p, 'dilationRate')) : [num(p, 'dilationRate')];
        const attrs: Record<string, Attr> = { kernel_shape: { ints: ks }, strides: { ints: strides }, dilations: { ints: dil } };
        if (same()) attrs['auto_pad'] = { s: 'SAME_UPPER' };
        else attrs['pads'] = { ints: ks.flatMap(() => [0]).concat(ks.map(() => 0)) };
        const bias = maybeWeight(layer, 'bias');
        let y = this.nchw(x, rank, h);
        if (layer.type === 'Conv1D' || layer.type === 'Conv2D') {
          const k = weightOf(layer, 'kernel');
          const w = permute(k.data, k.shape, two ? [3, 2, 0, 1] : [2, 1, 0]);
          y = g.op1('Conv', [y, g.weight(`${h}/kernel`, w.shape, w.data), ...(bias ? [g.weight(`${h}/bias`, bias.shape, bias.data)] : [])], attrs, `${h}/conv`);
        } else {
          const dw = weightOf(layer, 'depthwise_kernel');
          const [kh, kw, cin, dm] = dw.shape as [number, number, number, number];
          const w = permute(dw.data, [kh, kw, cin * dm], [2, 0, 1]);
          const dwName = g.weight(`${h}/depthwise_kernel`, [cin * dm, 1, kh, kw], w.data);
          const groups = { ...attrs, group: { i: cin } };
          if (layer.type === 'DepthwiseConv2D') {
            y = g.op1('Conv', [y, dwName, ...(bias ? [g.weight(`${h}/bias`, bias.shape, bias.data)] : [])], groups, `${h}/depthwise`);
          } else {
            y = g.op1('Conv', [y, dwName], groups, `${h}/depthwise`);
            const pw = weightOf(layer, 'pointwise_kernel');
            const pwT = permute(pw.data, pw.shape, [3, 2, 0, 1]);
            y = g.op1('Conv', [y, g.weight(`${h}/pointwise_kernel`, pwT.shape, pwT.data), ...(bias ? [g.weight(`${h}/bias`, bias.shape, bias.data)] : [])], { kernel_shape: { ints: [1, 1] } }, `${h}/pointwise`);
          }
        }
        return this.act(str(p, 'activation'), this.nhwc(y, rank, h), layer);
      }
      case 'Conv2DTranspose': {
        const k = weightOf(layer, 'kernel');
        const bias = maybeWeight(layer, 'bias');
        const [kh, kw] = pair(intsParam(p, 'kernelSize'));
        const [sh, sw] = pair(intsParam(p, 'strides'));
        const padH = same() ? Math.max(kh - sh, 0) : 0;
        const padW = same() ? Math.max(kw - sw, 0) : 0;
        const w = permute(k.data, k.shape, [3, 2, 0, 1]);
        const attrs: Record<string, Attr> = {
          kernel_shape: { ints: [kh, kw] },
          strides: { ints: [sh, sw] },
          // TensorFlow's 'same' crops the odd pixel at the end; a kernel smaller than the stride pads zeros at the end.
          pads: { ints: [Math.floor(padH / 2), Math.floor(padW / 2), padH - Math.floor(padH / 2), padW - Math.floor(padW / 2)] },
          output_padding: { ints: [Math.max(sh - kh, 0), Math.max(sw - kw, 0)] },
        };
        const y = g.op1('ConvTranspose', [this.nchw(x, 4, h), g.weight(`${h}/kernel`, w.shape, w.data), ...(bias ? [g.weight(`${h}/bias`, bias.shape, bias.data)] : [])], attrs, `${h}/deconv`);
        return this.act(str(p, 'activation'), this.nhwc(y, 4, h), layer);
      }
      case 'MaxPooling1D':
      case 'AveragePooling1D':
      case 'MaxPooling2D':
      case 'AveragePooling2D': {
        const two = layer.type.endsWith('2D');
        const pool = two ? pair(intsParam(p, 'poolSize')) : [num(p, 'poolSize')];
        const s = two ? (intsParam(p, 'strides').length ? pair(intsParam(p, 'strides')) : pool) : [num(p, 'strides') || (pool[0] as number)];
        const attrs: Record<string, Attr> = { kernel_shape: { ints: pool }, strides: { ints: s }, auto_pad: { s: same() ? 'SAME_UPPER' : 'VALID' } };
        const max = layer.type.startsWith('Max');
        if (!max) attrs['count_include_pad'] = { i: 0 };
        return this.nhwc(g.op1(max ? 'MaxPool' : 'AveragePool', [this.nchw(x, rank, h)], attrs, `${h}/pool`), rank, h);
      }
      case 'GlobalAveragePooling1D':
      case 'GlobalMaxPooling1D':
      case 'GlobalAveragePooling2D':
      case 'GlobalMaxPooling2D':
        return g.op1(layer.type.includes('Max') ? 'ReduceMax' : 'ReduceMean', [x], { axes: { ints: layer.type.endsWith('2D') ? [1, 2] : [1] }, keepdims: { i: 0 } }, h);
      case 'UpSampling2D': {
        const [sh, sw] = pair(intsParam(p, 'size'));
        const bilinear = str(p, 'interpolation') === 'bilinear';
        return g.op1('Resize', [x, '', g.constFloat('scales', [4], [1, sh, sw, 1])], {
          mode: { s: bilinear ? 'linear' : 'nearest' },
          coordinate_transformation_mode: { s: 'asymmetric' },
          ...(bilinear ? {} : { nearest_mode: { s: 'floor' } }),
        }, h);
      }
      case 'ZeroPadding2D':
      case 'Cropping2D': {
        const v = intsParam(p, layer.type === 'ZeroPadding2D' ? 'padding' : 'cropping');
        const [t, b, l, r] = (v.length === 1 ? [v[0], v[0], v[0], v[0]] : v.length === 2 ? [v[0], v[0], v[1], v[1]] : v) as number[];
        if (layer.type === 'ZeroPadding2D') return g.op1('Pad', [x, g.constInt64('pads', [0, t as number, l as number, 0, 0, b as number, r as number, 0])], { mode: { s: 'constant' } }, h);
        const END = 9223372036854775807n;
        return g.op1('Slice', [x, g.constInt64('starts', [t as number, l as number]), g.constInt64('ends', [b ? -(b as number) : END, r ? -(r as number) : END]), g.constInt64('axes', [1, 2])], {}, h);
      }
      case 'BatchNormalization': {
        const c = lastIn();
        const gamma = maybeWeight(layer, 'gamma');
        const beta = maybeWeight(layer, 'beta');
        const inputs = [
          gamma ? g.weight(`${h}/gamma`, gamma.shape, gamma.data) : g.constFloat('ones', [c], new Float32Array(c).fill(1)),
          beta ? g.weight(`${h}/beta`, beta.shape, beta.data) : g.constFloat('zeros', [c], new Float32Array(c)),
          g.weight(`${h}/moving_mean`, [c], weightOf(layer, 'moving_mean').data),
          g.weight(`${h}/moving_variance`, [c], weightOf(layer, 'moving_variance').data),
        ];
        const toFirst = Array.from({ length: rank }, (_, i) => (i === 0 ? 0 : i === 1 ? rank - 1 : i - 1));
        const toLast = Array.from({ length: rank }, (_, i) => (i === 0 ? 0 : i === rank - 1 ? 1 : i + 1));
        const xin = rank > 2 ? g.op1('Transpose', [x], { perm: { ints: toFirst } }, `${h}/to_channels_first`) : x;
        const y = g.op1('BatchNormalization', [xin, ...inputs], { epsilon: { f: num(p, 'epsilon') } }, `${h}/bn`);
        return rank > 2 ? g.op1('Transpose', [y], { perm: { ints: toLast } }, h) : y;
      }
      case 'LayerNormalization':
        return this.layerNorm(x, maybeWeight(layer, 'gamma'), maybeWeight(layer, 'beta'), lastIn(), num(p, 'epsilon'), h, h);
      case 'Dropout':
      case 'SpatialDropout1D':
      case 'SpatialDropout2D':
      case 'GaussianNoise':
        return x; // training-only: nothing at inference
      case 'Activation':
        return this.act(str(p, 'activation'), x, layer);
      case 'Flatten':
        return g.op1('Flatten', [x], { axis: { i: 1 } }, h);
      case 'Reshape':
        return g.op1('Reshape', [x, g.constInt64('shape', [0, ...layer.outputShape.slice(1).map((d) => d ?? -1)])], {}, h);
      case 'Permute':
        return g.op1('Transpose', [x], { perm: { ints: [0, ...intsParam(p, 'dims')] } }, h);
      case 'RepeatVector':
        return g.op1('Expand', [g.op1('Unsqueeze', [x, g.constInt64('axis1', [1])], {}, `${h}/unsqueeze`), g.constInt64('repeat', [1, num(p, 'n'), 1])], {}, h);
      case 'Embedding': {
        if (bool(p, 'maskZero')) refuse('Mask zero (Keras masks) has no ONNX equivalent; turn Mask zero off.');
        const e = weightOf(layer, 'embeddings');
        return g.op1('Gather', [g.weight(`${h}/embeddings`, e.shape, e.data), x], { axis: { i: 0 } }, h);
      }
      case 'PositionalEmbedding': {
        if (bool(p, 'maskZero')) refuse('Mask zero (Keras masks) has no ONNX equivalent; turn Mask zero off.');
        const t = weightOf(layer, 'token_embedding/embeddings');
        const pe = weightOf(layer, 'position_embedding/embeddings');
        const tokens = g.op1('Gather', [g.weight(`${h}/token_embedding/embeddings`, t.shape, t.data), x], { axis: { i: 0 } }, `${h}/tokens`);
        const length = g.op1('Gather', [g.op1('Shape', [x], {}, `${h}/ids_shape`), g.constInt64('index1', [1])], { axis: { i: 0 } }, `${h}/length`);
        const positions = g.op1('Slice', [g.weight(`${h}/position_embedding/embeddings`, pe.shape, pe.data), g.constInt64('zero', [0]), length, g.constInt64('axis0', [0])], {}, `${h}/positions`);
        return g.op1('Add', [tokens, positions], {}, h);
      }
      case 'SimpleRNN':
      case 'LSTM':
      case 'GRU':
        return this.rnn(layer, x, layer.type, [layer.weights], null);
      case 'Bidirectional': {
        const half = layer.weights.length / 2;
        return this.rnn(layer, x, str(p, 'layer'), [layer.weights.slice(0, half), layer.weights.slice(half)], str(p, 'mergeMode'));
      }
      case 'MultiHeadAttention': {
        const keyDim = num(p, 'keyDim');
        return this.attention(layer, x, xs[1] as string, xs[2] ?? (xs[1] as string), '', num(p, 'numHeads'), keyDim, num(p, 'valueDim') || keyDim);
      }
      case 'TransformerEncoder': {
        const d = lastIn();
        const heads = num(p, 'numHeads');
        const k = Math.floor(d / heads);
        const eps = num(p, 'layerNormEpsilon');
        const first = bool(p, 'normalizeFirst');
        const norm = (t: string, which: string) => this.layerNorm(t, weightOf(layer, `${which}/gamma`), weightOf(layer, `${which}/beta`), d, eps, `${h}/${which}`, `${h}/${which}`);
        let y = first ? norm(x, 'self_attention_layer_norm') : x;
        y = this.attention(layer, y, y, y, 'self_attention_layer/', heads, k, k);
        y = g.op1('Add', [y, x], {}, `${h}/attention_residual`);
        if (!first) y = norm(y, 'self_attention_layer_norm');
        let f = first ? norm(y, 'feedforward_layer_norm') : y;
        f = this.dense(f, 3, weightOf(layer, 'feedforward_intermediate_dense/kernel'), weightOf(layer, 'feedforward_intermediate_dense/bias'), `${h}/feedforward_intermediate_dense`, `${h}/intermediate`);
        f = this.act(str(p, 'activation'), f, layer);
        f = this.dense(f, 3, weightOf(layer, 'feedforward_output_dense/kernel'), weightOf(layer, 'feedforward_output_dense/bias'), `${h}/feedforward_output_dense`, `${h}/ffn_out`);
        f = g.op1('Add', [f, y], {}, `${h}/feedforward_residual`);
        return first ? f : norm(f, 'feedforward_layer_norm');
      }
      case 'Add':
        return g.op1('Sum', [...xs], {}, h);
      case 'Subtract':
        return g.op1('Sub', [x, xs[1] as string], {}, h);
      case 'Multiply':
        return xs.slice(1).reduce((acc, t, i) => g.op1('Mul', [acc, t], {}, `${h}/mul${i}`), x);
      case 'Average':
        return g.op1('Mean', [...xs], {}, h);
      case 'Maximum':
        return g.op1('Max', [...xs], {}, h);
      case 'Minimum':
        return g.op1('Min', [...xs], {}, h);
      case 'Concatenate':
        return g.op1('Concat', [...xs], { axis: { i: num(p, 'axis') } }, h);
      case 'Dot': {
        const r1 = layer.inputShapes[0]?.length ?? 0;
        const r2 = layer.inputShapes[1]?.length ?? 0;
        const axes = num(p, 'axes');
        const ax = axes < 0 ? r1 + axes : axes;
        let [a, b] = [x, xs[1] as string];
        if (bool(p, 'normalize')) {
          a = g.op1('LpNormalization', [a], { axis: { i: ax }, p: { i: 2 } }, `${h}/normalize1`);
          b = g.op1('LpNormalization', [b], { axis: { i: ax }, p: { i: 2 } }, `${h}/normalize2`);
        }
        if (r1 === 2 && r2 === 2) return g.op1('ReduceSum', [g.op1('Mul', [a, b], {}, `${h}/mul`), g.constInt64('axis1', [1])], { keepdims: { i: 1 } }, h);
        if (r1 === 3 && r2 === 3) {
          if (ax === 2) return g.op1('MatMul', [a, g.op1('Transpose', [b], { perm: { ints: [0, 2, 1] } }, `${h}/bT`)], {}, h);
          return g.op1('MatMul', [g.op1('Transpose', [a], { perm: { ints: [0, 2, 1] } }, `${h}/aT`), b], {}, h);
        }
        return refuse('Dot of inputs of different ranks is not exported.');
      }
      default:
        return refuse('this layer type has no ONNX translation yet.');
    }
  }
}

/** The ONNX model bytes and its parameter count. */
export function onnxModel(info: ModelInfo, title: string): { bytes: Uint8Array; params: number } {
  const g = new OnnxGraph();
  const low = new Lowering(g);
  const tensors = new Map<string, string>();
  for (const i of info.inputs) tensors.set(i.name, g.input(i.name, i.dtype, i.shape));
  for (const layer of info.layers) {
    const xs = layer.inputs.map((n) => {
      const t = tensors.get(n);
      if (!t) throw new ExportError(`${layer.name} is fed by ${n}, which was not exported before it.`, layer.nodeId);
      return t;
    });
    tensors.set(layer.name, low.layer(layer, xs));
  }
  info.outputs.forEach((o, i) => {
    const t = tensors.get(o) as string;
    g.output(g.op1('Identity', [t], {}, `${o}_output`), 'float32', info.outputShapes[i] ?? []);
  });
  return { bytes: g.encode(title.replace(/[^A-Za-z0-9_ -]/g, '_') || 'netwright', `${title}: exported from Netwright`), params: g.paramCount() };
}

const CHECKER = `
import sys, onnx
model = onnx.load(sys.argv[1])
onnx.checker.check_model(model, full_check=True)
print("ok", len(model.graph.node), "nodes")
`;

/** The official ONNX checker (Debian's python3-onnx) on a file: null when it passes, else its message. */
export async function onnxChecker(file: string): Promise<ExportCheck> {
  const missing = await pythonModuleMissing('onnx');
  if (missing) return skipped('ONNX checker', missing);
  const r = await runPython(['-c', CHECKER, file], { timeoutMs: 120_000 });
  return r.code === 0 ? passed('ONNX checker', `onnx.checker.check_model(full_check=True): ${lastLine(r.stdout)}`) : failed('ONNX checker', lastLine(r.stderr) || `exit code ${String(r.code)}`);
}

type Ort = typeof import('onnxruntime-node');

/** onnxruntime-node, or why it cannot be loaded here. */
export async function loadOrt(): Promise<Ort | string> {
  try {
    return (await import('onnxruntime-node')) as Ort;
  } catch (error) {
    return `onnxruntime-node is not installed or cannot load (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`;
  }
}

export async function runOnnx(ort: Ort, file: string, ctx: Pick<ExportContext, 'examples'>): Promise<{ shape: number[]; data: Float32Array }[]> {
  const session = await ort.InferenceSession.create(file, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  try {
    const feeds: Record<string, InstanceType<Ort['Tensor']>> = {};
    for (const e of ctx.examples) feeds[e.name] = new ort.Tensor(e.dtype, e.data, e.shape);
    const out = await session.run(feeds);
    return session.outputNames.map((n) => {
      const t = out[n];
      if (!t) throw new Error(`onnxruntime returned no output ${n}`);
      return { shape: [...t.dims], data: Float32Array.from(t.data as Float32Array) };
    });
  } finally {
    await session.release();
  }
}

export async function writeOnnx(ctx: ExportContext): Promise<FormatOutput> {
  const { bytes, params } = onnxModel(ctx.info, ctx.title);
  const file = writeOut(ctx, 'model.onnx', bytes);
  const checks: ExportCheck[] = [];
  if (ctx.selfCheck) {
    checks.push(await onnxChecker(file));
    const ort = await loadOrt();
    if (typeof ort === 'string') checks.push(skipped('onnxruntime-node predictions', ort));
    else {
      try {
        checks.push(predictionCheck('onnxruntime-node predictions', maxDifference(ctx.expected, await runOnnx(ort, file, ctx)), ctx.examples[0]?.shape[0] ?? 0));
      } catch (error) {
        checks.push(failed('onnxruntime-node predictions', error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error)));
      }
    }
    checks.push(params === ctx.info.totalParams ? passed('ONNX parameter count', `${params.toLocaleString('en-US')} in the initializers`) : failed('ONNX parameter count', `${params} in the ONNX initializers, ${ctx.info.totalParams} in Netwright`));
  }
  return { files: [file], checks, exportedParams: params };
}
