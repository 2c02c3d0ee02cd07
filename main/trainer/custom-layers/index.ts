import * as tf from '@tensorflow/tfjs';
import { CUSTOM_ACTIVATIONS } from './activations';
import { NetwrightGRU, type NetwrightGRUConfig } from './gru';
import { MultiHeadAttention, type MultiHeadAttentionConfig } from './multi-head-attention';
import { PositionalEmbedding, type PositionalEmbeddingConfig } from './positional-embedding';
import { TransformerEncoder, type TransformerEncoderConfig } from './transformer-encoder';
import { Subtract } from './subtract';
import { SpatialDropout2D } from './spatial-dropout';
import { normalizationFactory } from './normalization-fix';
import { keepSeparableDepthMultiplier } from './separable-config-fix';
import { AUGMENTATION_LAYERS, RandomContrast, RandomCrop, RandomFlip, RandomRotation, RandomTranslation, RandomZoom } from './augmentation';

export { MultiHeadAttention, NetwrightGRU, PositionalEmbedding, TransformerEncoder, Subtract, SpatialDropout2D };
export { RandomContrast, RandomCrop, RandomFlip, RandomRotation, RandomTranslation, RandomZoom };

/** Every custom layer class, by the className written into model.json. */
export const CUSTOM_LAYER_CLASSES = [MultiHeadAttention, PositionalEmbedding, TransformerEncoder, NetwrightGRU, Subtract, SpatialDropout2D, ...AUGMENTATION_LAYERS] as const;

let registered = false;

/**
 * Registers Netwright's custom layers and activations with tfjs' serialization
 * registry. Call before building a model that uses them by name and before
 * `tf.loadLayersModel` of a model.json that contains them. Idempotent.
 */
export function registerCustomLayers(): void {
  if (registered) return;
  keepSeparableDepthMultiplier();
  for (const cls of [...CUSTOM_LAYER_CLASSES, ...CUSTOM_ACTIVATIONS]) {
    tf.serialization.registerClass(cls as unknown as tf.serialization.SerializableConstructor<tf.serialization.Serializable>);
  }
  registered = true;
}

type Factory = (config: Record<string, unknown>) => tf.layers.Layer;

/**
 * Layer factories beyond `tf.layers`, by the name a spec's `tfjs().factory` uses.
 * build-model looks here first, then on `tf.layers`.
 */
export const customFactories: Readonly<Record<string, Factory>> = {
  multiHeadAttention: (c) => new MultiHeadAttention(c as unknown as MultiHeadAttentionConfig),
  positionalEmbedding: (c) => new PositionalEmbedding(c as unknown as PositionalEmbeddingConfig),
  transformerEncoder: (c) => new TransformerEncoder(c as unknown as TransformerEncoderConfig),
  /** GRU in Keras's math, `resetAfter` true (Keras's default) or false. */
  netwrightGru: (c) => new NetwrightGRU(c as unknown as NetwrightGRUConfig),
  subtract: (c) => new Subtract(c),
  spatialDropout2d: (c) => new SpatialDropout2D(c as unknown as { rate: number }),
  randomFlip: (c) => new RandomFlip(c),
  randomRotation: (c) => new RandomRotation(c as unknown as ConstructorParameters<typeof RandomRotation>[0]),
  randomZoom: (c) => new RandomZoom(c as unknown as ConstructorParameters<typeof RandomZoom>[0]),
  randomTranslation: (c) => new RandomTranslation(c as unknown as ConstructorParameters<typeof RandomTranslation>[0]),
  randomContrast: (c) => new RandomContrast(c as unknown as ConstructorParameters<typeof RandomContrast>[0]),
  randomCrop: (c) => new RandomCrop(c as unknown as ConstructorParameters<typeof RandomCrop>[0]),
};

/**
 * The custom factory for a spec's tfjs call, or undefined when `tf.layers`
 * has it. Factory `gru` with `resetAfter: true` (which stock tfjs refuses) is
 * built as NetwrightGRU; `gru` with `resetAfter: false` stays stock. Batch and layer
 * normalization without center or scale get the fix of normalization-fix.ts.
 */
export function customFactoryFor(factory: string, config: Readonly<Record<string, unknown>>): Factory | undefined {
  if (factory === 'gru' && config['resetAfter'] === true) return customFactories['netwrightGru'];
  // Stock BatchNormalization/LayerNormalization, made trainable without center or scale.
  const normalization = normalizationFactory(factory, config);
  if (normalization) return normalization;
  return Object.hasOwn(customFactories, factory) ? customFactories[factory] : undefined;
}
