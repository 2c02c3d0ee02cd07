import { str } from '../../../shared/layers/params';
import { kerasName, forwardOnly, pyActivation, stockLayer, type FamilyLowerings } from './parts';

/** Lowerings of shared/layers/specs/activation.ts; the activations themselves are in activations.ts. */
export const ACTIVATION_LAYER_LOWERINGS = {
  Activation: {
    keras: (layer, k) => `layers.Activation(${k.act(str(layer.params, 'activation'))}, ${kerasName(layer)})`,
    onnx: (o, layer, xs) => o.act(str(layer.params, 'activation'), xs[0] as string, layer),
    pytorch: (layer, xs) => forwardOnly(pyActivation(str(layer.params, 'activation'), xs[0] as string, layer)),
    tfjs: stockLayer,
  },
} satisfies FamilyLowerings;
