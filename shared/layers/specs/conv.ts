import type { LayerSpec, ParamSpec, Params, Shape, ShapeResult } from '../types';
import { bool, formatShape, intsParam, num, str } from '../params';
import {
  KERNEL_BIAS,
  activationParam,
  checkRank,
  convLength,
  deconvLength,
  fail,
  isFail,
  knownLast,
  missingInput,
  mul,
  ok,
  pair,
  useBiasParam,
  weightConfig,
  weightParams,
  trainableParam,
} from '../common';

/** Convolutions, channels last as in Keras: [batch, steps, channels] and [batch, height, width, channels]. */

const SEQ = 'a sequence [batch, steps, channels]';
const SEQ_FIX = 'Put a Reshape (e.g. steps, 1) or an Embedding before it.';
const IMG = 'an image [batch, height, width, channels]';
const IMG_FIX = 'Add a channels axis: set the Input shape to e.g. 28, 28, 1, or put a Reshape (28, 28, 1) before it.';

const filtersParam: ParamSpec = { name: 'filters', label: 'Filters', kind: 'int', default: 32, min: 1, max: 65_536, help: 'Number of output channels.' };
const paddingParam = (options: readonly string[]): ParamSpec => ({
  name: 'padding',
  label: 'Padding',
  kind: 'enum',
  default: 'valid',
  options,
  help: 'valid: no padding (output shrinks); same: pad so the output keeps the input size (divided by strides).',
});
const int1 = (name: string, label: string, def: number, help: string): ParamSpec => ({ name, label, kind: 'int', default: def, min: 1, max: 4096, help });
const pair2 = (name: string, label: string, def: number, help: string): ParamSpec => ({ name, label, kind: 'shape', default: [def, def], minRank: 1, maxRank: 2, help });
const depthMultiplierParam: ParamSpec = { name: 'depthMultiplier', label: 'Depth multiplier', kind: 'int', default: 1, min: 1, max: 1024, help: 'Output channels per input channel of the depthwise step.' };

/**
 * Output spatial sizes of a sliding window, or the failure: a kernel larger
 * than a known input (padding valid), or strides and dilation both above 1.
 */
export function windowOutput(
  label: string,
  input: Shape,
  spatial: readonly (number | null)[],
  kernel: readonly number[],
  strides: readonly number[],
  padding: string,
  dilation: readonly number[],
  what = 'kernel',
): (number | null)[] | ShapeResult {
  if (strides.some((s) => s > 1) && dilation.some((d) => d > 1)) {
    return fail('INVALID_PARAM', `${label} cannot use strides above 1 together with a dilation rate above 1.`, 'Set either Strides or Dilation rate back to 1.');
  }
  const out: (number | null)[] = [];
  for (let i = 0; i < spatial.length; i++) {
    const size = spatial[i] ?? null;
    const k = kernel[i] ?? 1;
    const d = dilation[i] ?? 1;
    const dk = k + (k - 1) * (d - 1);
    if (size !== null && padding === 'valid' && dk > size) {
      const kText = kernel.join('x');
      return fail('KERNEL_TOO_LARGE', `${label}'s ${kText} ${what}${d > 1 ? ` (dilated to ${dk})` : ''} is larger than its input ${formatShape(input)} with padding valid.`, `Use padding same, a smaller ${what}, or less downsampling before it.`);
    }
    out.push(convLength(size, k, strides[i] ?? 1, padding, d));
  }
  return out;
}

const isShapeResult = (x: (number | null)[] | ShapeResult): x is ShapeResult => !Array.isArray(x);

interface ConvGeometry {
  readonly input: Shape;
  readonly cin: number;
  readonly out: Shape;
}

function conv1dGeometry(label: string, input: Shape | undefined, params: Params, channels: (cin: number) => number): ConvGeometry | ShapeResult {
  const bad = checkRank(label, input, 3, 3, SEQ, SEQ_FIX);
  if (bad || !input) return bad ?? missingInput(label);
  const cin = knownLast(label, input, 'number of channels (last dimension)');
  if (isFail(cin)) return cin;
  const k = num(params, 'kernelSize');
  const o = windowOutput(label, input, [input[1] ?? null], [k], [num(params, 'strides')], str(params, 'padding'), [num(params, 'dilationRate')]);
  if (isShapeResult(o)) return o;
  return { input, cin, out: [input[0] ?? null, ...o, channels(cin)] };
}

function conv2dGeometry(label: string, input: Shape | undefined, params: Params, channels: (cin: number) => number, dilated = true): ConvGeometry | ShapeResult {
  const bad = checkRank(label, input, 4, 4, IMG, IMG_FIX);
  if (bad || !input) return bad ?? missingInput(label);
  const cin = knownLast(label, input, 'number of channels (last dimension)');
  if (isFail(cin)) return cin;
  const dilation = dilated ? pair(intsParam(params, 'dilationRate')) : [1, 1];
  const o = windowOutput(label, input, [input[1] ?? null, input[2] ?? null], pair(intsParam(params, 'kernelSize')), pair(intsParam(params, 'strides')), str(params, 'padding'), dilation);
  if (isShapeResult(o)) return o;
  return { input, cin, out: [input[0] ?? null, ...o, channels(cin)] };
}

const isGeometry = (g: ConvGeometry | ShapeResult): g is ConvGeometry => 'cin' in g;
const shapeOf = (g: ConvGeometry | ShapeResult): ShapeResult => (isGeometry(g) ? ok(g.out) : g);
const cinOf = (input: Shape | undefined): number => input?.[input.length - 1] ?? 0;
const bias = (params: Params, n: number) => (bool(params, 'useBias') ? n : 0);

const common = (params: Params) => ({
  activation: str(params, 'activation'),
  useBias: bool(params, 'useBias'),
});

export const conv1dSpec: LayerSpec<'Conv1D'> = {
  type: 'Conv1D',
  label: 'Conv1D',
  category: 'Convolution',
  description: 'Slides learned filters along a sequence: [?, steps, channels] to [?, new steps, filters].',
  params: [
    filtersParam,
    int1('kernelSize', 'Kernel size', 3, 'Length of the window.'),
    int1('strides', 'Strides', 1, 'Step between windows.'),
    // Keras' 'causal' is left out: tfjs 4.22 computes its shape as 'valid' and throws when it runs.
    paddingParam(['valid', 'same']),
    int1('dilationRate', 'Dilation rate', 1, 'Spacing between kernel taps (1 = none).'),
    activationParam('linear'),
    useBiasParam,
    ...weightParams(KERNEL_BIAS),
    trainableParam,
  ],
  inputs: [{ name: 'in', label: 'input', minRank: 3, maxRank: 3 }],
  inferShape: ([input], params) => shapeOf(conv1dGeometry('Conv1D', input, params, () => num(params, 'filters'))),
  countParams: ([input], params) => {
    const f = num(params, 'filters');
    return num(params, 'kernelSize') * cinOf(input) * f + bias(params, f);
  },
  countMacs: ([input], params, out) => mul(out[1] ?? null, num(params, 'kernelSize'), cinOf(input), num(params, 'filters')),
  tfjs: (params) => ({
    factory: 'conv1d',
    config: {
      filters: num(params, 'filters'),
      kernelSize: num(params, 'kernelSize'),
      strides: num(params, 'strides'),
      padding: str(params, 'padding'),
      dilationRate: num(params, 'dilationRate'),
      ...common(params),
      ...weightConfig(params, KERNEL_BIAS),
    },
  }),
};

export const conv2dSpec: LayerSpec<'Conv2D'> = {
  type: 'Conv2D',
  label: 'Conv2D',
  category: 'Convolution',
  description: 'Slides learned filters over an image: [?, h, w, channels] to [?, new h, new w, filters].',
  params: [
    filtersParam,
    pair2('kernelSize', 'Kernel size', 3, 'Window height, width (one number: square).'),
    pair2('strides', 'Strides', 1, 'Step between windows, vertical, horizontal.'),
    paddingParam(['valid', 'same']),
    pair2('dilationRate', 'Dilation rate', 1, 'Spacing between kernel taps (1 = none).'),
    activationParam('linear'),
    useBiasParam,
    ...weightParams(KERNEL_BIAS),
    trainableParam,
  ],
  inputs: [{ name: 'in', label: 'input', minRank: 4, maxRank: 4 }],
  inferShape: ([input], params) => shapeOf(conv2dGeometry('Conv2D', input, params, () => num(params, 'filters'))),
  countParams: ([input], params) => {
    const [kh, kw] = pair(intsParam(params, 'kernelSize'));
    const f = num(params, 'filters');
    return kh * kw * cinOf(input) * f + bias(params, f);
  },
  countMacs: ([input], params, out) => {
    const [kh, kw] = pair(intsParam(params, 'kernelSize'));
    return mul(out[1] ?? null, out[2] ?? null, kh, kw, cinOf(input), num(params, 'filters'));
  },
  tfjs: (params) => ({
    factory: 'conv2d',
    config: {
      filters: num(params, 'filters'),
      kernelSize: pair(intsParam(params, 'kernelSize')),
      strides: pair(intsParam(params, 'strides')),
      padding: str(params, 'padding'),
      dilationRate: pair(intsParam(params, 'dilationRate')),
      ...common(params),
      ...weightConfig(params, KERNEL_BIAS),
    },
  }),
};

export const conv2dTransposeSpec: LayerSpec<'Conv2DTranspose'> = {
  type: 'Conv2DTranspose',
  label: 'Conv2DTranspose',
  category: 'Convolution',
  description: 'Learned upsampling ("deconvolution"): strides 2 doubles height and width.',
  params: [
    filtersParam,
    pair2('kernelSize', 'Kernel size', 3, 'Window height, width (one number: square).'),
    pair2('strides', 'Strides', 1, 'Upsampling factor, vertical, horizontal.'),
    paddingParam(['valid', 'same']),
    activationParam('linear'),
    useBiasParam,
    ...weightParams(KERNEL_BIAS),
    trainableParam,
  ],
  inputs: [{ name: 'in', label: 'input', minRank: 4, maxRank: 4 }],
  inferShape: ([input], params) => {
    const bad = checkRank('Conv2DTranspose', input, 4, 4, IMG, IMG_FIX);
    if (bad || !input) return bad ?? missingInput('Conv2DTranspose');
    const cin = knownLast('Conv2DTranspose', input, 'number of channels (last dimension)');
    if (isFail(cin)) return cin;
    const [kh, kw] = pair(intsParam(params, 'kernelSize'));
    const [sh, sw] = pair(intsParam(params, 'strides'));
    const padding = str(params, 'padding');
    return ok([input[0] ?? null, deconvLength(input[1] ?? null, kh, sh, padding), deconvLength(input[2] ?? null, kw, sw, padding), num(params, 'filters')]);
  },
  countParams: ([input], params) => {
    const [kh, kw] = pair(intsParam(params, 'kernelSize'));
    const f = num(params, 'filters');
    return kh * kw * cinOf(input) * f + bias(params, f);
  },
  // Each input pixel scatters a kh x kw x filters patch.
  countMacs: ([input], params) => {
    const [kh, kw] = pair(intsParam(params, 'kernelSize'));
    return mul(input?.[1] ?? null, input?.[2] ?? null, kh, kw, cinOf(input), num(params, 'filters'));
  },
  tfjs: (params) => ({
    factory: 'conv2dTranspose',
    config: {
      filters: num(params, 'filters'),
      kernelSize: pair(intsParam(params, 'kernelSize')),
      strides: pair(intsParam(params, 'strides')),
      padding: str(params, 'padding'),
      ...common(params),
      ...weightConfig(params, KERNEL_BIAS),
    },
  }),
};

const SEPARABLE_WEIGHTS = [
  { weight: 'depthwise', init: 'glorotUniform' },
  { weight: 'pointwise', init: 'glorotUniform' },
  { weight: 'bias', init: 'zeros' },
] as const;

export const separableConv2dSpec: LayerSpec<'SeparableConv2D'> = {
  type: 'SeparableConv2D',
  label: 'SeparableConv2D',
  category: 'Convolution',
  description: 'A depthwise convolution per channel followed by a 1x1 pointwise one: far fewer weights than Conv2D.',
  params: [
    filtersParam,
    pair2('kernelSize', 'Kernel size', 3, 'Window height, width (one number: square).'),
    pair2('strides', 'Strides', 1, 'Step between windows, vertical, horizontal.'),
    paddingParam(['valid', 'same']),
    pair2('dilationRate', 'Dilation rate', 1, 'Spacing between kernel taps (1 = none).'),
    depthMultiplierParam,
    activationParam('linear'),
    useBiasParam,
    ...weightParams(SEPARABLE_WEIGHTS),
    trainableParam,
  ],
  inputs: [{ name: 'in', label: 'input', minRank: 4, maxRank: 4 }],
  inferShape: ([input], params) => shapeOf(conv2dGeometry('SeparableConv2D', input, params, () => num(params, 'filters'))),
  countParams: ([input], params) => {
    const [kh, kw] = pair(intsParam(params, 'kernelSize'));
    const cin = cinOf(input);
    const dm = num(params, 'depthMultiplier');
    const f = num(params, 'filters');
    return kh * kw * cin * dm + cin * dm * f + bias(params, f);
  },
  countMacs: ([input], params, out) => {
    const [kh, kw] = pair(intsParam(params, 'kernelSize'));
    const cin = cinOf(input);
    const dm = num(params, 'depthMultiplier');
    return mul(out[1] ?? null, out[2] ?? null, kh * kw * cin * dm + cin * dm * num(params, 'filters'));
  },
  tfjs: (params) => ({
    factory: 'separableConv2d',
    config: {
      filters: num(params, 'filters'),
      kernelSize: pair(intsParam(params, 'kernelSize')),
      strides: pair(intsParam(params, 'strides')),
      padding: str(params, 'padding'),
      dilationRate: pair(intsParam(params, 'dilationRate')),
      depthMultiplier: num(params, 'depthMultiplier'),
      ...common(params),
      ...weightConfig(params, SEPARABLE_WEIGHTS),
    },
  }),
};

const DEPTHWISE_WEIGHTS = [
  { weight: 'depthwise', init: 'glorotUniform' },
  { weight: 'bias', init: 'zeros' },
] as const;

export const depthwiseConv2dSpec: LayerSpec<'DepthwiseConv2D'> = {
  type: 'DepthwiseConv2D',
  label: 'DepthwiseConv2D',
  category: 'Convolution',
  description: 'One spatial filter per input channel (times the depth multiplier); channels do not mix.',
  params: [
    pair2('kernelSize', 'Kernel size', 3, 'Window height, width (one number: square).'),
    pair2('strides', 'Strides', 1, 'Step between windows, vertical, horizontal.'),
    paddingParam(['valid', 'same']),
    depthMultiplierParam,
    pair2('dilationRate', 'Dilation rate', 1, 'Spacing between kernel taps (1 = none).'),
    activationParam('linear'),
    useBiasParam,
    ...weightParams(DEPTHWISE_WEIGHTS),
    trainableParam,
  ],
  inputs: [{ name: 'in', label: 'input', minRank: 4, maxRank: 4 }],
  inferShape: ([input], params) => shapeOf(conv2dGeometry('DepthwiseConv2D', input, params, (cin) => cin * num(params, 'depthMultiplier'))),
  countParams: ([input], params) => {
    const [kh, kw] = pair(intsParam(params, 'kernelSize'));
    const c = cinOf(input) * num(params, 'depthMultiplier');
    return kh * kw * c + bias(params, c);
  },
  countMacs: ([input], params, out) => {
    const [kh, kw] = pair(intsParam(params, 'kernelSize'));
    return mul(out[1] ?? null, out[2] ?? null, kh, kw, cinOf(input) * num(params, 'depthMultiplier'));
  },
  tfjs: (params) => ({
    factory: 'depthwiseConv2d',
    config: {
      kernelSize: pair(intsParam(params, 'kernelSize')),
      strides: pair(intsParam(params, 'strides')),
      padding: str(params, 'padding'),
      depthMultiplier: num(params, 'depthMultiplier'),
      dilationRate: pair(intsParam(params, 'dilationRate')),
      ...common(params),
      ...weightConfig(params, DEPTHWISE_WEIGHTS),
    },
  }),
};

export const CONV_SPECS = [conv1dSpec, conv2dSpec, conv2dTransposeSpec, separableConv2dSpec, depthwiseConv2dSpec] as const;
