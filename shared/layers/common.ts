import type { ParamSpec, Params, Shape, ShapeError, ShapeResult } from './types';
import { ACTIVATIONS } from './activations';
import { formatShape, num, str } from './params';

/** Small builders shared by the layer specs. */

export const ok = (shape: Shape): ShapeResult => ({ ok: true, shape });
export const fail = (code: ShapeError['code'], message: string, fix: string): ShapeResult => ({ ok: false, error: { code, message, fix } });

export const missingInput = (label: string): ShapeResult => fail('RANK_MISMATCH', `${label} needs an input.`, 'Connect its input.');

/**
 * Checks the rank of an input (batch included). `what` says what the layer
 * needs, e.g. `a sequence [batch, time, features]`; `fix` how to get there.
 * Returns the failure, or null when the rank fits.
 */
export function checkRank(label: string, input: Shape | undefined, min: number, max: number, what: string, fix: string): ShapeResult | null {
  if (!input) return missingInput(label);
  if (input.length < min || input.length > max) {
    return fail('RANK_MISMATCH', `${label} needs ${what}; it got ${formatShape(input)}.`, fix);
  }
  return null;
}

/** The last dimension, which must be known (features / channels). */
export function knownLast(label: string, input: Shape, what = 'last input dimension'): number | ShapeResult {
  const last = input[input.length - 1];
  if (last === null || last === undefined) {
    return fail('UNKNOWN_DIMENSION', `${label} needs the ${what} to be known; it got ${formatShape(input)}.`, 'Give the Input a fixed size in that dimension.');
  }
  return last;
}

export const isFail = (x: number | ShapeResult): x is ShapeResult => typeof x !== 'number';

/** Product of non-batch dims, null if any is unknown. */
export function perSample(shape: Shape): number | null {
  let p = 1;
  for (const d of shape.slice(1)) {
    if (d === null) return null;
    p *= d;
  }
  return p;
}

/** Multiplies, keeping null as "unknown". */
export function mul(...xs: (number | null)[]): number | null {
  let p = 1;
  for (const x of xs) {
    if (x === null) return null;
    p *= x;
  }
  return p;
}

export function activationParam(def: string = 'linear', help = 'Function applied to the output (linear = none).'): ParamSpec {
  return { name: 'activation', label: 'Activation', kind: 'enum', default: def, options: ACTIVATIONS, help };
}

/**
 * Every layer with weights has it: false freezes the layer (its weights stay as they are while
 * training, Keras's `trainable=False`; a frozen BatchNormalization also uses its moving statistics).
 */
export const trainableParam: ParamSpec = {
  name: 'trainable',
  label: 'Trainable',
  kind: 'bool',
  default: true,
  help: 'Off: frozen, the weights stay as they are while training (a frozen BatchNormalization uses its moving statistics).',
};

export const useBiasParam: ParamSpec = { name: 'useBias', label: 'Use bias', kind: 'bool', default: true, help: 'Add a learned bias to each output.' };

/** Initializer names as tfjs spells them. */
export const INITIALIZERS = [
  'glorotUniform',
  'glorotNormal',
  'heUniform',
  'heNormal',
  'leCunUniform',
  'leCunNormal',
  'orthogonal',
  'randomNormal',
  'randomUniform',
  'truncatedNormal',
  'zeros',
  'ones',
] as const;

export const REGULARIZERS = ['none', 'l1', 'l2', 'l1l2'] as const;

type WeightName = 'kernel' | 'bias' | 'recurrent' | 'depthwise' | 'pointwise' | 'embeddings';

const weightLabel: Record<WeightName, string> = {
  kernel: 'Kernel',
  bias: 'Bias',
  recurrent: 'Recurrent',
  depthwise: 'Depthwise',
  pointwise: 'Pointwise',
  embeddings: 'Embeddings',
};

export function initializerParam(weight: WeightName, def: (typeof INITIALIZERS)[number]): ParamSpec {
  return {
    name: `${weight}Initializer`,
    label: `${weightLabel[weight]} initializer`,
    kind: 'enum',
    default: def,
    options: INITIALIZERS,
    help: `How the ${weight} weights start (Keras' default: ${def}).`,
  };
}

/** `<weight>Regularizer` (none|l1|l2|l1l2) with its two factors `<weight>L1`, `<weight>L2`. */
export function regularizerParams(weight: WeightName): ParamSpec[] {
  const l = weightLabel[weight];
  return [
    { name: `${weight}Regularizer`, label: `${l} regularizer`, kind: 'enum', default: 'none', options: REGULARIZERS, help: `Penalty on the ${weight} weights added to the loss.` },
    { name: `${weight}L1`, label: `${l} L1 factor`, kind: 'float', default: 0.01, min: 0, max: 10, help: 'Factor of the L1 penalty (used by l1 and l1l2).' },
    { name: `${weight}L2`, label: `${l} L2 factor`, kind: 'float', default: 0.01, min: 0, max: 10, help: 'Factor of the L2 penalty (used by l2 and l1l2).' },
  ];
}

/** tfjs config for one regularizer, as serialized Keras objects; undefined for none. */
export function regularizerConfig(params: Params, weight: WeightName): Record<string, unknown> | undefined {
  const kind = str(params, `${weight}Regularizer`);
  const l1 = num(params, `${weight}L1`);
  const l2 = num(params, `${weight}L2`);
  switch (kind) {
    case 'none':
      return undefined;
    case 'l1':
      return { className: 'L1L2', config: { l1, l2: 0 } };
    case 'l2':
      return { className: 'L1L2', config: { l1: 0, l2 } };
    case 'l1l2':
      return { className: 'L1L2', config: { l1, l2 } };
    default:
      throw new Error(`param ${weight}Regularizer is not a regularizer`);
  }
}

/** Initializer + regularizer params for the given weights, in that order. */
export function weightParams(weights: readonly { weight: WeightName; init: (typeof INITIALIZERS)[number]; regularize?: boolean }[]): ParamSpec[] {
  return [
    ...weights.map((w) => initializerParam(w.weight, w.init)),
    ...weights.filter((w) => w.regularize !== false).flatMap((w) => regularizerParams(w.weight)),
  ];
}

/** tfjs config entries for `weightParams`: `<weight>Initializer`, `<weight>Regularizer`. */
export function weightConfig(params: Params, weights: readonly { weight: WeightName; regularize?: boolean }[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const w of weights) {
    out[`${w.weight}Initializer`] = str(params, `${w.weight}Initializer`);
    if (w.regularize !== false) {
      const r = regularizerConfig(params, w.weight);
      if (r) out[`${w.weight}Regularizer`] = r;
    }
  }
  return out;
}

/** The standard kernel + bias weights of Dense and convolutions. */
export const KERNEL_BIAS = [
  { weight: 'kernel', init: 'glorotUniform' },
  { weight: 'bias', init: 'zeros' },
] as const;

/**
 * Keras' conv_output_length: the size along one spatial axis after a window of
 * `kernel` (dilated by `dilation`) slides with `stride`. null stays null.
 */
export function convLength(size: number | null, kernel: number, stride: number, padding: string, dilation = 1): number | null {
  if (size === null) return null;
  const dk = kernel + (kernel - 1) * (dilation - 1);
  const out = padding === 'valid' ? size - dk + 1 : size;
  return Math.floor((out + stride - 1) / stride);
}

/** Keras' deconv_output_length without output padding. */
export function deconvLength(size: number | null, kernel: number, stride: number, padding: string): number | null {
  if (size === null) return null;
  return padding === 'valid' ? size * stride + Math.max(kernel - stride, 0) : size * stride;
}

/** Expands a 1- or 2-entry list to 2 entries (`3` means `3 x 3`). */
export function pair(v: readonly number[]): [number, number] {
  const a = v[0] ?? 1;
  return [a, v[1] ?? a];
}
