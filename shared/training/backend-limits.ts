/**
 * What cannot be trained on tfjs backends, for graph validation. Pure and self-contained
 * (no imports), so shared/ code can call it before training starts.
 *
 * tfjs 4.22 has no gradient for dilated convolutions on any backend ("dilation rates greater
 * than 1 are not yet supported in gradients"): the error would only appear at the first
 * backward pass. Inference with dilation works.
 */

export const NOT_TRAINABLE_ON_BACKEND = 'NOT_TRAINABLE_ON_BACKEND' as const;

export interface TrainabilityIssue {
  readonly code: typeof NOT_TRAINABLE_ON_BACKEND;
  readonly message: string;
  readonly fix: string;
}

function dilationAboveOne(value: unknown): boolean {
  if (typeof value === 'number') return value > 1;
  if (Array.isArray(value)) return value.some((v) => typeof v === 'number' && v > 1);
  return false;
}

/**
 * Why a layer cannot be trained, or null. `type` is the layer type (or tfjs factory name);
 * `params` its parameters. Checks `dilationRate` (and `dilation_rate`) on any layer.
 */
export function notTrainableReason(type: string, params: Readonly<Record<string, unknown>>): TrainabilityIssue | null {
  const dilation = params['dilationRate'] ?? params['dilation_rate'];
  if (dilationAboveOne(dilation)) {
    return {
      code: NOT_TRAINABLE_ON_BACKEND,
      message: `${type} with dilation rate ${JSON.stringify(dilation)} cannot be trained: TensorFlow.js has no gradient for dilated convolutions.`,
      fix: 'Set the dilation rate to 1 (use a larger kernel or more layers for a wider view).',
    };
  }
  return null;
}
