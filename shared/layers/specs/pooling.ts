import type { LayerSpec, ParamSpec, Params, Shape } from '../types';
import { formatShape, intsParam, num, str } from '../params';
import { checkRank, fail, missingInput, ok, pair } from '../common';
import { windowOutput } from './conv';

/** Pooling and spatial reshaping layers; none has weights. Channels last. */

const SEQ = 'a sequence [batch, steps, channels]';
const SEQ_FIX = 'Put a Reshape (e.g. steps, 1) or an Embedding before it.';
const IMG = 'an image [batch, height, width, channels]';
const IMG_FIX = 'Add a channels axis: set the Input shape to e.g. 28, 28, 1, or put a Reshape (28, 28, 1) before it.';

const paddingParam: ParamSpec = {
  name: 'padding',
  label: 'Padding',
  kind: 'enum',
  default: 'valid',
  options: ['valid', 'same'],
  help: 'valid: windows stay inside the input; same: pad so the output is the input size divided by strides.',
};

function pooling1d<T extends 'MaxPooling1D' | 'AveragePooling1D'>(type: T, factory: string, what: string): LayerSpec<T> {
  return {
    type,
    label: type,
    category: 'Pooling',
    description: `Takes the ${what} of each window along a sequence, shrinking its length.`,
    params: [
      { name: 'poolSize', label: 'Pool size', kind: 'int', default: 2, min: 1, max: 4096, help: 'Length of each window.' },
      { name: 'strides', label: 'Strides', kind: 'int', default: 0, min: 0, max: 4096, help: 'Step between windows; 0 means the pool size.' },
      paddingParam,
    ],
    inputs: [{ name: 'in', label: 'input', minRank: 3, maxRank: 3 }],
    inferShape: ([input], params) => {
      const bad = checkRank(type, input, 3, 3, SEQ, SEQ_FIX);
      if (bad || !input) return bad ?? missingInput(type);
      const pool = num(params, 'poolSize');
      const o = windowOutput(type, input, [input[1] ?? null], [pool], [num(params, 'strides') || pool], str(params, 'padding'), [1], 'pool window');
      return Array.isArray(o) ? ok([input[0] ?? null, ...o, input[2] ?? null]) : o;
    },
    countParams: () => 0,
    countMacs: () => 0,
    tfjs: (params) => {
      const pool = num(params, 'poolSize');
      return { factory, config: { poolSize: pool, strides: num(params, 'strides') || pool, padding: str(params, 'padding') } };
    },
  };
}

const strides2d = (params: Params): [number, number] => {
  const s = intsParam(params, 'strides');
  return s.length === 0 ? pair(intsParam(params, 'poolSize')) : pair(s);
};

function pooling2d<T extends 'MaxPooling2D' | 'AveragePooling2D'>(type: T, factory: string, what: string): LayerSpec<T> {
  return {
    type,
    label: type,
    category: 'Pooling',
    description: `Takes the ${what} of each window of an image, shrinking height and width.`,
    params: [
      { name: 'poolSize', label: 'Pool size', kind: 'shape', default: [2, 2], minRank: 1, maxRank: 2, help: 'Window height, width (one number: square).' },
      { name: 'strides', label: 'Strides', kind: 'shape', default: [], minRank: 0, maxRank: 2, help: 'Step between windows; empty means the pool size.' },
      paddingParam,
    ],
    inputs: [{ name: 'in', label: 'input', minRank: 4, maxRank: 4 }],
    inferShape: ([input], params) => {
      const bad = checkRank(type, input, 4, 4, IMG, IMG_FIX);
      if (bad || !input) return bad ?? missingInput(type);
      const o = windowOutput(type, input, [input[1] ?? null, input[2] ?? null], pair(intsParam(params, 'poolSize')), strides2d(params), str(params, 'padding'), [1, 1], 'pool window');
      return Array.isArray(o) ? ok([input[0] ?? null, ...o, input[3] ?? null]) : o;
    },
    countParams: () => 0,
    countMacs: () => 0,
    tfjs: (params) => ({ factory, config: { poolSize: pair(intsParam(params, 'poolSize')), strides: strides2d(params), padding: str(params, 'padding') } }),
  };
}

function globalPooling<T extends string>(type: T, factory: string, rank: 3 | 4, what: string): LayerSpec<T> {
  return {
    type,
    label: type,
    category: 'Pooling',
    description: `Takes the ${what} over ${rank === 3 ? 'all steps' : 'height and width'}: one value per channel.`,
    params: [],
    inputs: [{ name: 'in', label: 'input', minRank: rank, maxRank: rank }],
    inferShape: ([input]) => {
      const bad = rank === 3 ? checkRank(type, input, 3, 3, SEQ, SEQ_FIX) : checkRank(type, input, 4, 4, IMG, IMG_FIX);
      if (bad || !input) return bad ?? missingInput(type);
      return ok([input[0] ?? null, input[rank - 1] ?? null]);
    },
    countParams: () => 0,
    countMacs: () => 0,
    tfjs: () => ({ factory, config: {} }),
  };
}

export const maxPooling1dSpec = pooling1d('MaxPooling1D', 'maxPooling1d', 'maximum');
export const averagePooling1dSpec = pooling1d('AveragePooling1D', 'averagePooling1d', 'average');
export const maxPooling2dSpec = pooling2d('MaxPooling2D', 'maxPooling2d', 'maximum');
export const averagePooling2dSpec = pooling2d('AveragePooling2D', 'averagePooling2d', 'average');
export const globalMaxPooling1dSpec = globalPooling('GlobalMaxPooling1D', 'globalMaxPooling1d', 3, 'maximum');
export const globalAveragePooling1dSpec = globalPooling('GlobalAveragePooling1D', 'globalAveragePooling1d', 3, 'average');
export const globalMaxPooling2dSpec = globalPooling('GlobalMaxPooling2D', 'globalMaxPooling2d', 4, 'maximum');
export const globalAveragePooling2dSpec = globalPooling('GlobalAveragePooling2D', 'globalAveragePooling2d', 4, 'average');

const scale = (d: number | null, s: number) => (d === null ? null : d * s);

export const upSampling2dSpec: LayerSpec<'UpSampling2D'> = {
  type: 'UpSampling2D',
  label: 'UpSampling2D',
  category: 'Pooling',
  description: 'Repeats rows and columns: size 2 doubles height and width. No weights.',
  params: [
    { name: 'size', label: 'Size', kind: 'shape', default: [2, 2], minRank: 1, maxRank: 2, help: 'Factor for height, width (one number: both).' },
    { name: 'interpolation', label: 'Interpolation', kind: 'enum', default: 'nearest', options: ['nearest', 'bilinear'], help: 'nearest repeats pixels; bilinear blends them.' },
  ],
  inputs: [{ name: 'in', label: 'input', minRank: 4, maxRank: 4 }],
  inferShape: ([input], params) => {
    const bad = checkRank('UpSampling2D', input, 4, 4, IMG, IMG_FIX);
    if (bad || !input) return bad ?? missingInput('UpSampling2D');
    const [sh, sw] = pair(intsParam(params, 'size'));
    return ok([input[0] ?? null, scale(input[1] ?? null, sh), scale(input[2] ?? null, sw), input[3] ?? null]);
  },
  countParams: () => 0,
  countMacs: () => 0,
  tfjs: (params) => ({ factory: 'upSampling2d', config: { size: pair(intsParam(params, 'size')), interpolation: str(params, 'interpolation') } }),
};

/** 1 entry: all sides; 2: (vertical, horizontal); 4: top, bottom, left, right. */
function sides(v: readonly number[]): [[number, number], [number, number]] | null {
  if (v.length === 1) return [[v[0] ?? 0, v[0] ?? 0], [v[0] ?? 0, v[0] ?? 0]];
  if (v.length === 2) return [[v[0] ?? 0, v[0] ?? 0], [v[1] ?? 0, v[1] ?? 0]];
  if (v.length === 4) return [[v[0] ?? 0, v[1] ?? 0], [v[2] ?? 0, v[3] ?? 0]];
  return null;
}

function edgeSpec<T extends 'ZeroPadding2D' | 'Cropping2D'>(type: T, name: 'padding' | 'cropping', sign: 1 | -1): LayerSpec<T> {
  const verb = sign > 0 ? 'Adds rows and columns of zeros around' : 'Cuts rows and columns off the edges of';
  return {
    type,
    label: type,
    category: 'Pooling',
    description: `${verb} an image.`,
    params: [
      {
        name,
        label: sign > 0 ? 'Padding' : 'Cropping',
        kind: 'shape',
        default: [1, 1],
        minRank: 1,
        maxRank: 4,
        minValue: 0,
        help: 'One number for all sides; two for (top and bottom, left and right); four for top, bottom, left, right.',
      },
    ],
    inputs: [{ name: 'in', label: 'input', minRank: 4, maxRank: 4 }],
    outputDtype: 'same',
    inferShape: ([input], params) => {
      const bad = checkRank(type, input, 4, 4, IMG, IMG_FIX);
      if (bad || !input) return bad ?? missingInput(type);
      const s = sides(intsParam(params, name));
      if (!s) return fail('INVALID_PARAM', `${type} takes 1, 2 or 4 numbers, not 3.`, 'Give one number, two (vertical, horizontal) or four (top, bottom, left, right).');
      const size = (d: number | null, [a, b]: [number, number]) => (d === null ? null : d + sign * (a + b));
      const h = size(input[1] ?? null, s[0]);
      const w = size(input[2] ?? null, s[1]);
      if ((h !== null && h < 1) || (w !== null && w < 1)) {
        return fail('SHAPE_MISMATCH', `${type} would cut all of ${formatShape(input)} away.`, 'Crop less than the image size.');
      }
      return ok([input[0] ?? null, h, w, input[3] ?? null] as Shape);
    },
    countParams: () => 0,
    countMacs: () => 0,
    tfjs: (params) => ({ factory: sign > 0 ? 'zeroPadding2d' : 'cropping2D', config: { [name]: sides(intsParam(params, name)) } }),
  };
}

export const zeroPadding2dSpec = edgeSpec('ZeroPadding2D', 'padding', 1);
export const cropping2dSpec = edgeSpec('Cropping2D', 'cropping', -1);

export const POOLING_SPECS = [
  maxPooling1dSpec,
  averagePooling1dSpec,
  maxPooling2dSpec,
  averagePooling2dSpec,
  globalMaxPooling1dSpec,
  globalAveragePooling1dSpec,
  globalMaxPooling2dSpec,
  globalAveragePooling2dSpec,
  upSampling2dSpec,
  zeroPadding2dSpec,
  cropping2dSpec,
] as const;
