import { pair } from '../../../shared/layers/common';
import { intsParam, num, str } from '../../../shared/layers/params';
import type { ExportLayer } from '../model-info';
import type { Attr } from '../onnx-graph';
import type { OnnxOps } from './onnx-ops';
import { forwardOnly, fourSides, kerasName, kerasSides, py, stockLayer, type FamilyLowerings } from './parts';
import { refuse, type LayerLowering } from './types';

/** Lowerings of shared/layers/specs/pooling.ts: pools, global pools, upsampling, padding and cropping. */

const kind = (layer: ExportLayer) => (layer.type.startsWith('Max') ? 'max' : 'avg');
const same = (layer: ExportLayer) => str(layer.params, 'padding') === 'same';

/** Pool size and strides: 2D as pairs, 1D as one-element lists; strides 0 (or none) mean the pool size. */
function window(layer: ExportLayer): { pool: number[]; strides: number[] } {
  const p = layer.params;
  if (layer.type.endsWith('2D')) {
    const pool = pair(intsParam(p, 'poolSize'));
    const s = intsParam(p, 'strides');
    return { pool, strides: s.length ? pair(s) : pool };
  }
  const pool = num(p, 'poolSize');
  return { pool: [pool], strides: [num(p, 'strides') || pool] };
}

function onnxPool(o: OnnxOps, layer: ExportLayer, xs: readonly string[]): string {
  const rank = layer.inputShapes[0]?.length ?? 0;
  const { pool, strides } = window(layer);
  const attrs: Record<string, Attr> = { kernel_shape: { ints: pool }, strides: { ints: strides }, auto_pad: { s: same(layer) ? 'SAME_UPPER' : 'VALID' } };
  const max = kind(layer) === 'max';
  if (!max) attrs['count_include_pad'] = { i: 0 };
  return o.nhwc(o.g.op1(max ? 'MaxPool' : 'AveragePool', [o.nchw(xs[0] as string, rank, layer.name)], attrs, `${layer.name}/pool`), rank, layer.name);
}

const pooling1d: LayerLowering = {
  keras: (layer) => {
    const { pool, strides } = window(layer);
    return `layers.${layer.type}(pool_size=${pool[0]}, strides=${strides[0]}, padding=${py(str(layer.params, 'padding'))}, ${kerasName(layer)})`;
  },
  onnx: onnxPool,
  pytorch: (layer, xs) => forwardOnly(`pool_nhwc(${xs[0]}, ${py(kind(layer))}, ${py(window(layer).pool)}, ${py(window(layer).strides)}, ${py(same(layer))})`, ['pool']),
  tfjs: stockLayer,
};

const pooling2d: LayerLowering = {
  keras: (layer) => {
    const { pool, strides } = window(layer);
    return `layers.${layer.type}(pool_size=${py(pool)}, strides=${py(strides)}, padding=${py(str(layer.params, 'padding'))}, ${kerasName(layer)})`;
  },
  onnx: onnxPool,
  pytorch: pooling1d.pytorch,
  tfjs: stockLayer,
};

/** Global pools: a reduction over the time (1D) or height and width (2D) axes. */
const globalPooling = (op: 'mean' | 'amax', axes: readonly number[]): LayerLowering => ({
  keras: (layer) => `layers.${layer.type}(${kerasName(layer)})`,
  onnx: (o, layer, xs) => o.g.op1(op === 'amax' ? 'ReduceMax' : 'ReduceMean', [xs[0] as string], { axes: { ints: axes }, keepdims: { i: 0 } }, layer.name),
  pytorch: (_layer, xs) => forwardOnly(`${xs[0]}.${op}(dim=${axes.length === 1 ? axes[0] : py(axes)})`),
  tfjs: stockLayer,
});

export const POOLING_LOWERINGS = {
  MaxPooling1D: pooling1d,
  AveragePooling1D: pooling1d,
  MaxPooling2D: pooling2d,
  AveragePooling2D: pooling2d,
  GlobalMaxPooling1D: globalPooling('amax', [1]),
  GlobalAveragePooling1D: globalPooling('mean', [1]),
  GlobalMaxPooling2D: globalPooling('amax', [1, 2]),
  GlobalAveragePooling2D: globalPooling('mean', [1, 2]),
  UpSampling2D: {
    keras: (layer) => {
      if (str(layer.params, 'interpolation') !== 'nearest') {
        refuse(layer, 'keras', "Keras's bilinear upsampling uses half-pixel centres, TF.js's does not, so predictions would differ; export to ONNX or TF.js.");
      }
      return `layers.UpSampling2D(size=${py(pair(intsParam(layer.params, 'size')))}, interpolation="nearest", ${kerasName(layer)})`;
    },
    onnx: (o, layer, xs) => {
      const [sh, sw] = pair(intsParam(layer.params, 'size'));
      const bilinear = str(layer.params, 'interpolation') === 'bilinear';
      return o.g.op1(
        'Resize',
        [xs[0] as string, '', o.g.constFloat('scales', [4], [1, sh, sw, 1])],
        {
          mode: { s: bilinear ? 'linear' : 'nearest' },
          coordinate_transformation_mode: { s: 'asymmetric' },
          ...(bilinear ? {} : { nearest_mode: { s: 'floor' } }),
        },
        layer.name,
      );
    },
    pytorch: (layer, xs) => {
      if (str(layer.params, 'interpolation') !== 'nearest') refuse(layer, 'pytorch', 'bilinear upsampling is exported to ONNX and TF.js only.');
      const [sh, sw] = pair(intsParam(layer.params, 'size'));
      return forwardOnly(`${xs[0]}.repeat_interleave(${sh}, dim=1).repeat_interleave(${sw}, dim=2)`);
    },
    tfjs: stockLayer,
  },
  ZeroPadding2D: {
    keras: (layer) => `layers.ZeroPadding2D(padding=${py(kerasSides(intsParam(layer.params, 'padding')))}, ${kerasName(layer)})`,
    onnx: (o, layer, xs) => {
      const [t, b, l, r] = fourSides(intsParam(layer.params, 'padding'));
      return o.g.op1('Pad', [xs[0] as string, o.g.constInt64('pads', [0, t, l, 0, 0, b, r, 0])], { mode: { s: 'constant' } }, layer.name);
    },
    pytorch: (layer, xs) => {
      const [t, b, l, r] = fourSides(intsParam(layer.params, 'padding'));
      return forwardOnly(`F.pad(${xs[0]}, (0, 0, ${l}, ${r}, ${t}, ${b}))`);
    },
    tfjs: stockLayer,
  },
  Cropping2D: {
    keras: (layer) => `layers.Cropping2D(cropping=${py(kerasSides(intsParam(layer.params, 'cropping')))}, ${kerasName(layer)})`,
    onnx: (o, layer, xs) => {
      const [t, b, l, r] = fourSides(intsParam(layer.params, 'cropping'));
      const END = 9223372036854775807n;
      const g = o.g;
      return g.op1('Slice', [xs[0] as string, g.constInt64('starts', [t, l]), g.constInt64('ends', [b ? -b : END, r ? -r : END]), g.constInt64('axes', [1, 2])], {}, layer.name);
    },
    pytorch: (layer, xs) => {
      const [t, b, l, r] = fourSides(intsParam(layer.params, 'cropping'));
      const a = xs[0] as string;
      return forwardOnly(`${a}[:, ${t}:${a}.shape[1] - ${b}, ${l}:${a}.shape[2] - ${r}]`);
    },
    tfjs: stockLayer,
  },
} satisfies FamilyLowerings;
