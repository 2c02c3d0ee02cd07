import type { LayerSpec, ParamSpec, Params, Shape, ShapeResult, TfjsLayerCall } from '../types';
import { bool, num, str } from '../params';
import { activationParam, checkRank, isFail, knownLast, missingInput, mul, ok, weightConfig, weightParams, trainableParam } from '../common';
import { denseConfig, denseMacs, denseSpec } from './dense';

/** Embedding, recurrent layers and the wrappers around them. */

export const embeddingSpec: LayerSpec<'Embedding'> = {
  type: 'Embedding',
  label: 'Embedding',
  category: 'Sequence',
  description: 'Turns token ids into learned vectors: [?, time] of int32 ids becomes [?, time, outputDim].',
  params: [
    { name: 'inputDim', label: 'Vocabulary size', kind: 'int', default: 1000, min: 1, max: 10_000_000, help: 'Number of distinct token ids (largest id + 1).' },
    { name: 'outputDim', label: 'Vector size', kind: 'int', default: 64, min: 1, max: 100_000, help: 'Length of each token\'s vector.' },
    { name: 'maskZero', label: 'Mask zero', kind: 'bool', default: false, help: 'Treat id 0 as padding that recurrent layers skip.' },
    ...weightParams([{ weight: 'embeddings', init: 'randomUniform' }]),
    trainableParam,
  ],
  inputs: [{ name: 'in', label: 'token ids', minRank: 2, dtype: 'int32' }],
  inferShape: ([input], params) => {
    const bad = checkRank('Embedding', input, 2, Infinity, 'token ids [batch, time]', 'Connect an Input of shape like ? (or 100) with data type int32.');
    if (bad || !input) return bad ?? missingInput('Embedding');
    return ok([...input, num(params, 'outputDim')]);
  },
  countParams: (_inputs, params) => num(params, 'inputDim') * num(params, 'outputDim'),
  countMacs: () => 0,
  tfjs: (params) => ({
    factory: 'embedding',
    config: {
      inputDim: num(params, 'inputDim'),
      outputDim: num(params, 'outputDim'),
      maskZero: bool(params, 'maskZero'),
      ...weightConfig(params, [{ weight: 'embeddings' }]),
    },
  }),
};

export const RNN_KINDS = ['SimpleRNN', 'LSTM', 'GRU'] as const;
export type RnnKind = (typeof RNN_KINDS)[number];

const RNN_WEIGHTS = [
  { weight: 'kernel', init: 'glorotUniform' },
  { weight: 'recurrent', init: 'orthogonal', regularize: false },
  { weight: 'bias', init: 'zeros' },
] as const;

const unitsParam: ParamSpec = { name: 'units', label: 'Units', kind: 'int', default: 32, min: 1, max: 100_000, help: 'Size of the hidden state (and of the output features).' };
const recurrentActivationParam: ParamSpec = {
  ...activationParam('sigmoid'),
  name: 'recurrentActivation',
  label: 'Recurrent activation',
  help: 'Function of the gates (Keras: sigmoid).',
};
const returnSequencesParam: ParamSpec = {
  name: 'returnSequences',
  label: 'Return sequences',
  kind: 'bool',
  default: false,
  help: 'Output every time step [?, time, units] (to stack another RNN) instead of the last [?, units].',
};
const useBiasParam: ParamSpec = { name: 'useBias', label: 'Use bias', kind: 'bool', default: true, help: 'Add learned biases to the gates.' };
const dropoutParam: ParamSpec = { name: 'dropout', label: 'Dropout', kind: 'float', default: 0, min: 0, max: 0.99, help: 'Fraction of the inputs dropped while training.' };
const recurrentDropoutParam: ParamSpec = { name: 'recurrentDropout', label: 'Recurrent dropout', kind: 'float', default: 0, min: 0, max: 0.99, help: 'Fraction of the recurrent state dropped while training.' };
const resetAfterParam: ParamSpec = {
  name: 'resetAfter',
  label: 'Reset after',
  kind: 'bool',
  default: true,
  help: 'GRU only. Apply the reset gate after the recurrent product (Keras\' default, cuDNN-compatible; two biases per gate).',
};

function rnnParams(kind: RnnKind): ParamSpec[] {
  return [
    unitsParam,
    activationParam('tanh', 'Function of the state (Keras: tanh).'),
    ...(kind === 'SimpleRNN' ? [] : [recurrentActivationParam]),
    useBiasParam,
    returnSequencesParam,
    dropoutParam,
    recurrentDropoutParam,
    ...(kind === 'GRU' ? [resetAfterParam] : []),
    ...weightParams(RNN_WEIGHTS),
    trainableParam,
  ];
}

const gates = (kind: RnnKind) => (kind === 'LSTM' ? 4 : kind === 'GRU' ? 3 : 1);

/** Weights of one recurrent layer with `features` inputs. */
export function rnnParamCount(kind: RnnKind, features: number, params: Params): number {
  const u = num(params, 'units');
  const useBias = bool(params, 'useBias');
  // GRU with resetAfter keeps separate input and recurrent biases: 2 per unit and gate.
  const biasPerGate = !useBias ? 0 : kind === 'GRU' && bool(params, 'resetAfter') ? 2 * u : u;
  return gates(kind) * (u * (features + u) + biasPerGate);
}

function rnnShape(label: string, input: Shape | undefined, params: Params): ShapeResult {
  const bad = checkRank(label, input, 3, 3, 'a sequence [batch, time, features]', 'Put an Embedding or Reshape before it.');
  if (bad || !input) return bad ?? missingInput(label);
  const f = knownLast(label, input, 'number of features (last dimension)');
  if (isFail(f)) return f;
  const u = num(params, 'units');
  return ok(bool(params, 'returnSequences') ? [input[0] ?? null, input[1] ?? null, u] : [input[0] ?? null, u]);
}

const rnnMacs = (kind: RnnKind, input: Shape | undefined, params: Params): number | null => {
  const u = num(params, 'units');
  return mul(input?.[1] ?? null, gates(kind) * u * ((input?.[2] ?? 0) + u));
};

/** The tfjs call of one recurrent layer. GRU goes through factory `gru` with `resetAfter`: see gruSpec. */
export function rnnCall(kind: RnnKind, params: Params): TfjsLayerCall {
  const config: Record<string, unknown> = {
    units: num(params, 'units'),
    activation: str(params, 'activation'),
    useBias: bool(params, 'useBias'),
    returnSequences: bool(params, 'returnSequences'),
    dropout: num(params, 'dropout'),
    recurrentDropout: num(params, 'recurrentDropout'),
    ...weightConfig(params, RNN_WEIGHTS),
  };
  if (kind !== 'SimpleRNN') config['recurrentActivation'] = str(params, 'recurrentActivation');
  if (kind === 'LSTM') config['unitForgetBias'] = true;
  if (kind === 'GRU') config['resetAfter'] = bool(params, 'resetAfter');
  return { factory: kind === 'SimpleRNN' ? 'simpleRNN' : kind === 'LSTM' ? 'lstm' : 'gru', config };
}

function rnnSpec<T extends RnnKind>(kind: T, description: string): LayerSpec<T> {
  return {
    type: kind,
    label: kind,
    category: 'Sequence',
    description,
    params: rnnParams(kind),
    inputs: [{ name: 'in', label: 'sequence', minRank: 3, maxRank: 3 }],
    inferShape: ([input], params) => rnnShape(kind, input, params),
    countParams: ([input], params) => rnnParamCount(kind, input?.[2] ?? 0, params),
    countMacs: ([input], params) => rnnMacs(kind, input, params),
    tfjs: (params) => rnnCall(kind, params),
  };
}

export const simpleRnnSpec = rnnSpec('SimpleRNN', 'A plain recurrent layer: the state is tanh(input · W + state · U + b) at each step.');
export const lstmSpec = rnnSpec('LSTM', 'Long short-term memory: a recurrent layer with input, forget and output gates.');
/**
 * GRU with Keras' default `resetAfter: true`, which stock tfjs refuses: the
 * trainer builds calls of factory `gru` with `resetAfter: true` as its own
 * `NetwrightGRU` layer class (main/trainer/custom-layers/), and `false` with stock tfjs.
 */
export const gruSpec = rnnSpec('GRU', 'Gated recurrent unit: a lighter LSTM with update and reset gates.');

const LAYER_PARAM: ParamSpec = { name: 'layer', label: 'Wrapped layer', kind: 'enum', default: 'LSTM', options: RNN_KINDS, help: 'The recurrent layer run forwards and backwards.' };
const MERGE_MODE: ParamSpec = {
  name: 'mergeMode',
  label: 'Merge mode',
  kind: 'enum',
  default: 'concat',
  options: ['concat', 'sum', 'mul', 'ave'],
  help: 'How the forward and backward outputs combine (concat doubles the features).',
};

const rnnKind = (params: Params): RnnKind => {
  const k = str(params, 'layer');
  if (k === 'SimpleRNN' || k === 'LSTM' || k === 'GRU') return k;
  throw new Error('param layer is not a recurrent layer');
};

export const bidirectionalSpec: LayerSpec<'Bidirectional'> = {
  type: 'Bidirectional',
  label: 'Bidirectional',
  category: 'Sequence',
  description: 'Runs a recurrent layer forwards and backwards over the sequence and merges both outputs.',
  params: [
    LAYER_PARAM,
    MERGE_MODE,
    unitsParam,
    activationParam('tanh', 'Function of the state (Keras: tanh).'),
    { ...recurrentActivationParam, help: 'Function of the gates (LSTM and GRU; Keras: sigmoid).' },
    useBiasParam,
    returnSequencesParam,
    dropoutParam,
    recurrentDropoutParam,
    resetAfterParam,
    ...weightParams(RNN_WEIGHTS),
    trainableParam,
  ],
  inputs: [{ name: 'in', label: 'sequence', minRank: 3, maxRank: 3 }],
  inferShape: ([input], params) => {
    const r = rnnShape('Bidirectional', input, params);
    if (!r.ok || str(params, 'mergeMode') !== 'concat') return r;
    return ok([...r.shape.slice(0, -1), 2 * num(params, 'units')]);
  },
  countParams: ([input], params) => 2 * rnnParamCount(rnnKind(params), input?.[2] ?? 0, params),
  countMacs: ([input], params) => mul(2, rnnMacs(rnnKind(params), input, params)),
  tfjs: (params) => ({ factory: 'bidirectional', config: { mergeMode: str(params, 'mergeMode') }, wrapped: rnnCall(rnnKind(params), params) }),
};

export const timeDistributedSpec: LayerSpec<'TimeDistributed'> = {
  type: 'TimeDistributed',
  label: 'TimeDistributed',
  category: 'Sequence',
  description: 'Applies the same Dense layer to every time step: [?, time, features] becomes [?, time, units].',
  params: denseSpec.params,
  inputs: [{ name: 'in', label: 'sequence', minRank: 3 }],
  inferShape: ([input], params) => {
    const bad = checkRank('TimeDistributed', input, 3, Infinity, 'a sequence [batch, time, features]', 'Put a Reshape or a recurrent layer with Return sequences before it.');
    if (bad || !input) return bad ?? missingInput('TimeDistributed');
    const f = knownLast('TimeDistributed', input, 'number of features (last dimension)');
    if (isFail(f)) return f;
    return ok([...input.slice(0, -1), num(params, 'units')]);
  },
  countParams: (inputs, params) => denseSpec.countParams(inputs, params),
  countMacs: ([input], params) => denseMacs(input ?? [], num(params, 'units')),
  tfjs: (params) => ({ factory: 'timeDistributed', config: {}, wrapped: { factory: 'dense', config: denseConfig(params) } }),
};

export const SEQUENCE_SPECS = [embeddingSpec, simpleRnnSpec, lstmSpec, gruSpec, bidirectionalSpec, timeDistributedSpec] as const;
