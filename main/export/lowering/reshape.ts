import { intsParam, num } from '../../../shared/layers/params';
import { kerasName, forwardOnly, py, stockLayer, type FamilyLowerings } from './parts';

/** Lowerings of shared/layers/specs/reshape.ts. Reshape writes the inferred shape (its -1 resolved). */
export const RESHAPE_LOWERINGS = {
  Reshape: {
    keras: (layer) => `layers.Reshape(${py(layer.outputShape.slice(1).map((d) => d ?? -1))}, ${kerasName(layer)})`,
    onnx: (o, layer, xs) => o.g.op1('Reshape', [xs[0] as string, o.g.constInt64('shape', [0, ...layer.outputShape.slice(1).map((d) => d ?? -1)])], {}, layer.name),
    pytorch: (layer, xs) => forwardOnly(`${xs[0]}.reshape(${xs[0]}.shape[0], ${layer.outputShape.slice(1).map((d) => d ?? -1).join(', ')})`),
    tfjs: stockLayer,
  },
  Permute: {
    keras: (layer) => `layers.Permute(${py(intsParam(layer.params, 'dims'))}, ${kerasName(layer)})`,
    onnx: (o, layer, xs) => o.g.op1('Transpose', [xs[0] as string], { perm: { ints: [0, ...intsParam(layer.params, 'dims')] } }, layer.name),
    pytorch: (layer, xs) => forwardOnly(`${xs[0]}.permute(0, ${intsParam(layer.params, 'dims').join(', ')})`),
    tfjs: stockLayer,
  },
  RepeatVector: {
    keras: (layer) => `layers.RepeatVector(${num(layer.params, 'n')}, ${kerasName(layer)})`,
    onnx: (o, layer, xs) => {
      const g = o.g;
      const h = layer.name;
      return g.op1('Expand', [g.op1('Unsqueeze', [xs[0] as string, g.constInt64('axis1', [1])], {}, `${h}/unsqueeze`), g.constInt64('repeat', [1, num(layer.params, 'n'), 1])], {}, h);
    },
    pytorch: (layer, xs) => forwardOnly(`${xs[0]}.unsqueeze(1).repeat(1, ${num(layer.params, 'n')}, 1)`),
    tfjs: stockLayer,
  },
} satisfies FamilyLowerings;
