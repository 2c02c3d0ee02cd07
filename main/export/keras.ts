import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ExportCheck } from '../../shared/export/result';
import { bool, intsParam, num, str } from '../../shared/layers/params';
import { pair } from '../../shared/layers/common';
import { failed, passed, skipped, writeOut, type ExportContext, type FormatOutput } from './context';
import { ExportError, ident, type ExportLayer, type ModelInfo } from './model-info';
import { kerasPredictionChecks } from './keras-check';
import { lastLine, pythonModuleMissing, runPython } from './python';
import { pyDocstring, pyLiteral } from './python-literal';

/**
 * Keras export: model.py builds the same graph with Keras 3 layers (MultiHeadAttention included;
 * PositionalEmbedding and TransformerEncoder as small custom layers in the file), and weights.h5
 * holds the weights in Keras's HDF5 layout (`layer_names`, a group per layer with `weight_names`),
 * which `model.load_weights("weights.h5")` reads. tfjs already keeps Keras's weight layout, so the
 * arrays are written as they are.
 */

/** Every value written into model.py, names included, goes through pyLiteral (python-literal.ts). */
const py = (v: unknown): string => pyLiteral(v);

const KERAS_ACTIVATIONS: Record<string, string> = {
  linear: '"linear"',
  relu: '"relu"',
  relu6: '"relu6"',
  leakyRelu: '"leaky_relu"',
  elu: '"elu"',
  selu: '"selu"',
  sigmoid: '"sigmoid"',
  hardSigmoid: 'hard_sigmoid_02',
  tanh: '"tanh"',
  softmax: '"softmax"',
  softplus: '"softplus"',
  softsign: '"softsign"',
  swish: '"swish"',
  gelu: '"gelu"',
};

function act(name: string, layer: ExportLayer): string {
  const a = KERAS_ACTIVATIONS[name];
  if (!a) throw new ExportError(`${layer.name}: activation "${name}" has no Keras equivalent.`, layer.nodeId);
  return a;
}

function rnnLayer(kind: string, p: ExportLayer['params'], layer: ExportLayer, name: string | null): string {
  const args = [
    String(num(p, 'units')),
    `activation=${act(str(p, 'activation'), layer)}`,
    ...(kind === 'SimpleRNN' ? [] : [`recurrent_activation=${act(str(p, 'recurrentActivation'), layer)}`]),
    `use_bias=${py(bool(p, 'useBias'))}`,
    `return_sequences=${py(bool(p, 'returnSequences'))}`,
    `dropout=${num(p, 'dropout')}`,
    `recurrent_dropout=${num(p, 'recurrentDropout')}`,
    ...(kind === 'GRU' ? [`reset_after=${py(bool(p, 'resetAfter'))}`] : []),
    ...(name ? [`name=${py(name)}`] : []),
  ];
  return `layers.${kind}(${args.join(', ')})`;
}

function sides(v: readonly number[]): [[number, number], [number, number]] {
  const [t, b, l, r] = (v.length === 1 ? [v[0], v[0], v[0], v[0]] : v.length === 2 ? [v[0], v[0], v[1], v[1]] : v) as number[];
  return [
    [t as number, b as number],
    [l as number, r as number],
  ];
}

/** The Keras layer constructor for one node, e.g. `layers.Dense(128, activation="relu", name="hidden_1")`. */
function kerasLayer(layer: ExportLayer, helpers: Set<string>): string {
  const p = layer.params;
  const n = `name=${py(layer.name)}`;
  const a = () => `activation=${act(str(p, 'activation'), layer)}`;
  if (p['activation'] === 'hardSigmoid' || p['recurrentActivation'] === 'hardSigmoid') helpers.add('hardSigmoid');
  const conv2 = () => `kernel_size=${py(pair(intsParam(p, 'kernelSize')))}, strides=${py(pair(intsParam(p, 'strides')))}, padding=${py(str(p, 'padding'))}`;
  switch (layer.type) {
    case 'Dense':
      return `layers.Dense(${num(p, 'units')}, ${a()}, use_bias=${py(bool(p, 'useBias'))}, ${n})`;
    case 'TimeDistributed':
      return `layers.TimeDistributed(layers.Dense(${num(p, 'units')}, ${a()}, use_bias=${py(bool(p, 'useBias'))}), ${n})`;
    case 'Conv1D':
      return `layers.Conv1D(${num(p, 'filters')}, kernel_size=${num(p, 'kernelSize')}, strides=${num(p, 'strides')}, padding=${py(str(p, 'padding'))}, dilation_rate=${num(p, 'dilationRate')}, ${a()}, use_bias=${py(bool(p, 'useBias'))}, ${n})`;
    case 'Conv2D':
      return `layers.Conv2D(${num(p, 'filters')}, ${conv2()}, dilation_rate=${py(pair(intsParam(p, 'dilationRate')))}, ${a()}, use_bias=${py(bool(p, 'useBias'))}, ${n})`;
    case 'Conv2DTranspose':
      return `layers.Conv2DTranspose(${num(p, 'filters')}, ${conv2()}, ${a()}, use_bias=${py(bool(p, 'useBias'))}, ${n})`;
    case 'SeparableConv2D':
      return `layers.SeparableConv2D(${num(p, 'filters')}, ${conv2()}, dilation_rate=${py(pair(intsParam(p, 'dilationRate')))}, depth_multiplier=${num(p, 'depthMultiplier')}, ${a()}, use_bias=${py(bool(p, 'useBias'))}, ${n})`;
    case 'DepthwiseConv2D':
      return `layers.DepthwiseConv2D(${conv2()}, depth_multiplier=${num(p, 'depthMultiplier')}, dilation_rate=${py(pair(intsParam(p, 'dilationRate')))}, ${a()}, use_bias=${py(bool(p, 'useBias'))}, ${n})`;
    case 'MaxPooling1D':
    case 'AveragePooling1D': {
      const pool = num(p, 'poolSize');
      return `layers.${layer.type}(pool_size=${pool}, strides=${num(p, 'strides') || pool}, padding=${py(str(p, 'padding'))}, ${n})`;
    }
    case 'MaxPooling2D':
    case 'AveragePooling2D': {
      const pool = pair(intsParam(p, 'poolSize'));
      const s = intsParam(p, 'strides');
      return `layers.${layer.type}(pool_size=${py(pool)}, strides=${py(s.length ? pair(s) : pool)}, padding=${py(str(p, 'padding'))}, ${n})`;
    }
    case 'GlobalAveragePooling1D':
    case 'GlobalMaxPooling1D':
    case 'GlobalAveragePooling2D':
    case 'GlobalMaxPooling2D':
    case 'Flatten':
      return `layers.${layer.type}(${n})`;
    case 'UpSampling2D':
      if (str(p, 'interpolation') !== 'nearest') {
        throw new ExportError(`${layer.name} (UpSampling2D): Keras's bilinear upsampling uses half-pixel centres, TF.js's does not, so predictions would differ; export to ONNX or TF.js.`, layer.nodeId);
      }
      return `layers.UpSampling2D(size=${py(pair(intsParam(p, 'size')))}, interpolation="nearest", ${n})`;
    case 'ZeroPadding2D':
      return `layers.ZeroPadding2D(padding=${py(sides(intsParam(p, 'padding')))}, ${n})`;
    case 'Cropping2D':
      return `layers.Cropping2D(cropping=${py(sides(intsParam(p, 'cropping')))}, ${n})`;
    case 'BatchNormalization':
      return `layers.BatchNormalization(axis=-1, momentum=${num(p, 'momentum')}, epsilon=${num(p, 'epsilon')}, center=${py(bool(p, 'center'))}, scale=${py(bool(p, 'scale'))}, ${n})`;
    case 'LayerNormalization':
      return `layers.LayerNormalization(axis=-1, epsilon=${num(p, 'epsilon')}, center=${py(bool(p, 'center'))}, scale=${py(bool(p, 'scale'))}, ${n})`;
    case 'Dropout':
    case 'SpatialDropout1D':
    case 'SpatialDropout2D':
      return `layers.${layer.type}(${num(p, 'rate')}, ${n})`;
    case 'GaussianNoise':
      return `layers.GaussianNoise(${num(p, 'stddev')}, ${n})`;
    case 'Activation':
      return `layers.Activation(${act(str(p, 'activation'), layer)}, ${n})`;
    case 'Reshape':
      return `layers.Reshape(${py(layer.outputShape.slice(1).map((d) => d ?? -1))}, ${n})`;
    case 'Permute':
      return `layers.Permute(${py(intsParam(p, 'dims'))}, ${n})`;
    case 'RepeatVector':
      return `layers.RepeatVector(${num(p, 'n')}, ${n})`;
    case 'Embedding':
      return `layers.Embedding(${num(p, 'inputDim')}, ${num(p, 'outputDim')}, mask_zero=${py(bool(p, 'maskZero'))}, ${n})`;
    case 'PositionalEmbedding':
      helpers.add('positionalEmbedding');
      return `PositionalEmbedding(${num(p, 'inputDim')}, ${num(p, 'outputDim')}, ${num(p, 'sequenceLength')}, mask_zero=${py(bool(p, 'maskZero'))}, ${n})`;
    case 'SimpleRNN':
    case 'LSTM':
    case 'GRU':
      return rnnLayer(layer.type, p, layer, layer.name);
    case 'Bidirectional':
      return `layers.Bidirectional(${rnnLayer(str(p, 'layer'), p, layer, null)}, merge_mode=${py(str(p, 'mergeMode'))}, ${n})`;
    case 'MultiHeadAttention': {
      const keyDim = num(p, 'keyDim');
      const out = num(p, 'outputShape');
      return `layers.MultiHeadAttention(num_heads=${num(p, 'numHeads')}, key_dim=${keyDim}, value_dim=${num(p, 'valueDim') || keyDim}, dropout=${num(p, 'dropout')}, use_bias=${py(bool(p, 'useBias'))}${out ? `, output_shape=${out}` : ''}, ${n})`;
    }
    case 'TransformerEncoder':
      helpers.add('transformerEncoder');
      return `TransformerEncoder(num_heads=${num(p, 'numHeads')}, intermediate_dim=${num(p, 'intermediateDim')}, dropout=${num(p, 'dropout')}, activation=${act(str(p, 'activation'), layer)}, layer_norm_epsilon=${num(p, 'layerNormEpsilon')}, normalize_first=${py(bool(p, 'normalizeFirst'))}, ${n})`;
    case 'Add':
    case 'Subtract':
    case 'Multiply':
    case 'Average':
    case 'Maximum':
    case 'Minimum':
      return `layers.${layer.type}(${n})`;
    case 'Concatenate':
      return `layers.Concatenate(axis=${num(p, 'axis')}, ${n})`;
    case 'Dot':
      return `layers.Dot(axes=${num(p, 'axes')}, normalize=${py(bool(p, 'normalize'))}, ${n})`;
    default:
      throw new ExportError(`${layer.name} (${layer.type}) has no Keras translation yet.`, layer.nodeId);
  }
}

const KERAS_HELPERS: Record<string, string> = {
  hardSigmoid: `
def hard_sigmoid_02(x):
    """TF.js's (and Keras 2's) hard sigmoid: clip(0.2 x + 0.5, 0, 1); Keras 3's "hard_sigmoid" is relu6(x + 3) / 6."""
    return ops.clip(0.2 * x + 0.5, 0.0, 1.0)`,
  positionalEmbedding: `
class PositionalEmbedding(layers.Layer):
    """Token embedding plus a learned position embedding (keras-hub's TokenAndPositionEmbedding).
    Weights: token_embedding [vocabulary, dim], position_embedding [max_length, dim]."""

    def __init__(self, vocabulary, dim, max_length, mask_zero=False, **kwargs):
        super().__init__(**kwargs)
        self.vocabulary, self.dim, self.max_length, self.mask_zero = vocabulary, dim, max_length, mask_zero

    def build(self, input_shape):
        self.token_embedding = self.add_weight(name="token_embedding", shape=(self.vocabulary, self.dim), initializer="uniform")
        self.position_embedding = self.add_weight(name="position_embedding", shape=(self.max_length, self.dim), initializer="glorot_uniform")

    def call(self, ids):
        ids = ops.cast(ids, "int32")
        return ops.take(self.token_embedding, ids, axis=0) + self.position_embedding[: ops.shape(ids)[1]]

    def compute_mask(self, ids, mask=None):
        return ops.not_equal(ids, 0) if self.mask_zero else None

    def get_config(self):
        return {**super().get_config(), "vocabulary": self.vocabulary, "dim": self.dim, "max_length": self.max_length, "mask_zero": self.mask_zero}`,
  transformerEncoder: `
class TransformerEncoder(layers.Layer):
    """keras-hub's TransformerEncoder: self-attention, add & norm, feed-forward, add & norm.
    Sub-layers are created in keras-hub's order, which is the order of the weights in weights.h5."""

    def __init__(self, num_heads, intermediate_dim, dropout=0.0, activation="relu", layer_norm_epsilon=1e-5, normalize_first=False, **kwargs):
        super().__init__(**kwargs)
        self.num_heads, self.intermediate_dim, self.rate = num_heads, intermediate_dim, dropout
        self.activation, self.layer_norm_epsilon, self.normalize_first = activation, layer_norm_epsilon, normalize_first
        self.supports_masking = True

    def build(self, input_shape):
        d = input_shape[-1]
        self.self_attention_layer = layers.MultiHeadAttention(self.num_heads, d // self.num_heads, dropout=self.rate)
        self.self_attention_layer.build(input_shape, input_shape)
        self.self_attention_layer_norm = layers.LayerNormalization(epsilon=self.layer_norm_epsilon)
        self.self_attention_layer_norm.build(input_shape)
        self.feedforward_layer_norm = layers.LayerNormalization(epsilon=self.layer_norm_epsilon)
        self.feedforward_layer_norm.build(input_shape)
        self.feedforward_intermediate_dense = layers.Dense(self.intermediate_dim, activation=self.activation)
        self.feedforward_intermediate_dense.build(input_shape)
        self.feedforward_output_dense = layers.Dense(d)
        self.feedforward_output_dense.build(tuple(input_shape[:-1]) + (self.intermediate_dim,))
        self.dropout_layer = layers.Dropout(self.rate)

    def call(self, x, training=None, mask=None):
        attention_mask = None if mask is None else ops.expand_dims(mask, 1)
        y = self.self_attention_layer_norm(x) if self.normalize_first else x
        y = self.dropout_layer(self.self_attention_layer(y, y, attention_mask=attention_mask, training=training), training=training) + x
        if not self.normalize_first:
            y = self.self_attention_layer_norm(y)
        f = self.feedforward_layer_norm(y) if self.normalize_first else y
        f = self.dropout_layer(self.feedforward_output_dense(self.feedforward_intermediate_dense(f)), training=training) + y
        return f if self.normalize_first else self.feedforward_layer_norm(f)

    def get_config(self):
        return {**super().get_config(), "num_heads": self.num_heads, "intermediate_dim": self.intermediate_dim, "dropout": self.rate,
                "activation": self.activation, "layer_norm_epsilon": self.layer_norm_epsilon, "normalize_first": self.normalize_first}`,
};

/** model.py for Keras 3. */
export function kerasSource(info: ModelInfo, title: string): string {
  const helpers = new Set<string>();
  const lines: string[] = [];
  const v = new Map<string, string>();
  for (const i of info.inputs) {
    const name = ident(i.name);
    v.set(i.name, name);
    lines.push(`${name} = keras.Input(shape=${py(i.shape.slice(1))}, dtype=${py(i.dtype)}, name=${py(i.name)})`);
  }
  for (const layer of info.layers) {
    const xs = layer.inputs.map((x) => v.get(x) ?? ident(x));
    const ctor = kerasLayer(layer, helpers);
    const args = layer.type === 'MultiHeadAttention' ? xs.join(', ') : xs.length > 1 ? `[${xs.join(', ')}]` : (xs[0] as string);
    const name = ident(layer.name);
    lines.push(`${name} = ${ctor}(${args})`);
    v.set(layer.name, name);
  }
  const ins = info.inputs.map((i) => v.get(i.name) as string);
  const outs = info.outputs.map((o) => v.get(o) as string);
  const doc = pyDocstring([
    `${title}: a Keras 3 model exported from Netwright.`,
    '',
    "build_model() creates the layers and loads weights.h5 (Keras's HDF5 weight layout).",
    '',
    '    from model import build_model',
    '    model = build_model()',
    '    model.predict(x)',
    '',
  ]);
  return `${doc}
import os

import keras
from keras import layers, ops

${[...helpers].map((h) => (KERAS_HELPERS[h] as string).trim()).join('\n\n\n')}


def build_model(weights=os.path.join(os.path.dirname(os.path.abspath(__file__)), "weights.h5")):
    """The model; with its weights from \`weights\` unless it is None."""
${lines.map((l) => `    ${l}`).join('\n')}
    model = keras.Model(inputs=${ins.length === 1 ? ins[0] : `[${ins.join(', ')}]`}, outputs=${outs.length === 1 ? outs[0] : `[${outs.join(', ')}]`}, name=${py(ident(title) || 'netwright')})
    if weights:
        model.load_weights(weights)
    return model


if __name__ == "__main__":
    build_model().summary()
`;
}

type H5 = typeof import('h5wasm/node');

async function loadH5(): Promise<H5> {
  const h5 = (await import('h5wasm/node')) as H5;
  await h5.ready;
  return h5;
}

const fixedStrings = (xs: readonly string[]) => `A${Math.max(1, ...xs.map((s) => Buffer.byteLength(s))) + 1}`;

/** Writes weights.h5 in Keras's layout; returns the number of values written. */
export async function writeKerasH5(info: ModelInfo, file: string): Promise<number> {
  const h5 = await loadH5();
  // h5wasm's Node build writes to the real file system.
  const f = new h5.File(file, 'w');
  let count = 0;
  try {
    const layerNames = info.layers.map((l) => l.name);
    f.create_attribute('layer_names', layerNames, [layerNames.length], fixedStrings(layerNames));
    f.create_attribute('backend', 'tensorflow', null, fixedStrings(['tensorflow']));
    f.create_attribute('keras_version', '3.0.0', null, fixedStrings(['3.0.0']));
    for (const layer of info.layers) {
      const g = f.create_group(layer.name);
      const names = layer.weights.map((w) => `${layer.name}/${w.name}:0`);
      if (names.length === 0) {
        g.create_attribute('weight_names', [], [0], 'A1');
        continue;
      }
      g.create_attribute('weight_names', names, [names.length], fixedStrings(names));
      for (const [i, w] of layer.weights.entries()) {
        const parts = (names[i] as string).split('/');
        let group = g;
        for (const part of parts.slice(0, -1)) group = (group.get(part) as typeof g | null) ?? group.create_group(part);
        group.create_dataset({ name: parts.at(-1) as string, data: w.data, shape: [...w.shape], dtype: '<f4' });
        count += w.data.length;
      }
    }
  } finally {
    f.close();
  }
  return count;
}

const H5_CHECK = `
import json, sys
import h5py, numpy as np
out = {}
with h5py.File(sys.argv[1], "r") as f:
    names = [n.decode() if isinstance(n, bytes) else n for n in f.attrs["layer_names"]]
    for name in names:
        g = f[name]
        weights = [w.decode() if isinstance(w, bytes) else w for w in g.attrs["weight_names"]]
        out[name] = [[w, list(g[w].shape), float(np.asarray(g[w], dtype=np.float64).sum())] for w in weights]
print(json.dumps(out))
`;

export async function writeKeras(ctx: ExportContext): Promise<FormatOutput> {
  const source = kerasSource(ctx.info, ctx.title);
  const files = [writeOut(ctx, 'model.py', source)];
  const h5file = path.join(ctx.outDir, 'weights.h5');
  const exported = await writeKerasH5(ctx.info, h5file);
  files.push(h5file);
  const checks: ExportCheck[] = [];
  if (ctx.selfCheck) {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'netwright-keras-'));
    try {
      const compiled = await runPython(['-m', 'py_compile', files[0] as string], { env: { PYTHONPYCACHEPREFIX: tmp } });
      checks.push(compiled.code === 0 ? passed('model.py compiles', 'python3 -m py_compile') : failed('model.py compiles', lastLine(compiled.stderr)));
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
    const missing = await pythonModuleMissing('h5py');
    if (missing) checks.push(skipped('h5py reads weights.h5', missing));
    else {
      const r = await runPython(['-c', H5_CHECK, h5file]);
      if (r.code !== 0) checks.push(failed('h5py reads weights.h5', lastLine(r.stderr)));
      else {
        const got = JSON.parse(lastLine(r.stdout)) as Record<string, [string, number[], number][]>;
        const problems: string[] = [];
        for (const layer of ctx.info.layers) {
          const entries = got[layer.name];
          if (!entries) {
            problems.push(`${layer.name} missing`);
            continue;
          }
          if (entries.length !== layer.weights.length) problems.push(`${layer.name}: ${entries.length} weights, expected ${layer.weights.length}`);
          layer.weights.forEach((w, i) => {
            const e = entries[i];
            if (!e) return;
            if (e[1].join(',') !== w.shape.join(',')) problems.push(`${e[0]} shape [${e[1].join(', ')}], expected [${w.shape.join(', ')}]`);
            const sum = w.data.reduce((s, x) => s + x, 0);
            if (Math.abs(e[2] - sum) > 1e-3 * Math.max(1, Math.abs(sum))) problems.push(`${e[0]} values differ (sum ${e[2]} vs ${sum})`);
          });
        }
        checks.push(
          problems.length
            ? failed('h5py reads weights.h5', problems.slice(0, 3).join('; '))
            : passed('h5py reads weights.h5', `${ctx.info.layers.length} layer groups, every weight's shape and values as in Netwright`),
        );
      }
    }
    const keras = await kerasPredictionChecks(ctx.outDir, ctx.examples, ctx.expected, ctx.info.totalParams);
    checks.push(...keras.checks);
    return { files, checks, exportedParams: keras.params ?? exported };
  }
  return { files, checks, exportedParams: exported };
}
