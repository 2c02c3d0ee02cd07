import type { LayerSpec, ParamSpec, Params, Shape, ShapeResult } from '../types';
import { intsParam, num, str } from '../params';
import { checkRank, fail, missingInput, ok } from '../common';

/**
 * Data augmentation, as Keras's preprocessing layers: random changes to the images while the
 * model trains, the identity at inference (RandomCrop: a centre crop resized to its size, as
 * Keras 2's smart_resize). Random draws come from the run's seed. No weights.
 */

const FILL_MODES = ['reflect', 'wrap', 'constant', 'nearest'] as const;
const INTERPOLATIONS = ['bilinear', 'nearest'] as const;

const imageInput = [{ name: 'in', label: 'image', minRank: 4, maxRank: 4 }] as const;

/** An image batch [batch, height, width, channels] with a known height and width. */
function image(label: string, input: Shape | undefined): ShapeResult | null {
  if (!input) return missingInput(label);
  const bad = checkRank(label, input, 4, 4, 'an image [batch, height, width, channels]', 'Put it right after an image Input (or a Reshape to [height, width, channels]).');
  if (bad) return bad;
  if (input[1] === null || input[2] === null) return fail('UNKNOWN_DIMENSION', `${label} needs a known height and width.`, 'Give the Input a fixed image size.');
  return null;
}

const sameImage = (label: string) => ([input]: readonly Shape[]): ShapeResult => image(label, input) ?? ok(input ?? []);

const fillParams: readonly ParamSpec[] = [
  { name: 'fillMode', label: 'Fill mode', kind: 'enum', default: 'reflect', options: FILL_MODES, help: 'How points outside the image are filled: reflect, wrap, constant (Fill value) or nearest edge.' },
  { name: 'interpolation', label: 'Interpolation', kind: 'enum', default: 'bilinear', options: INTERPOLATIONS, help: 'How pixels between grid points are read.' },
  { name: 'fillValue', label: 'Fill value', kind: 'float', default: 0, help: 'The value outside the image when Fill mode is constant.' },
];

const fillConfig = (p: Params) => ({ fillMode: str(p, 'fillMode'), interpolation: str(p, 'interpolation'), fillValue: num(p, 'fillValue') });

const noWeights = { countParams: () => 0, countMacs: () => 0 } as const;

export const randomFlipSpec: LayerSpec<'RandomFlip'> = {
  type: 'RandomFlip',
  label: 'RandomFlip',
  category: 'Augmentation',
  description: 'While training, mirrors each image left-right and/or upside down with probability 1/2; does nothing at inference.',
  params: [
    {
      name: 'mode',
      label: 'Mode',
      kind: 'enum',
      default: 'horizontal_and_vertical',
      options: ['horizontal_and_vertical', 'horizontal', 'vertical'],
      help: 'horizontal mirrors left-right, vertical upside down; each decided per image.',
    },
  ],
  inputs: imageInput,
  inferShape: sameImage('RandomFlip'),
  ...noWeights,
  tfjs: (p) => ({ factory: 'randomFlip', config: { mode: str(p, 'mode') } }),
};

export const randomRotationSpec: LayerSpec<'RandomRotation'> = {
  type: 'RandomRotation',
  label: 'RandomRotation',
  category: 'Augmentation',
  description: 'While training, rotates each image by a random angle up to ± factor × 360°; does nothing at inference.',
  params: [
    { name: 'factor', label: 'Factor', kind: 'float', default: 0.1, min: 0, max: 1, help: 'Largest rotation as a fraction of a full turn (0.1 = ±36°).' },
    ...fillParams,
  ],
  inputs: imageInput,
  inferShape: sameImage('RandomRotation'),
  ...noWeights,
  tfjs: (p) => ({ factory: 'randomRotation', config: { factor: num(p, 'factor'), ...fillConfig(p) } }),
};

export const randomZoomSpec: LayerSpec<'RandomZoom'> = {
  type: 'RandomZoom',
  label: 'RandomZoom',
  category: 'Augmentation',
  description: 'While training, zooms each image in or out by a random amount (positive: out, negative: in); does nothing at inference.',
  params: [
    { name: 'heightFactor', label: 'Height factor', kind: 'float', default: 0.1, min: 0, max: 1, help: 'Vertical zoom up to ± this fraction (0.1 = 90% to 110%).' },
    { name: 'widthFactor', label: 'Width factor', kind: 'float', default: 0.1, min: 0, max: 1, help: 'Horizontal zoom up to ± this fraction, drawn on its own.' },
    ...fillParams,
  ],
  inputs: imageInput,
  inferShape: sameImage('RandomZoom'),
  ...noWeights,
  tfjs: (p) => ({ factory: 'randomZoom', config: { heightFactor: num(p, 'heightFactor'), widthFactor: num(p, 'widthFactor'), ...fillConfig(p) } }),
};

export const randomTranslationSpec: LayerSpec<'RandomTranslation'> = {
  type: 'RandomTranslation',
  label: 'RandomTranslation',
  category: 'Augmentation',
  description: 'While training, shifts each image by a random fraction of its height and width; does nothing at inference.',
  params: [
    { name: 'heightFactor', label: 'Height factor', kind: 'float', default: 0.1, min: 0, max: 1, help: 'Vertical shift up to ± this fraction of the height.' },
    { name: 'widthFactor', label: 'Width factor', kind: 'float', default: 0.1, min: 0, max: 1, help: 'Horizontal shift up to ± this fraction of the width.' },
    ...fillParams,
  ],
  inputs: imageInput,
  inferShape: sameImage('RandomTranslation'),
  ...noWeights,
  tfjs: (p) => ({ factory: 'randomTranslation', config: { heightFactor: num(p, 'heightFactor'), widthFactor: num(p, 'widthFactor'), ...fillConfig(p) } }),
};

export const randomContrastSpec: LayerSpec<'RandomContrast'> = {
  type: 'RandomContrast',
  label: 'RandomContrast',
  category: 'Augmentation',
  description:
    "While training, stretches each image's contrast about its mean by a random factor between 1 and 1 + factor (as Keras 3 draws it), clipped to the value range; does nothing at inference.",
  params: [
    { name: 'factor', label: 'Factor', kind: 'float', default: 0.2, min: 0, max: 1, help: 'Largest contrast increase (0.2 = up to 120%).' },
    { name: 'valueRange', label: 'Value range', kind: 'shape', default: [0, 255], minRank: 2, maxRank: 2, minValue: 0, help: 'Lowest and highest pixel value; results are clipped to it (Keras: value_range).' },
  ],
  inputs: imageInput,
  inferShape: ([input], p) => {
    const bad = image('RandomContrast', input);
    if (bad) return bad;
    const [lo, hi] = intsParam(p, 'valueRange');
    if (lo === undefined || hi === undefined || lo >= hi) return fail('INVALID_PARAM', 'RandomContrast: the value range must go from low to high.', 'Set Value range to e.g. 0, 255 or 0, 1.');
    return ok(input ?? []);
  },
  ...noWeights,
  tfjs: (p) => ({ factory: 'randomContrast', config: { factor: num(p, 'factor'), valueRange: [...intsParam(p, 'valueRange')] } }),
};

/** Keras's centred window of the crop's aspect ratio: [top, left, height, width]. */
export function centreWindow(h: number, w: number, height: number, width: number): [number, number, number, number] {
  const ch = Math.max(Math.min(h, Math.trunc((w * height) / width)), 1);
  const cw = Math.max(Math.min(w, Math.trunc((h * width) / height)), 1);
  return [Math.trunc((h - ch) / 2), Math.trunc((w - cw) / 2), ch, cw];
}

export const randomCropSpec: LayerSpec<'RandomCrop'> = {
  type: 'RandomCrop',
  label: 'RandomCrop',
  category: 'Augmentation',
  description: 'While training, cuts a random height × width window out of each batch; at inference the centre, resized to height × width.',
  params: [
    { name: 'height', label: 'Height', kind: 'int', default: 24, min: 1, help: 'Height of the crop (and of the output).' },
    { name: 'width', label: 'Width', kind: 'int', default: 24, min: 1, help: 'Width of the crop (and of the output).' },
  ],
  inputs: imageInput,
  inferShape: ([input], p) => image('RandomCrop', input) ?? ok([input?.[0] ?? null, num(p, 'height'), num(p, 'width'), input?.[3] ?? null]),
  ...noWeights,
  tfjs: (p) => ({ factory: 'randomCrop', config: { height: num(p, 'height'), width: num(p, 'width') } }),
};

export const gaussianDropoutSpec: LayerSpec<'GaussianDropout'> = {
  type: 'GaussianDropout',
  label: 'GaussianDropout',
  category: 'Regularization',
  description: 'While training, multiplies each value by Gaussian noise of mean 1 (std. sqrt(rate / (1 - rate))); does nothing at inference.',
  params: [{ name: 'rate', label: 'Rate', kind: 'float', default: 0.1, min: 0, max: 0.99, help: 'Drop probability the noise stands for (0 to 0.99).' }],
  inputs: [{ name: 'in', label: 'input' }],
  inferShape: ([input]) => (input ? ok(input) : missingInput('GaussianDropout')),
  ...noWeights,
  tfjs: (p) => ({ factory: 'gaussianDropout', config: { rate: num(p, 'rate') } }),
};

export const AUGMENTATION_SPECS = [randomFlipSpec, randomRotationSpec, randomZoomSpec, randomTranslationSpec, randomContrastSpec, randomCropSpec, gaussianDropoutSpec] as const;
