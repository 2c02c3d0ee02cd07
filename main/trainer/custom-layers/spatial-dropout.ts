import * as tf from '@tensorflow/tfjs';

type LayerShape = (number | null)[];

/**
 * Keras's SpatialDropout2D (channels last): during training drops whole
 * feature maps, scaling the kept ones by 1/(1-rate); at inference the identity.
 * Stock tfjs 4.22 has only the 1D variant.
 */
export class SpatialDropout2D extends tf.layers.Layer {
  static readonly className = 'SpatialDropout2D';
  readonly rate: number;
  readonly seed: number | undefined;

  constructor(config: { rate: number; seed?: number; name?: string; trainable?: boolean }) {
    super({ name: config.name, trainable: config.trainable });
    if (!(config.rate >= 0 && config.rate < 1)) throw new Error(`SpatialDropout2D: rate must be in [0, 1), not ${config.rate}.`);
    this.rate = config.rate;
    this.seed = config.seed;
    this.supportsMasking = true;
  }

  override computeOutputShape(inputShape: LayerShape | LayerShape[]): LayerShape {
    return [...(inputShape as LayerShape)];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    const x = Array.isArray(inputs) ? (inputs[0] as tf.Tensor) : inputs;
    if (x.rank !== 4) throw new Error(`${this.name}: SpatialDropout2D takes [batch, height, width, channels].`);
    if (!kwargs?.training || this.rate === 0) return tf.clone(x);
    return tf.tidy(() => tf.dropout(x, this.rate, [x.shape[0] as number, 1, 1, x.shape[3] as number], this.seed));
  }

  override getConfig(): tf.serialization.ConfigDict {
    const config: tf.serialization.ConfigDict = { ...super.getConfig(), rate: this.rate };
    if (this.seed !== undefined) config['seed'] = this.seed;
    return config;
  }
}
