import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { encodeNpz } from './npy';
import { failed, passed, predictionCheck, skipped, writeOut, type ExportContext, type FormatOutput } from './context';
import type { ExportCheck } from '../../shared/export/result';
import { maxDifference, type ExampleBatch } from './examples';
import { lastLine, pythonModuleMissing, pythonPath, runPython } from './python';
import type { NpyArray } from './npy';
import { ExportError, ident, maybeWeight, permute, transpose2d, weightOf, type ExportLayer, type ModelInfo, type NamedWeight } from './model-info';
import { helperCode } from './pytorch-helpers';
import { pyDocstring, pyLiteral } from './python-literal';
import { bool, intsParam, num, str } from '../../shared/layers/params';
import { pair } from '../../shared/layers/common';

/** A PyTorch nn.Module source (model.py) for the graph and its state dict as arrays (weights.npz). */
export interface PytorchModule {
  readonly source: string;
  readonly stateDict: Map<string, NpyArray>;
}

interface LayerCode {
  readonly init: string[];
  readonly forward: string;
  readonly helpers: string[];
  readonly state: [string, NamedWeight | { shape: readonly number[]; data: Float32Array }][];
}

/** Every value written into model.py, names included, goes through pyLiteral (python-literal.ts). */
const py = (v: unknown): string => pyLiteral(v);

/** A Python expression applying a Keras activation to `x`. */
export function pyActivation(name: string, x: string, nodeId: string | null = null): string {
  switch (name) {
    case 'linear':
      return x;
    case 'relu':
      return `torch.relu(${x})`;
    case 'relu6':
      return `F.relu6(${x})`;
    case 'leakyRelu':
      return `F.leaky_relu(${x}, 0.2)`;
    case 'elu':
      return `F.elu(${x})`;
    case 'selu':
      return `F.selu(${x})`;
    case 'sigmoid':
      return `torch.sigmoid(${x})`;
    case 'hardSigmoid':
      return `torch.clamp(0.2 * ${x} + 0.5, 0.0, 1.0)`;
    case 'tanh':
      return `torch.tanh(${x})`;
    case 'softmax':
      return `torch.softmax(${x}, dim=-1)`;
    case 'softplus':
      return `F.softplus(${x})`;
    case 'softsign':
      return `F.softsign(${x})`;
    case 'swish':
      return `F.silu(${x})`;
    case 'gelu':
      return `F.gelu(${x})`;
    default:
      throw new ExportError(`activation "${name}" has no PyTorch equivalent here.`, nodeId);
  }
}

const lastDim = (layer: ExportLayer, i = 0): number => {
  const s = layer.inputShapes[i] ?? [];
  const d = s[s.length - 1];
  if (typeof d !== 'number') throw new ExportError(`${layer.name}: the last input dimension must be known.`, layer.nodeId);
  return d;
};

const t2 = (w: NamedWeight) => ({ shape: [w.shape[1] as number, w.shape[0] as number], data: transpose2d(w) });
const perm = (w: NamedWeight, p: number[]) => permute(w.data, w.shape, p);

/** Keras depthwise kernel [kh, kw, cin, dm] → torch grouped conv weight [cin*dm, 1, kh, kw]. */
function depthwiseWeight(w: NamedWeight) {
  const [kh, kw, cin, dm] = w.shape as [number, number, number, number];
  const p = permute(w.data, [kh, kw, cin * dm], [2, 0, 1]);
  return { shape: [cin * dm, 1, kh, kw], data: p.data };
}

function rnnArgs(kind: string, features: number, params: ExportLayer['params'], goBackwards: boolean): string {
  const args = [
    py(kind),
    String(features),
    String(num(params, 'units')),
    `activation=${py(str(params, 'activation'))}`,
    ...(kind === 'SimpleRNN' ? [] : [`recurrent_activation=${py(str(params, 'recurrentActivation'))}`]),
    `use_bias=${py(bool(params, 'useBias'))}`,
    `return_sequences=${py(bool(params, 'returnSequences'))}`,
    ...(goBackwards ? ['go_backwards=True'] : []),
    ...(kind === 'GRU' ? [`reset_after=${py(bool(params, 'resetAfter'))}`] : []),
    ...(num(params, 'dropout') > 0 ? [`dropout=${num(params, 'dropout')}`] : []),
    ...(num(params, 'recurrentDropout') > 0 ? [`recurrent_dropout=${num(params, 'recurrentDropout')}`] : []),
  ];
  return `Recurrent(${args.join(', ')})`;
}

function rnnState(prefix: string, weights: readonly NamedWeight[]): LayerCode['state'] {
  const names = ['kernel', 'recurrent_kernel', 'bias'];
  return weights.map((w, i) => [`${prefix}.${names[i] ?? w.name}`, w]);
}

function layerCode(layer: ExportLayer, x: readonly string[]): LayerCode {
  const p = layer.params;
  const m = `self.${ident(layer.name)}`;
  const a = x[0] as string;
  const none = (forward: string, helpers: string[] = []): LayerCode => ({ init: [], forward, helpers, state: [] });
  const refuse = (why: string): never => {
    throw new ExportError(`${layer.name} (${layer.type}) cannot be exported to PyTorch: ${why}`, layer.nodeId);
  };
  switch (layer.type) {
    case 'Dense':
    case 'TimeDistributed': {
      const k = weightOf(layer, 'kernel');
      const b = maybeWeight(layer, 'bias');
      return {
        init: [`${m} = nn.Linear(${lastDim(layer)}, ${num(p, 'units')}, bias=${py(bool(p, 'useBias'))})`],
        forward: pyActivation(str(p, 'activation'), `${m}(${a})`, layer.nodeId),
        helpers: [],
        state: [[`${ident(layer.name)}.weight`, t2(k)], ...(b ? [[`${ident(layer.name)}.bias`, b] as LayerCode['state'][number]] : [])],
      };
    }
    case 'Conv2D':
    case 'Conv1D': {
      const two = layer.type === 'Conv2D';
      const k = weightOf(layer, 'kernel');
      const b = maybeWeight(layer, 'bias');
      const ks = two ? pair(intsParam(p, 'kernelSize')) : [num(p, 'kernelSize')];
      const st = two ? pair(intsParam(p, 'strides')) : [num(p, 'strides')];
      const dl = two ? pair(intsParam(p, 'dilationRate')) : [num(p, 'dilationRate')];
      const same = str(p, 'padding') === 'same';
      const call = two ? `conv2d_nhwc(${a}, ${py(same)}, ${m})` : `conv1d_nlc(${a}, ${m}, ${py(same)})`;
      return {
        init: [`${m} = nn.Conv${two ? 2 : 1}d(${lastDim(layer)}, ${num(p, 'filters')}, ${py(ks)}, stride=${py(st)}, dilation=${py(dl)}, bias=${py(bool(p, 'useBias'))})`],
        forward: pyActivation(str(p, 'activation'), call, layer.nodeId),
        helpers: [two ? 'conv2d' : 'conv1d'],
        state: [[`${ident(layer.name)}.weight`, perm(k, two ? [3, 2, 0, 1] : [2, 1, 0])], ...(b ? [[`${ident(layer.name)}.bias`, b] as LayerCode['state'][number]] : [])],
      };
    }
    case 'Conv2DTranspose': {
      const k = weightOf(layer, 'kernel');
      const b = maybeWeight(layer, 'bias');
      const same = str(p, 'padding') === 'same';
      return {
        init: [`${m} = nn.ConvTranspose2d(${lastDim(layer)}, ${num(p, 'filters')}, ${py(pair(intsParam(p, 'kernelSize')))}, stride=${py(pair(intsParam(p, 'strides')))}, bias=${py(bool(p, 'useBias'))})`],
        forward: pyActivation(str(p, 'activation'), `conv_transpose2d_nhwc(${m}, ${a}, ${py(same)})`, layer.nodeId),
        helpers: ['convTranspose2d'],
        state: [[`${ident(layer.name)}.weight`, perm(k, [3, 2, 0, 1])], ...(b ? [[`${ident(layer.name)}.bias`, b] as LayerCode['state'][number]] : [])],
      };
    }
    case 'DepthwiseConv2D':
    case 'SeparableConv2D': {
      const cin = lastDim(layer);
      const dm = num(p, 'depthMultiplier');
      const dw = weightOf(layer, 'depthwise_kernel');
      const b = maybeWeight(layer, 'bias');
      const ks = pair(intsParam(p, 'kernelSize'));
      const common = `stride=${py(pair(intsParam(p, 'strides')))}, dilation=${py(pair(intsParam(p, 'dilationRate')))}, groups=${cin}`;
      const same = py(str(p, 'padding') === 'same');
      const name = ident(layer.name);
      if (layer.type === 'DepthwiseConv2D') {
        return {
          init: [`${m} = nn.Conv2d(${cin}, ${cin * dm}, ${py(ks)}, ${common}, bias=${py(bool(p, 'useBias'))})`],
          forward: pyActivation(str(p, 'activation'), `conv2d_nhwc(${a}, ${same}, ${m})`, layer.nodeId),
          helpers: ['conv2d'],
          state: [[`${name}.weight`, depthwiseWeight(dw)], ...(b ? [[`${name}.bias`, b] as LayerCode['state'][number]] : [])],
        };
      }
      const pw = weightOf(layer, 'pointwise_kernel');
      return {
        init: [
          `${m}_depthwise = nn.Conv2d(${cin}, ${cin * dm}, ${py(ks)}, ${common}, bias=False)`,
          `${m}_pointwise = nn.Conv2d(${cin * dm}, ${num(p, 'filters')}, 1, bias=${py(bool(p, 'useBias'))})`,
        ],
        forward: pyActivation(str(p, 'activation'), `conv2d_nhwc(${a}, ${same}, ${m}_depthwise, ${m}_pointwise)`, layer.nodeId),
        helpers: ['conv2d'],
        state: [
          [`${name}_depthwise.weight`, depthwiseWeight(dw)],
          [`${name}_pointwise.weight`, perm(pw, [3, 2, 0, 1])],
          ...(b ? [[`${name}_pointwise.bias`, b] as LayerCode['state'][number]] : []),
        ],
      };
    }
    case 'MaxPooling1D':
    case 'AveragePooling1D': {
      const pool = num(p, 'poolSize');
      const kind = layer.type.startsWith('Max') ? 'max' : 'avg';
      return none(`pool_nhwc(${a}, ${py(kind)}, ${py([pool])}, ${py([num(p, 'strides') || pool])}, ${py(str(p, 'padding') === 'same')})`, ['pool']);
    }
    case 'MaxPooling2D':
    case 'AveragePooling2D': {
      const pool = pair(intsParam(p, 'poolSize'));
      const s = intsParam(p, 'strides');
      const kind = layer.type.startsWith('Max') ? 'max' : 'avg';
      return none(`pool_nhwc(${a}, ${py(kind)}, ${py(pool)}, ${py(s.length === 0 ? pool : pair(s))}, ${py(str(p, 'padding') === 'same')})`, ['pool']);
    }
    case 'GlobalAveragePooling1D':
      return none(`${a}.mean(dim=1)`);
    case 'GlobalMaxPooling1D':
      return none(`${a}.amax(dim=1)`);
    case 'GlobalAveragePooling2D':
      return none(`${a}.mean(dim=(1, 2))`);
    case 'GlobalMaxPooling2D':
      return none(`${a}.amax(dim=(1, 2))`);
    case 'UpSampling2D': {
      if (str(p, 'interpolation') !== 'nearest') refuse('bilinear upsampling is exported to ONNX and TF.js only.');
      const [sh, sw] = pair(intsParam(p, 'size'));
      return none(`${a}.repeat_interleave(${sh}, dim=1).repeat_interleave(${sw}, dim=2)`);
    }
    case 'ZeroPadding2D':
    case 'Cropping2D': {
      const v = intsParam(p, layer.type === 'ZeroPadding2D' ? 'padding' : 'cropping');
      const [t, b, l, r] = v.length === 1 ? [v[0], v[0], v[0], v[0]] : v.length === 2 ? [v[0], v[0], v[1], v[1]] : [v[0], v[1], v[2], v[3]];
      if (layer.type === 'ZeroPadding2D') return none(`F.pad(${a}, (0, 0, ${l}, ${r}, ${t}, ${b}))`);
      return none(`${a}[:, ${t}:${a}.shape[1] - ${b}, ${l}:${a}.shape[2] - ${r}]`);
    }
    case 'BatchNormalization': {
      const c = lastDim(layer);
      const name = ident(layer.name);
      return {
        init: [`${m} = BatchNorm(${c}, epsilon=${num(p, 'epsilon')}, momentum=${num(p, 'momentum')}, center=${py(bool(p, 'center'))}, scale=${py(bool(p, 'scale'))})`],
        forward: `${m}(${a})`,
        helpers: ['batchNorm'],
        state: layer.weights.map((w) => [`${name}.${w.name}`, w]),
      };
    }
    case 'LayerNormalization': {
      const c = lastDim(layer);
      const center = bool(p, 'center');
      const scale = bool(p, 'scale');
      if (center !== scale) refuse('PyTorch\'s LayerNorm has a scale and an offset together or neither; set Center and Scale alike.');
      const name = ident(layer.name);
      return {
        init: [`${m} = nn.LayerNorm(${c}, eps=${num(p, 'epsilon')}${center ? '' : ', elementwise_affine=False'})`],
        forward: `${m}(${a})`,
        helpers: [],
        state: center ? [[`${name}.weight`, weightOf(layer, 'gamma')], [`${name}.bias`, weightOf(layer, 'beta')]] : [],
      };
    }
    case 'Dropout':
      return { init: [`${m} = nn.Dropout(${num(p, 'rate')})`], forward: `${m}(${a})`, helpers: [], state: [] };
    case 'SpatialDropout1D':
    case 'SpatialDropout2D':
      return { init: [`${m} = SpatialDropout(${num(p, 'rate')})`], forward: `${m}(${a})`, helpers: ['noise'], state: [] };
    case 'GaussianNoise':
      return { init: [`${m} = GaussianNoise(${num(p, 'stddev')})`], forward: `${m}(${a})`, helpers: ['noise'], state: [] };
    case 'Activation':
      return none(pyActivation(str(p, 'activation'), a, layer.nodeId));
    case 'Flatten':
      return none(`${a}.reshape(${a}.shape[0], -1)`);
    case 'Reshape':
      return none(`${a}.reshape(${a}.shape[0], ${layer.outputShape.slice(1).map((d) => d ?? -1).join(', ')})`);
    case 'Permute':
      return none(`${a}.permute(0, ${intsParam(p, 'dims').join(', ')})`);
    case 'RepeatVector':
      return none(`${a}.unsqueeze(1).repeat(1, ${num(p, 'n')}, 1)`);
    case 'Embedding': {
      if (bool(p, 'maskZero')) refuse('Mask zero (Keras masks) has no PyTorch equivalent; turn Mask zero off.');
      return {
        init: [`${m} = nn.Embedding(${num(p, 'inputDim')}, ${num(p, 'outputDim')})`],
        forward: `${m}(${a}.long())`,
        helpers: [],
        state: [[`${ident(layer.name)}.weight`, weightOf(layer, 'embeddings')]],
      };
    }
    case 'PositionalEmbedding': {
      if (bool(p, 'maskZero')) refuse('Mask zero (Keras masks) has no PyTorch equivalent; turn Mask zero off.');
      const name = ident(layer.name);
      return {
        init: [`${m} = PositionalEmbedding(${num(p, 'inputDim')}, ${num(p, 'outputDim')}, ${num(p, 'sequenceLength')})`],
        forward: `${m}(${a})`,
        helpers: ['positionalEmbedding'],
        state: [
          [`${name}.token_embedding.weight`, weightOf(layer, 'token_embedding/embeddings')],
          [`${name}.position_embedding.weight`, weightOf(layer, 'position_embedding/embeddings')],
        ],
      };
    }
    case 'SimpleRNN':
    case 'LSTM':
    case 'GRU':
      return {
        init: [`${m} = ${rnnArgs(layer.type, lastDim(layer), p, false)}`],
        forward: `${m}(${a})`,
        helpers: ['rnn'],
        state: rnnState(ident(layer.name), layer.weights),
      };
    case 'Bidirectional': {
      const kind = str(p, 'layer');
      const half = layer.weights.length / 2;
      const name = ident(layer.name);
      return {
        init: [
          `${m} = Bidirectional(`,
          `    ${rnnArgs(kind, lastDim(layer), p, false)},`,
          `    ${rnnArgs(kind, lastDim(layer), p, true)},`,
          `    merge_mode=${py(str(p, 'mergeMode'))},`,
          `)`,
        ],
        forward: `${m}(${a})`,
        helpers: ['rnn'],
        state: [...rnnState(`${name}.forward_layer`, layer.weights.slice(0, half)), ...rnnState(`${name}.backward_layer`, layer.weights.slice(half))],
      };
    }
    case 'MultiHeadAttention': {
      const name = ident(layer.name);
      const dq = lastDim(layer, 0);
      const dv = lastDim(layer, 1);
      const dk = layer.inputShapes.length > 2 ? lastDim(layer, 2) : dv;
      const keyDim = num(p, 'keyDim');
      const valueDim = num(p, 'valueDim') || keyDim;
      const out = num(p, 'outputShape') || dq;
      const state: LayerCode['state'] = [];
      for (const part of ['query', 'key', 'value', 'attention_output']) {
        const to = part === 'attention_output' ? 'output' : part;
        state.push([`${name}.${to}_kernel`, weightOf(layer, `${part}/kernel`)]);
        const b = maybeWeight(layer, `${part}/bias`);
        if (b) state.push([`${name}.${to}_bias`, b]);
      }
      return {
        init: [`${m} = MultiHeadAttention(${dq}, ${dv}, ${dk}, num_heads=${num(p, 'numHeads')}, key_dim=${keyDim}, value_dim=${valueDim}, output_dim=${out}, use_bias=${py(bool(p, 'useBias'))}, dropout=${num(p, 'dropout')})`],
        forward: `${m}(${x.join(', ')})`,
        helpers: ['attention'],
        state,
      };
    }
    case 'TransformerEncoder': {
      const name = ident(layer.name);
      const d = lastDim(layer);
      const att = 'self_attention_layer';
      const state: LayerCode['state'] = [];
      for (const part of ['query', 'key', 'value', 'attention_output']) {
        const to = part === 'attention_output' ? 'output' : part;
        state.push([`${name}.attention.${to}_kernel`, weightOf(layer, `${att}/${part}/kernel`)]);
        state.push([`${name}.attention.${to}_bias`, weightOf(layer, `${att}/${part}/bias`)]);
      }
      state.push([`${name}.attention_norm.weight`, weightOf(layer, 'self_attention_layer_norm/gamma')]);
      state.push([`${name}.attention_norm.bias`, weightOf(layer, 'self_attention_layer_norm/beta')]);
      state.push([`${name}.feedforward_norm.weight`, weightOf(layer, 'feedforward_layer_norm/gamma')]);
      state.push([`${name}.feedforward_norm.bias`, weightOf(layer, 'feedforward_layer_norm/beta')]);
      state.push([`${name}.intermediate.weight`, t2(weightOf(layer, 'feedforward_intermediate_dense/kernel'))]);
      state.push([`${name}.intermediate.bias`, weightOf(layer, 'feedforward_intermediate_dense/bias')]);
      state.push([`${name}.output_dense.weight`, t2(weightOf(layer, 'feedforward_output_dense/kernel'))]);
      state.push([`${name}.output_dense.bias`, weightOf(layer, 'feedforward_output_dense/bias')]);
      pyActivation(str(p, 'activation'), 'x', layer.nodeId);
      return {
        init: [
          `${m} = TransformerEncoder(${d}, num_heads=${num(p, 'numHeads')}, intermediate_dim=${num(p, 'intermediateDim')}, dropout=${num(p, 'dropout')}, activation=${py(str(p, 'activation'))}, epsilon=${num(p, 'layerNormEpsilon')}, normalize_first=${py(bool(p, 'normalizeFirst'))})`,
        ],
        forward: `${m}(${a})`,
        helpers: ['transformerEncoder'],
        state,
      };
    }
    case 'Add':
      return none(x.join(' + '));
    case 'Subtract':
      return none(`${x[0]} - ${x[1]}`);
    case 'Multiply':
      return none(x.join(' * '));
    case 'Average':
      return none(`(${x.join(' + ')}) / ${x.length}`);
    case 'Maximum':
    case 'Minimum': {
      const fn = layer.type === 'Maximum' ? 'torch.maximum' : 'torch.minimum';
      return none(x.slice(1).reduce((acc, t) => `${fn}(${acc}, ${t})`, x[0] as string));
    }
    case 'Concatenate':
      return none(`torch.cat([${x.join(', ')}], dim=${num(p, 'axis')})`);
    case 'Dot': {
      const [s1, s2] = layer.inputShapes;
      const axes = num(p, 'axes');
      let [u, v] = [x[0] as string, x[1] as string];
      if (!s1 || !s2) refuse('it needs two inputs.');
      const r1 = (s1 as readonly unknown[]).length;
      const r2 = (s2 as readonly unknown[]).length;
      const ax = axes < 0 ? r1 + axes : axes;
      if (bool(p, 'normalize')) {
        u = `F.normalize(${u}, dim=${ax})`;
        v = `F.normalize(${v}, dim=${ax})`;
      }
      if (r1 === 2 && r2 === 2) return none(`(${u} * ${v}).sum(dim=1, keepdim=True)`);
      if (r1 === 3 && r2 === 3) return none(ax === 2 ? `torch.einsum("btd,bsd->bts", ${u}, ${v})` : `torch.einsum("btd,bte->bde", ${u}, ${v})`);
      return refuse('Dot of inputs of different ranks is not exported.');
    }
    default:
      return refuse('this layer type has no PyTorch translation yet.');
  }
}

const PY_HEADER = (title: string) => `${pyDocstring([
  `${title}: a PyTorch model exported from Netwright.`,
  '',
  'Tensors are channels-last, as in Keras and Netwright ([batch, height, width, channels]),',
  'so every layer sees its values in the same order as in the app. Weights are in',
  'weights.npz (the state dict as NumPy arrays); needs only torch and numpy.',
  '',
  '    import torch',
  '    from model import load_model',
  '    model = load_model()              # weights loaded, eval mode',
  '    y = model(torch.zeros(1, ...))    # see INPUTS for the input shapes',
  '',
])}
import math
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn`;

/** Generates model.py and the state dict for a model. */
export function pytorchModule(info: ModelInfo, title: string): PytorchModule {
  const helpers = new Set<string>();
  const init: string[] = [];
  const forward: string[] = [];
  const stateDict = new Map<string, NpyArray>();
  const varOf = new Map<string, string>();
  for (const i of info.inputs) varOf.set(i.name, ident(i.name));
  for (const layer of info.layers) {
    const inputs = layer.inputs.map((n) => varOf.get(n) ?? ident(n));
    const code = layerCode(layer, inputs);
    for (const h of code.helpers) helpers.add(h);
    init.push(...code.init);
    const v = ident(layer.name);
    forward.push(`${v} = ${code.forward}`);
    varOf.set(layer.name, v);
    for (const [key, w] of code.state) {
      stateDict.set(key, { shape: [...w.shape], dtype: 'float32', data: w.data });
    }
  }
  const outs = info.outputs.map((o) => varOf.get(o) ?? ident(o));
  const args = info.inputs.map((i) => ident(i.name)).join(', ');
  const inputsDecl = info.inputs.map((i) => `    (${py(i.name)}, ${py(i.shape.slice(1))}, ${py(i.dtype)}),`).join('\n');
  const source = `${PY_HEADER(title)}


${helperCode(helpers)}


class NetwrightModel(nn.Module):
    ${pyDocstring([`${title}: ${info.layers.length} layers, ${info.totalParams.toLocaleString('en-US')} parameters (as Keras counts them).`])}

    def __init__(self):
        super().__init__()
${init.length ? init.map((l) => `        ${l}`).join('\n') : '        pass'}

    def forward(self, ${args}):
${forward.map((l) => `        ${l}`).join('\n')}
        return ${outs.length === 1 ? outs[0] : `(${outs.join(', ')})`}


# (name, shape without the batch dimension (None: any length), dtype) of each input, in forward's order.
INPUTS = [
${inputsDecl}
]


def load_model(weights=None):
    """The model with its trained weights (weights.npz beside this file), in eval mode."""
    model = NetwrightModel()
    path = weights or os.path.join(os.path.dirname(os.path.abspath(__file__)), "weights.npz")
    with np.load(path) as npz:
        state = {key: torch.from_numpy(npz[key]) for key in npz.files}
    model.load_state_dict(state)
    return model.eval()


def count_params(model):
    """Parameters as Keras (and Netwright) count them: every weight, BatchNormalization's moving statistics included."""
    return sum(p.numel() for p in model.parameters()) + sum(
        b.numel() for name, b in model.named_buffers() if name.endswith(("moving_mean", "moving_variance")))


if __name__ == "__main__":
    # python model.py inputs.npz outputs.npz: predicts the arrays in inputs.npz (one per input, by name).
    model = load_model()
    print("parameters:", count_params(model))
    if len(sys.argv) == 3:
        with np.load(sys.argv[1]) as npz:
            xs = [torch.from_numpy(npz[name]) for name, _, _ in INPUTS]
        with torch.no_grad():
            ys = model(*xs)
        ys = ys if isinstance(ys, tuple) else (ys,)
        np.savez(sys.argv[2], **{f"output_{i}": y.numpy() for i, y in enumerate(ys)})
`;
  return { source, stateDict };
}

// ---------------------------------------------------------------------------
// Writing and checking the export.

export function examplesNpz(examples: readonly ExampleBatch[]): Uint8Array {
  return encodeNpz(new Map(examples.map((e) => [e.name, { shape: e.shape, dtype: e.dtype, data: e.data }])));
}

const PREDICT_SCRIPT = `
import json, sys
import numpy as np, torch
sys.path.insert(0, sys.argv[1])
from model import INPUTS, count_params, load_model
torch.set_num_threads(1)
model = load_model()
with np.load(sys.argv[2]) as npz:
    xs = [torch.from_numpy(npz[name]) for name, _, _ in INPUTS]
with torch.no_grad():
    ys = model(*xs)
ys = ys if isinstance(ys, tuple) else (ys,)
print(json.dumps({"params": count_params(model), "outputs": [{"shape": list(y.shape), "data": y.reshape(-1).tolist()} for y in ys]}))
`;

/** What a predict script prints as its last line: the model's parameter count and its outputs. */
export interface ScriptPrediction {
  readonly params: number;
  readonly outputs: { shape: number[]; data: number[] }[];
}

/**
 * Runs a predict script with `python -c script dir inputs.npz ...extraArgs` on the examples (saved
 * as inputs.npz in a temporary folder) and parses its last line; or the error, in one line.
 */
export async function runPredictScript(
  script: string,
  dir: string,
  examples: readonly ExampleBatch[],
  options: { extraArgs?: readonly string[]; env?: NodeJS.ProcessEnv; label?: string } = {},
): Promise<ScriptPrediction | { error: string }> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'netwright-predict-'));
  try {
    const inputs = path.join(tmp, 'inputs.npz');
    fs.writeFileSync(inputs, examplesNpz(examples));
    const env = { PYTHONPYCACHEPREFIX: tmp, ...options.env };
    const r = await runPython(['-c', script, dir, inputs, ...(options.extraArgs ?? [])], { cwd: tmp, timeoutMs: 300_000, env });
    if (r.code !== 0) return { error: `${options.label ?? pythonPath({ ...process.env, ...env })} failed: ${lastLine(r.stderr) || `exit code ${String(r.code)}`}` };
    return JSON.parse(lastLine(r.stdout)) as ScriptPrediction;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** Runs an exported model.py on the examples with the check Python; the outputs and its parameter count. */
export function runPytorchExport(dir: string, examples: readonly ExampleBatch[]): Promise<ScriptPrediction | { error: string }> {
  return runPredictScript(PREDICT_SCRIPT, dir, examples);
}

export async function writePytorch(ctx: ExportContext): Promise<FormatOutput> {
  const mod = pytorchModule(ctx.info, ctx.title);
  const files = [writeOut(ctx, 'model.py', mod.source), writeOut(ctx, 'weights.npz', encodeNpz(mod.stateDict))];
  const checks: ExportCheck[] = [];
  let exportedParams: number | null = null;
  if (ctx.selfCheck) {
    const missing = (await pythonModuleMissing('torch')) ?? (await pythonModuleMissing('numpy'));
    if (missing) checks.push(skipped('PyTorch predictions', missing));
    else {
      const r = await runPytorchExport(ctx.outDir, ctx.examples);
      if ('error' in r) checks.push(failed('PyTorch predictions', r.error));
      else {
        exportedParams = r.params;
        checks.push(predictionCheck('PyTorch predictions', maxDifference(ctx.expected, r.outputs), ctx.examples[0]?.shape[0] ?? 0));
        checks.push(
          r.params === ctx.info.totalParams
            ? passed('PyTorch parameter count', `${r.params.toLocaleString('en-US')}, as Netwright counts`)
            : failed('PyTorch parameter count', `${r.params} in PyTorch, ${ctx.info.totalParams} in Netwright`),
        );
      }
    }
  }
  return { files, checks, exportedParams };
}
