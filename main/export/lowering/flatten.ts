import { kerasName, forwardOnly, stockLayer, type FamilyLowerings } from './parts';

/** Lowerings of shared/layers/specs/flatten.ts. Channels-last everywhere, so the order is Keras's. */
export const FLATTEN_LOWERINGS = {
  Flatten: {
    keras: (layer) => `layers.Flatten(${kerasName(layer)})`,
    onnx: (o, layer, xs) => o.g.op1('Flatten', [xs[0] as string], { axis: { i: 1 } }, layer.name),
    pytorch: (_layer, xs) => forwardOnly(`${xs[0]}.reshape(${xs[0]}.shape[0], -1)`),
    tfjs: stockLayer,
  },
} satisfies FamilyLowerings;
