import * as tf from '@tensorflow/tfjs';

type Call = (inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>) => tf.Tensor | tf.Tensor[];

/**
 * Freezes a built layer as Keras does with `layer.trainable = False`: its weights leave the
 * optimizer's list (tfjs drops the weights of a layer whose `trainable` is false), and a
 * BatchNormalization runs in inference mode, normalizing with its moving statistics and no
 * longer updating them (Keras 3's rule for a frozen BatchNormalization; stock tfjs would keep
 * using batch statistics while training). Setting the property after construction also reaches
 * wrappers (Bidirectional, TimeDistributed), whose constructors drop a `trainable` config.
 * The layer's class and config stay those of the stock layer (model.json says `trainable: false`).
 */
export function freezeLayer<L extends tf.layers.Layer>(layer: L): L {
  layer.trainable = false;
  if (layer.getClassName() === 'BatchNormalization') {
    const self = layer as unknown as { call: Call };
    const call = self.call.bind(layer) as Call;
    self.call = (inputs, kwargs) => call(inputs, { ...kwargs, training: false });
  }
  return layer;
}
