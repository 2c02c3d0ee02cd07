import { bool, num } from '../../../shared/layers/params';
import { ident, maybeWeight, weightOf } from '../model-info';
import { customLayer, kerasName, lastDim, py, stockLayer, type FamilyLowerings } from './parts';
import { refuse, type LayerLowering } from './types';

/**
 * Lowerings of shared/layers/specs/normalization.ts: BatchNormalization and LayerNormalization,
 * and the regularizers (noise, spatial dropout), which are the identity at inference (ONNX).
 */

const identityAtInference = (_o: unknown, _layer: unknown, xs: readonly string[]) => xs[0] as string;

const spatialDropout = (className: string | null): LayerLowering => ({
  keras: (layer) => `layers.${layer.type}(${num(layer.params, 'rate')}, ${kerasName(layer)})`,
  onnx: identityAtInference,
  pytorch: (layer, xs) => ({ init: [`self.${ident(layer.name)} = SpatialDropout(${num(layer.params, 'rate')})`], forward: `self.${ident(layer.name)}(${xs[0]})`, helpers: ['noise'], state: [] }),
  tfjs: className ? customLayer(className) : stockLayer,
});

export const NORMALIZATION_LOWERINGS = {
  BatchNormalization: {
    keras: (layer) => {
      const p = layer.params;
      return `layers.BatchNormalization(axis=-1, momentum=${num(p, 'momentum')}, epsilon=${num(p, 'epsilon')}, center=${py(bool(p, 'center'))}, scale=${py(bool(p, 'scale'))}, ${kerasName(layer)})`;
    },
    onnx: (o, layer, xs) => {
      const g = o.g;
      const h = layer.name;
      const x = xs[0] as string;
      const rank = layer.inputShapes[0]?.length ?? 0;
      const c = o.lastIn(layer);
      const gamma = maybeWeight(layer, 'gamma');
      const beta = maybeWeight(layer, 'beta');
      const inputs = [
        gamma ? g.weight(`${h}/gamma`, gamma.shape, gamma.data) : g.constFloat('ones', [c], new Float32Array(c).fill(1)),
        beta ? g.weight(`${h}/beta`, beta.shape, beta.data) : g.constFloat('zeros', [c], new Float32Array(c)),
        g.weight(`${h}/moving_mean`, [c], weightOf(layer, 'moving_mean').data),
        g.weight(`${h}/moving_variance`, [c], weightOf(layer, 'moving_variance').data),
      ];
      const toFirst = Array.from({ length: rank }, (_, i) => (i === 0 ? 0 : i === 1 ? rank - 1 : i - 1));
      const toLast = Array.from({ length: rank }, (_, i) => (i === 0 ? 0 : i === rank - 1 ? 1 : i + 1));
      const xin = rank > 2 ? g.op1('Transpose', [x], { perm: { ints: toFirst } }, `${h}/to_channels_first`) : x;
      const y = g.op1('BatchNormalization', [xin, ...inputs], { epsilon: { f: num(layer.params, 'epsilon') } }, `${h}/bn`);
      return rank > 2 ? g.op1('Transpose', [y], { perm: { ints: toLast } }, h) : y;
    },
    pytorch: (layer, xs) => {
      const p = layer.params;
      const name = ident(layer.name);
      return {
        init: [`self.${name} = BatchNorm(${lastDim(layer)}, epsilon=${num(p, 'epsilon')}, momentum=${num(p, 'momentum')}, center=${py(bool(p, 'center'))}, scale=${py(bool(p, 'scale'))})`],
        forward: `self.${name}(${xs[0]})`,
        helpers: ['batchNorm'],
        state: layer.weights.map((w) => [`${name}.${w.name}`, w]),
      };
    },
    tfjs: stockLayer,
  },
  LayerNormalization: {
    keras: (layer) => {
      const p = layer.params;
      return `layers.LayerNormalization(axis=-1, epsilon=${num(p, 'epsilon')}, center=${py(bool(p, 'center'))}, scale=${py(bool(p, 'scale'))}, ${kerasName(layer)})`;
    },
    onnx: (o, layer, xs) => o.layerNorm(xs[0] as string, maybeWeight(layer, 'gamma'), maybeWeight(layer, 'beta'), o.lastIn(layer), num(layer.params, 'epsilon'), layer.name, layer.name),
    pytorch: (layer, xs) => {
      const p = layer.params;
      const center = bool(p, 'center');
      if (center !== bool(p, 'scale')) refuse(layer, 'pytorch', "PyTorch's LayerNorm has a scale and an offset together or neither; set Center and Scale alike.");
      const name = ident(layer.name);
      return {
        init: [`self.${name} = nn.LayerNorm(${lastDim(layer)}, eps=${num(p, 'epsilon')}${center ? '' : ', elementwise_affine=False'})`],
        forward: `self.${name}(${xs[0]})`,
        helpers: [],
        state: center ? [[`${name}.weight`, weightOf(layer, 'gamma')], [`${name}.bias`, weightOf(layer, 'beta')]] : [],
      };
    },
    tfjs: stockLayer,
  },
  GaussianNoise: {
    keras: (layer) => `layers.GaussianNoise(${num(layer.params, 'stddev')}, ${kerasName(layer)})`,
    onnx: identityAtInference,
    pytorch: (layer, xs) => ({ init: [`self.${ident(layer.name)} = GaussianNoise(${num(layer.params, 'stddev')})`], forward: `self.${ident(layer.name)}(${xs[0]})`, helpers: ['noise'], state: [] }),
    tfjs: stockLayer,
  },
  SpatialDropout1D: spatialDropout(null),
  SpatialDropout2D: spatialDropout('SpatialDropout2D'),
} satisfies FamilyLowerings;
