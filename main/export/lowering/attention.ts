import { bool, num, str } from '../../../shared/layers/params';
import { ident, maybeWeight, weightOf } from '../model-info';
import { customLayer, kerasName, lastDim, py, pyActivation, t2, type FamilyLowerings } from './parts';
import { refuse, type PytorchCode } from './types';

/**
 * Lowerings of shared/layers/specs/attention/: PositionalEmbedding, MultiHeadAttention and
 * TransformerEncoder. Keras gets MultiHeadAttention as it is and the other two as small custom
 * layers in model.py (keras-helpers.ts); ONNX gets MatMul/Softmax (onnx-ops.ts attention).
 */

const ATTENTION_PARTS = ['query', 'key', 'value', 'attention_output'] as const;
const torchPart = (part: (typeof ATTENTION_PARTS)[number]) => (part === 'attention_output' ? 'output' : part);

export const ATTENTION_LOWERINGS = {
  PositionalEmbedding: {
    keras: (layer, k) => {
      k.need('positionalEmbedding');
      const p = layer.params;
      return `PositionalEmbedding(${num(p, 'inputDim')}, ${num(p, 'outputDim')}, ${num(p, 'sequenceLength')}, mask_zero=${py(bool(p, 'maskZero'))}, ${kerasName(layer)})`;
    },
    onnx: (o, layer, xs) => {
      if (bool(layer.params, 'maskZero')) refuse(layer, 'onnx', 'Mask zero (Keras masks) has no ONNX equivalent; turn Mask zero off.');
      const g = o.g;
      const h = layer.name;
      const x = xs[0] as string;
      const t = weightOf(layer, 'token_embedding/embeddings');
      const pe = weightOf(layer, 'position_embedding/embeddings');
      const tokens = g.op1('Gather', [g.weight(`${h}/token_embedding/embeddings`, t.shape, t.data), x], { axis: { i: 0 } }, `${h}/tokens`);
      const length = g.op1('Gather', [g.op1('Shape', [x], {}, `${h}/ids_shape`), g.constInt64('index1', [1])], { axis: { i: 0 } }, `${h}/length`);
      const positions = g.op1('Slice', [g.weight(`${h}/position_embedding/embeddings`, pe.shape, pe.data), g.constInt64('zero', [0]), length, g.constInt64('axis0', [0])], {}, `${h}/positions`);
      return g.op1('Add', [tokens, positions], {}, h);
    },
    pytorch: (layer, xs) => {
      const p = layer.params;
      if (bool(p, 'maskZero')) refuse(layer, 'pytorch', 'Mask zero (Keras masks) has no PyTorch equivalent; turn Mask zero off.');
      const name = ident(layer.name);
      return {
        init: [`self.${name} = PositionalEmbedding(${num(p, 'inputDim')}, ${num(p, 'outputDim')}, ${num(p, 'sequenceLength')})`],
        forward: `self.${name}(${xs[0]})`,
        helpers: ['positionalEmbedding'],
        state: [
          [`${name}.token_embedding.weight`, weightOf(layer, 'token_embedding/embeddings')],
          [`${name}.position_embedding.weight`, weightOf(layer, 'position_embedding/embeddings')],
        ],
      };
    },
    tfjs: customLayer('PositionalEmbedding'),
  },
  MultiHeadAttention: {
    keras: (layer) => {
      const p = layer.params;
      const keyDim = num(p, 'keyDim');
      const out = num(p, 'outputShape');
      return `layers.MultiHeadAttention(num_heads=${num(p, 'numHeads')}, key_dim=${keyDim}, value_dim=${num(p, 'valueDim') || keyDim}, dropout=${num(p, 'dropout')}, use_bias=${py(bool(p, 'useBias'))}${out ? `, output_shape=${out}` : ''}, ${kerasName(layer)})`;
    },
    kerasPositionalInputs: true,
    onnx: (o, layer, xs) => {
      const keyDim = num(layer.params, 'keyDim');
      return o.attention(layer, xs[0] as string, xs[1] as string, xs[2] ?? (xs[1] as string), '', num(layer.params, 'numHeads'), keyDim, num(layer.params, 'valueDim') || keyDim);
    },
    pytorch: (layer, xs) => {
      const p = layer.params;
      const name = ident(layer.name);
      const dq = lastDim(layer, 0);
      const dv = lastDim(layer, 1);
      const dk = layer.inputShapes.length > 2 ? lastDim(layer, 2) : dv;
      const keyDim = num(p, 'keyDim');
      const valueDim = num(p, 'valueDim') || keyDim;
      const out = num(p, 'outputShape') || dq;
      const state: PytorchCode['state'] = [];
      for (const part of ATTENTION_PARTS) {
        state.push([`${name}.${torchPart(part)}_kernel`, weightOf(layer, `${part}/kernel`)]);
        const b = maybeWeight(layer, `${part}/bias`);
        if (b) state.push([`${name}.${torchPart(part)}_bias`, b]);
      }
      return {
        init: [`self.${name} = MultiHeadAttention(${dq}, ${dv}, ${dk}, num_heads=${num(p, 'numHeads')}, key_dim=${keyDim}, value_dim=${valueDim}, output_dim=${out}, use_bias=${py(bool(p, 'useBias'))}, dropout=${num(p, 'dropout')})`],
        forward: `self.${name}(${xs.join(', ')})`,
        helpers: ['attention'],
        state,
      };
    },
    tfjs: customLayer('MultiHeadAttention'),
  },
  TransformerEncoder: {
    keras: (layer, k) => {
      k.need('transformerEncoder');
      const p = layer.params;
      return `TransformerEncoder(num_heads=${num(p, 'numHeads')}, intermediate_dim=${num(p, 'intermediateDim')}, dropout=${num(p, 'dropout')}, activation=${k.act(str(p, 'activation'))}, layer_norm_epsilon=${num(p, 'layerNormEpsilon')}, normalize_first=${py(bool(p, 'normalizeFirst'))}, ${kerasName(layer)})`;
    },
    onnx: (o, layer, xs) => {
      const g = o.g;
      const p = layer.params;
      const h = layer.name;
      const x = xs[0] as string;
      const d = o.lastIn(layer);
      const heads = num(p, 'numHeads');
      const k = Math.floor(d / heads);
      const eps = num(p, 'layerNormEpsilon');
      const first = bool(p, 'normalizeFirst');
      const norm = (t: string, which: string) => o.layerNorm(t, weightOf(layer, `${which}/gamma`), weightOf(layer, `${which}/beta`), d, eps, `${h}/${which}`, `${h}/${which}`);
      let y = first ? norm(x, 'self_attention_layer_norm') : x;
      y = o.attention(layer, y, y, y, 'self_attention_layer/', heads, k, k);
      y = g.op1('Add', [y, x], {}, `${h}/attention_residual`);
      if (!first) y = norm(y, 'self_attention_layer_norm');
      let f = first ? norm(y, 'feedforward_layer_norm') : y;
      f = o.dense(f, 3, weightOf(layer, 'feedforward_intermediate_dense/kernel'), weightOf(layer, 'feedforward_intermediate_dense/bias'), `${h}/feedforward_intermediate_dense`, `${h}/intermediate`);
      f = o.act(str(p, 'activation'), f, layer);
      f = o.dense(f, 3, weightOf(layer, 'feedforward_output_dense/kernel'), weightOf(layer, 'feedforward_output_dense/bias'), `${h}/feedforward_output_dense`, `${h}/ffn_out`);
      f = g.op1('Add', [f, y], {}, `${h}/feedforward_residual`);
      return first ? f : norm(f, 'feedforward_layer_norm');
    },
    pytorch: (layer, xs) => {
      const p = layer.params;
      const name = ident(layer.name);
      const att = 'self_attention_layer';
      const state: PytorchCode['state'] = [];
      for (const part of ATTENTION_PARTS) {
        state.push([`${name}.attention.${torchPart(part)}_kernel`, weightOf(layer, `${att}/${part}/kernel`)]);
        state.push([`${name}.attention.${torchPart(part)}_bias`, weightOf(layer, `${att}/${part}/bias`)]);
      }
      state.push([`${name}.attention_norm.weight`, weightOf(layer, 'self_attention_layer_norm/gamma')]);
      state.push([`${name}.attention_norm.bias`, weightOf(layer, 'self_attention_layer_norm/beta')]);
      state.push([`${name}.feedforward_norm.weight`, weightOf(layer, 'feedforward_layer_norm/gamma')]);
      state.push([`${name}.feedforward_norm.bias`, weightOf(layer, 'feedforward_layer_norm/beta')]);
      state.push([`${name}.intermediate.weight`, t2(weightOf(layer, 'feedforward_intermediate_dense/kernel'))]);
      state.push([`${name}.intermediate.bias`, weightOf(layer, 'feedforward_intermediate_dense/bias')]);
      state.push([`${name}.output_dense.weight`, t2(weightOf(layer, 'feedforward_output_dense/kernel'))]);
      state.push([`${name}.output_dense.bias`, weightOf(layer, 'feedforward_output_dense/bias')]);
      pyActivation(str(p, 'activation'), 'x', layer); // an unknown activation is refused here, not in Python
      return {
        init: [
          `self.${name} = TransformerEncoder(${lastDim(layer)}, num_heads=${num(p, 'numHeads')}, intermediate_dim=${num(p, 'intermediateDim')}, dropout=${num(p, 'dropout')}, activation=${py(str(p, 'activation'))}, epsilon=${num(p, 'layerNormEpsilon')}, normalize_first=${py(bool(p, 'normalizeFirst'))})`,
        ],
        forward: `self.${name}(${xs[0]})`,
        helpers: ['transformerEncoder'],
        state,
      };
    },
    tfjs: customLayer('TransformerEncoder'),
  },
} satisfies FamilyLowerings;
