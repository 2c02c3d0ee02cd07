import * as tf from '@tensorflow/tfjs';

/**
 * Activations tfjs 4.22 lacks as `activation: '<name>'` strings. tfjs resolves
 * such a string through its serialization registry (className → class with
 * `apply`), so registering a class makes the name work in Dense, Conv,
 * Activation and RNN configs, and reload from model.json.
 *
 * tfjs 4.22 already has: linear, relu, relu6, elu, selu, sigmoid, hardSigmoid
 * (Keras 2's 0.2·x + 0.5), tanh, softmax, softplus, softsign, swish, mish,
 * gelu (exact erf form, as Keras's default) and gelu_new (tanh approximation).
 */

/** Keras's `leaky_relu` activation function's slope below zero. */
export const LEAKY_RELU_SLOPE = 0.2;

/**
 * `activation: 'leakyRelu'`: x for x ≥ 0, 0.2·x below. model.json stores it as
 * `leaky_relu` (tfjs snake-cases string values on save and camel-cases them on load).
 */
export class LeakyReluActivation extends tf.serialization.Serializable {
  static readonly className = 'leakyRelu';
  apply(x: tf.Tensor): tf.Tensor {
    return tf.leakyRelu(x, LEAKY_RELU_SLOPE);
  }
  override getConfig(): tf.serialization.ConfigDict {
    return {};
  }
  override getClassName(): string {
    return LeakyReluActivation.className;
  }
}

export const CUSTOM_ACTIVATIONS = [LeakyReluActivation] as const;
