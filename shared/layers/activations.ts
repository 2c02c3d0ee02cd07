/** Activation names as tfjs/Keras spell them. Issue 3 widens this list. */
export const ACTIVATIONS = ['linear', 'relu', 'sigmoid', 'tanh', 'softmax'] as const;
export type ActivationName = (typeof ACTIVATIONS)[number];
