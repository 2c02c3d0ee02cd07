import { bool, num, str } from '../../../shared/layers/params';
import { ident, weightOf, type ExportLayer, type NamedWeight } from '../model-info';
import { onnxDense, pytorchDense } from './dense';
import { activationClasses, kerasActivation, kerasName, kerasRnn, lastDim, py, stockLayer, type FamilyLowerings } from './parts';
import { refuse, type LayerLowering, type PytorchCode, type TfjsLowering } from './types';

/**
 * Lowerings of shared/layers/specs/recurrent.ts: Embedding, the recurrent layers, Bidirectional
 * and TimeDistributed (Dense on every step). ONNX's recurrent ops take the gates in their own
 * order (onnx-ops.ts rnn); PyTorch uses the Recurrent helper, which keeps Keras's weight layout.
 */

const maskZero = (format: string) => `Mask zero (Keras masks) has no ${format} equivalent; turn Mask zero off.`;

/** The Recurrent(...) helper's constructor for one direction. */
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

function rnnState(prefix: string, weights: readonly NamedWeight[]): PytorchCode['state'] {
  const names = ['kernel', 'recurrent_kernel', 'bias'];
  return weights.map((w, i) => [`${prefix}.${names[i] ?? w.name}`, w]);
}

/** GRU with resetAfter (Keras's default) is NetwrightGRU in TF.js; false is stock. */
const gruClasses =
  (kindOf: (layer: ExportLayer) => string): TfjsLowering =>
  (layer) => [...(kindOf(layer) === 'GRU' && bool(layer.params, 'resetAfter') ? ['NetwrightGRU'] : []), ...activationClasses(layer)];

const recurrent: LayerLowering = {
  keras: (layer, k) => kerasRnn(layer.type, layer, k, layer.name),
  onnx: (o, layer, xs) => o.rnn(layer, xs[0] as string, layer.type, [layer.weights], null),
  pytorch: (layer, xs) => ({
    init: [`self.${ident(layer.name)} = ${rnnArgs(layer.type, lastDim(layer), layer.params, false)}`],
    forward: `self.${ident(layer.name)}(${xs[0]})`,
    helpers: ['rnn'],
    state: rnnState(ident(layer.name), layer.weights),
  }),
  tfjs: gruClasses((layer) => layer.type),
};

export const RECURRENT_LOWERINGS = {
  Embedding: {
    keras: (layer) => {
      const p = layer.params;
      return `layers.Embedding(${num(p, 'inputDim')}, ${num(p, 'outputDim')}, mask_zero=${py(bool(p, 'maskZero'))}, ${kerasName(layer)})`;
    },
    onnx: (o, layer, xs) => {
      if (bool(layer.params, 'maskZero')) refuse(layer, 'onnx', maskZero('ONNX'));
      const e = weightOf(layer, 'embeddings');
      return o.g.op1('Gather', [o.g.weight(`${layer.name}/embeddings`, e.shape, e.data), xs[0] as string], { axis: { i: 0 } }, layer.name);
    },
    pytorch: (layer, xs) => {
      const p = layer.params;
      if (bool(p, 'maskZero')) refuse(layer, 'pytorch', maskZero('PyTorch'));
      const m = `self.${ident(layer.name)}`;
      return {
        init: [`${m} = nn.Embedding(${num(p, 'inputDim')}, ${num(p, 'outputDim')})`],
        forward: `${m}(${xs[0]}.long())`,
        helpers: [],
        state: [[`${ident(layer.name)}.weight`, weightOf(layer, 'embeddings')]],
      };
    },
    tfjs: stockLayer,
  },
  SimpleRNN: recurrent,
  LSTM: recurrent,
  GRU: recurrent,
  Bidirectional: {
    keras: (layer, k) => `layers.Bidirectional(${kerasRnn(str(layer.params, 'layer'), layer, k, null)}, merge_mode=${py(str(layer.params, 'mergeMode'))}, ${kerasName(layer)})`,
    onnx: (o, layer, xs) => {
      const half = layer.weights.length / 2;
      return o.rnn(layer, xs[0] as string, str(layer.params, 'layer'), [layer.weights.slice(0, half), layer.weights.slice(half)], str(layer.params, 'mergeMode'));
    },
    pytorch: (layer, xs) => {
      const p = layer.params;
      const kind = str(p, 'layer');
      const half = layer.weights.length / 2;
      const name = ident(layer.name);
      return {
        init: [
          `self.${name} = Bidirectional(`,
          `    ${rnnArgs(kind, lastDim(layer), p, false)},`,
          `    ${rnnArgs(kind, lastDim(layer), p, true)},`,
          `    merge_mode=${py(str(p, 'mergeMode'))},`,
          `)`,
        ],
        forward: `self.${name}(${xs[0]})`,
        helpers: ['rnn'],
        state: [...rnnState(`${name}.forward_layer`, layer.weights.slice(0, half)), ...rnnState(`${name}.backward_layer`, layer.weights.slice(half))],
      };
    },
    tfjs: gruClasses((layer) => str(layer.params, 'layer')),
  },
  TimeDistributed: {
    keras: (layer, k) => `layers.TimeDistributed(layers.Dense(${num(layer.params, 'units')}, ${kerasActivation(layer, k)}, use_bias=${py(bool(layer.params, 'useBias'))}), ${kerasName(layer)})`,
    onnx: onnxDense,
    pytorch: pytorchDense,
    tfjs: stockLayer,
  },
} satisfies FamilyLowerings;
