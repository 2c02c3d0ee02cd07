import * as tf from '@tensorflow/tfjs';

/** The parts of tfjs' BatchNormalization / LayerNormalization this fix touches. */
interface NormalizationInternals {
  center: boolean;
  scale: boolean;
  gamma: { read(): tf.Tensor } | null | undefined;
  beta: { read(): tf.Tensor } | null | undefined;
}

type Call = (inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>) => tf.Tensor | tf.Tensor[];

/**
 * BatchNormalization and LayerNormalization with `center` or `scale` off cannot be
 * trained in stock tfjs 4.22: BatchNormalization reads the missing gamma/beta while
 * training (`this.gamma.read()` on undefined), and LayerNormalization passes a null
 * scale/offset to `tf.batchNorm`, whose gradient then fails on the missing input.
 *
 * This keeps the stock layer (same weights, same config, same model.json: Keras'
 * `center: false` / `scale: false`) and only stands in, for the duration of a call,
 * a constant gamma of ones / beta of zeros for the weight that is off. The math is
 * unchanged (x * 1 + 0), the constants are not weights (no count, nothing saved or
 * trained), and they are created inside the caller's tidy like any other
 * intermediate tensor.
 */
export function trainableWithoutCenterOrScale<L extends tf.layers.Layer>(layer: L): L {
  const self = layer as unknown as NormalizationInternals & { call: Call };
  const stock = self.call.bind(layer) as Call;
  self.call = (inputs, kwargs) => {
    if (self.center && self.scale) return stock(inputs, kwargs);
    const x = Array.isArray(inputs) ? (inputs[0] as tf.Tensor) : inputs;
    const channels = x.shape[x.shape.length - 1] as number;
    const saved = { center: self.center, scale: self.scale, gamma: self.gamma, beta: self.beta };
    if (!saved.scale) {
      self.scale = true;
      self.gamma = { read: () => tf.ones([channels]) };
    }
    if (!saved.center) {
      self.center = true;
      self.beta = { read: () => tf.zeros([channels]) };
    }
    try {
      return stock(inputs, kwargs);
    } finally {
      Object.assign(self, saved);
    }
  };
  return layer;
}

/** The factory for `batchNormalization` / `layerNormalization` with center or scale off; undefined otherwise. */
export function normalizationFactory(factory: string, config: Readonly<Record<string, unknown>>): ((c: Record<string, unknown>) => tf.layers.Layer) | undefined {
  if (config['center'] !== false && config['scale'] !== false) return undefined;
  if (factory === 'batchNormalization') return (c) => trainableWithoutCenterOrScale(tf.layers.batchNormalization(c));
  if (factory === 'layerNormalization') return (c) => trainableWithoutCenterOrScale(tf.layers.layerNormalization(c));
  return undefined;
}
