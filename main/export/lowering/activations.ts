import type { ActivationName } from '../../../shared/layers/activations';
import { ACTIVATIONS } from '../../../shared/layers/activations';
import { ExportError, type ExportLayer } from '../model-info';
import { pyString } from '../python-literal';
import type { OnnxGraph } from '../onnx-graph';
import type { KerasHelper } from './types';

/**
 * Every activation in every format, in one table: Keras's `activation=` value, the PyTorch
 * expression, the ONNX nodes, the name ONNX's recurrent ops take (null: they take no such
 * activation) and the TF.js class stock TensorFlow.js lacks (null: stock has it).
 */
export interface ActivationLowering {
  readonly keras: { readonly value: string; readonly helper?: KerasHelper };
  /** A Python expression applying the activation to the expression `x`. */
  readonly pytorch: (x: string) => string;
  /** Adds the activation's nodes for tensor `x`; `h` is the layer's name, for node names. */
  readonly onnx: (g: OnnxGraph, x: string, h: string) => string;
  readonly onnxRnn: string | null;
  readonly tfjsCustomClass: string | null;
}

const keras = (name: string) => ({ value: pyString(name) });

export const ACTIVATION_LOWERINGS = {
  linear: { keras: keras('linear'), pytorch: (x) => x, onnx: (_g, x) => x, onnxRnn: null, tfjsCustomClass: null },
  relu: { keras: keras('relu'), pytorch: (x) => `torch.relu(${x})`, onnx: (g, x, h) => g.op1('Relu', [x], {}, `${h}/relu`), onnxRnn: 'Relu', tfjsCustomClass: null },
  relu6: {
    keras: keras('relu6'),
    pytorch: (x) => `F.relu6(${x})`,
    onnx: (g, x, h) => g.op1('Clip', [x, g.constFloat('zero', [], [0]), g.constFloat('six', [], [6])], {}, `${h}/relu6`),
    onnxRnn: null,
    tfjsCustomClass: null,
  },
  leakyRelu: {
    keras: keras('leaky_relu'),
    pytorch: (x) => `F.leaky_relu(${x}, 0.2)`,
    onnx: (g, x, h) => g.op1('LeakyRelu', [x], { alpha: { f: 0.2 } }, `${h}/leaky_relu`),
    onnxRnn: null,
    tfjsCustomClass: 'leakyRelu',
  },
  elu: { keras: keras('elu'), pytorch: (x) => `F.elu(${x})`, onnx: (g, x, h) => g.op1('Elu', [x], { alpha: { f: 1 } }, `${h}/elu`), onnxRnn: null, tfjsCustomClass: null },
  selu: {
    keras: keras('selu'),
    pytorch: (x) => `F.selu(${x})`,
    onnx: (g, x, h) => g.op1('Selu', [x], { alpha: { f: 1.6732632423543772 }, gamma: { f: 1.0507009873554805 } }, `${h}/selu`),
    onnxRnn: null,
    tfjsCustomClass: null,
  },
  sigmoid: { keras: keras('sigmoid'), pytorch: (x) => `torch.sigmoid(${x})`, onnx: (g, x, h) => g.op1('Sigmoid', [x], {}, `${h}/sigmoid`), onnxRnn: 'Sigmoid', tfjsCustomClass: null },
  hardSigmoid: {
    // Keras 3's "hard_sigmoid" is relu6(x + 3) / 6; TF.js's (Keras 2's) is clip(0.2 x + 0.5, 0, 1).
    keras: { value: 'hard_sigmoid_02', helper: 'hardSigmoid' },
    pytorch: (x) => `torch.clamp(0.2 * ${x} + 0.5, 0.0, 1.0)`,
    onnx: (g, x, h) => g.op1('HardSigmoid', [x], { alpha: { f: 0.2 }, beta: { f: 0.5 } }, `${h}/hard_sigmoid`),
    onnxRnn: 'HardSigmoid',
    tfjsCustomClass: null,
  },
  tanh: { keras: keras('tanh'), pytorch: (x) => `torch.tanh(${x})`, onnx: (g, x, h) => g.op1('Tanh', [x], {}, `${h}/tanh`), onnxRnn: 'Tanh', tfjsCustomClass: null },
  softmax: {
    keras: keras('softmax'),
    pytorch: (x) => `torch.softmax(${x}, dim=-1)`,
    onnx: (g, x, h) => g.op1('Softmax', [x], { axis: { i: -1 } }, `${h}/softmax`),
    onnxRnn: null,
    tfjsCustomClass: null,
  },
  softplus: { keras: keras('softplus'), pytorch: (x) => `F.softplus(${x})`, onnx: (g, x, h) => g.op1('Softplus', [x], {}, `${h}/softplus`), onnxRnn: null, tfjsCustomClass: null },
  softsign: { keras: keras('softsign'), pytorch: (x) => `F.softsign(${x})`, onnx: (g, x, h) => g.op1('Softsign', [x], {}, `${h}/softsign`), onnxRnn: null, tfjsCustomClass: null },
  swish: {
    keras: keras('swish'),
    pytorch: (x) => `F.silu(${x})`,
    onnx: (g, x, h) => g.op1('Mul', [x, g.op1('Sigmoid', [x], {}, `${h}/swish_sigmoid`)], {}, `${h}/swish`),
    onnxRnn: null,
    tfjsCustomClass: null,
  },
  gelu: {
    keras: keras('gelu'),
    pytorch: (x) => `F.gelu(${x})`,
    onnx: (g, x, h) => {
      const erf = g.op1('Erf', [g.op1('Div', [x, g.constFloat('sqrt2', [], [Math.SQRT2])], {}, `${h}/gelu_scaled`)], {}, `${h}/gelu_erf`);
      const half = g.op1('Mul', [x, g.constFloat('half', [], [0.5])], {}, `${h}/gelu_half`);
      return g.op1('Mul', [half, g.op1('Add', [erf, g.constFloat('one', [], [1])], {}, `${h}/gelu_1p`)], {}, `${h}/gelu`);
    },
    onnxRnn: null,
    tfjsCustomClass: null,
  },
} satisfies Record<ActivationName, ActivationLowering>;

const isActivation = (name: string): name is ActivationName => (ACTIVATIONS as readonly string[]).includes(name);

/** The table's row for an activation; an ExportError naming the layer for an unknown name. */
export function activationLowering(name: string, layer: ExportLayer | null = null): ActivationLowering {
  if (!isActivation(name)) throw new ExportError(`${layer ? `${layer.name} (${layer.type}): ` : ''}activation "${name}" is not one Netwright knows.`, layer?.nodeId ?? null);
  return ACTIVATION_LOWERINGS[name];
}

/** The activations ONNX's recurrent ops (LSTM, GRU, RNN) take. */
export const ONNX_RNN_ACTIVATION_NAMES = ACTIVATIONS.filter((a) => ACTIVATION_LOWERINGS[a].onnxRnn !== null);

/** Python source of a dict from activation name to function (the PyTorch helpers' ACTIVATIONS). */
export function pytorchActivationDict(): string {
  return `ACTIVATIONS = {\n${ACTIVATIONS.map((a) => `    ${pyString(a)}: lambda x: ${ACTIVATION_LOWERINGS[a].pytorch('x')},`).join('\n')}\n}`;
}
