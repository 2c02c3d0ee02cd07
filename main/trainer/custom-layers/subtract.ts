import * as tf from '@tensorflow/tfjs';

type LayerShape = (number | null)[];

/** Keras's Subtract: input 1 minus input 2 (stock tfjs 4.22 has no such layer). */
export class Subtract extends tf.layers.Layer {
  static readonly className = 'Subtract';

  constructor(config: { name?: string; trainable?: boolean } = {}) {
    super({ name: config.name, trainable: config.trainable });
  }

  override computeOutputShape(inputShape: LayerShape | LayerShape[]): LayerShape {
    const shapes = inputShape as LayerShape[];
    if (!Array.isArray(shapes[0]) || shapes.length !== 2) throw new Error('Subtract takes exactly two inputs.');
    return [...(shapes[0] as LayerShape)];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    if (!Array.isArray(inputs) || inputs.length !== 2) throw new Error(`${this.name}: Subtract takes exactly two inputs.`);
    return tf.sub(inputs[0] as tf.Tensor, inputs[1] as tf.Tensor);
  }
}
