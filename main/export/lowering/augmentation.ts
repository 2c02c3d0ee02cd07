import { intsParam, num, str } from '../../../shared/layers/params';
import { ident, type ExportLayer } from '../model-info';
import { centreWindow } from '../../../shared/layers/specs/augmentation';
import { customLayer, kerasName, py, stockLayer, type FamilyLowerings } from './parts';
import type { LayerLowering, PytorchCode } from './types';

/**
 * Lowerings of shared/layers/specs/augmentation.ts. Keras has these layers (RandomCrop through a
 * small subclass that keeps its output size at inference, as Keras 2 did); PyTorch gets modules
 * that augment in train() and are the identity in eval(); ONNX, an inference format, drops them
 * (RandomCrop keeps its inference-time centre crop and resize), and the export's README says so.
 */

const identity = (_o: unknown, _layer: unknown, xs: readonly string[]) => xs[0] as string;

const fill = (layer: ExportLayer) => {
  const p = layer.params;
  return { fillMode: str(p, 'fillMode'), interpolation: str(p, 'interpolation'), fillValue: num(p, 'fillValue') };
};

const kerasFill = (layer: ExportLayer) => {
  const f = fill(layer);
  return `fill_mode=${py(f.fillMode)}, interpolation=${py(f.interpolation)}, fill_value=${py(f.fillValue)}`;
};

const pytorchModule = (layer: ExportLayer, xs: readonly string[], ctor: string): PytorchCode => ({
  init: [`self.${ident(layer.name)} = ${ctor}`],
  forward: `self.${ident(layer.name)}(${xs[0]})`,
  helpers: ['augment'],
  state: [],
});

const pyFill = (layer: ExportLayer) => {
  const f = fill(layer);
  return `${py(f.fillMode)}, ${py(f.interpolation)}, ${py(f.fillValue)}`;
};

const geometric = (keras: (layer: ExportLayer) => string, pytorch: (layer: ExportLayer) => string, className: string): LayerLowering => ({
  keras,
  onnx: identity,
  pytorch: (layer, xs) => pytorchModule(layer, xs, pytorch(layer)),
  tfjs: customLayer(className),
});

export const AUGMENTATION_LOWERINGS = {
  RandomFlip: {
    keras: (layer) => `layers.RandomFlip(${py(str(layer.params, 'mode'))}, ${kerasName(layer)})`,
    onnx: identity,
    pytorch: (layer, xs) => pytorchModule(layer, xs, `RandomFlip(${py(str(layer.params, 'mode'))})`),
    tfjs: customLayer('RandomFlip'),
  },
  RandomRotation: geometric(
    (layer) => `layers.RandomRotation(${py(num(layer.params, 'factor'))}, ${kerasFill(layer)}, ${kerasName(layer)})`,
    (layer) => `RandomAffine("rotation", ${py(num(layer.params, 'factor'))}, 0, ${pyFill(layer)})`,
    'RandomRotation',
  ),
  RandomZoom: geometric(
    (layer) => `layers.RandomZoom(${py(num(layer.params, 'heightFactor'))}, width_factor=${py(num(layer.params, 'widthFactor'))}, ${kerasFill(layer)}, ${kerasName(layer)})`,
    (layer) => `RandomAffine("zoom", ${py(num(layer.params, 'heightFactor'))}, ${py(num(layer.params, 'widthFactor'))}, ${pyFill(layer)})`,
    'RandomZoom',
  ),
  RandomTranslation: geometric(
    (layer) => `layers.RandomTranslation(${py(num(layer.params, 'heightFactor'))}, ${py(num(layer.params, 'widthFactor'))}, ${kerasFill(layer)}, ${kerasName(layer)})`,
    (layer) => `RandomAffine("translation", ${py(num(layer.params, 'heightFactor'))}, ${py(num(layer.params, 'widthFactor'))}, ${pyFill(layer)})`,
    'RandomTranslation',
  ),
  RandomContrast: {
    keras: (layer) => `layers.RandomContrast(${py(num(layer.params, 'factor'))}, value_range=${py([...intsParam(layer.params, 'valueRange')])}, ${kerasName(layer)})`,
    onnx: identity,
    pytorch: (layer, xs) => pytorchModule(layer, xs, `RandomContrast(${py(num(layer.params, 'factor'))}, ${py([...intsParam(layer.params, 'valueRange')])})`),
    tfjs: customLayer('RandomContrast'),
  },
  RandomCrop: {
    keras: (layer, k) => {
      k.need('randomCrop');
      return `RandomCropResize(${num(layer.params, 'height')}, ${num(layer.params, 'width')}, ${kerasName(layer)})`;
    },
    onnx: (o, layer, xs) => {
      const g = o.g;
      const [, h, w] = layer.inputShapes[0] as readonly number[];
      const height = num(layer.params, 'height');
      const width = num(layer.params, 'width');
      const [top, left, ch, cw] = centreWindow(h as number, w as number, height, width);
      const window = g.op1('Slice', [xs[0] as string, g.constInt64('starts', [top, left]), g.constInt64('ends', [top + ch, left + cw]), g.constInt64('axes', [1, 2])], {}, `${layer.name}/centre`);
      if (ch === height && cw === width) return window;
      // Resize to [batch, height, width, channels]: the window's shape with the middle two replaced.
      const shape = g.op1('Shape', [window], {}, `${layer.name}/shape`);
      const sizes = g.op1('Add', [g.op1('Mul', [shape, g.constInt64('keep_outer', [1, 0, 0, 1])], {}, `${layer.name}/outer`), g.constInt64('size', [0, height, width, 0])], {}, `${layer.name}/sizes`);
      return g.op1('Resize', [window, '', '', sizes], { mode: { s: 'linear' }, coordinate_transformation_mode: { s: 'half_pixel' } }, layer.name);
    },
    pytorch: (layer, xs) => pytorchModule(layer, xs, `RandomCrop(${num(layer.params, 'height')}, ${num(layer.params, 'width')})`),
    tfjs: customLayer('RandomCrop'),
  },
  GaussianDropout: {
    keras: (layer) => `layers.GaussianDropout(${py(num(layer.params, 'rate'))}, ${kerasName(layer)})`,
    onnx: identity,
    pytorch: (layer, xs) => pytorchModule(layer, xs, `GaussianDropout(${py(num(layer.params, 'rate'))})`),
    tfjs: stockLayer,
  },
} satisfies FamilyLowerings;

/** The layer types an ONNX export leaves out (the identity at inference), for its README. */
export const DROPPED_IN_ONNX = new Set(['RandomFlip', 'RandomRotation', 'RandomZoom', 'RandomTranslation', 'RandomContrast', 'GaussianDropout']);
