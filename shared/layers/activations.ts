/**
 * Activation names as tfjs spells them (Keras' snake_case in camelCase).
 * Where stock tfjs 4.22 lacks one (leakyRelu), the trainer registers a custom
 * activation under this name (main/trainer/custom-layers/).
 */
export const ACTIVATIONS = [
  'linear',
  'relu',
  'relu6',
  'leakyRelu',
  'elu',
  'selu',
  'sigmoid',
  'hardSigmoid',
  'tanh',
  'softmax',
  'softplus',
  'softsign',
  'swish',
  'gelu',
] as const;
export type ActivationName = (typeof ACTIVATIONS)[number];
