import * as tf from '@tensorflow/tfjs';
import { isShapeList, maskOrNone, type LayerShape } from './tensor-math';

export interface PositionalEmbeddingConfig {
  /** Vocabulary size: token ids run from 0 to inputDim - 1. */
  readonly inputDim: number;
  readonly outputDim: number;
  /** Longest sequence; one learned position vector per position. */
  readonly sequenceLength: number;
  /** Treat token id 0 as padding: emit a mask that later layers honour. */
  readonly maskZero?: boolean;
  readonly name?: string;
  readonly trainable?: boolean;
}

/**
 * Token embedding plus a learned position embedding (keras-hub's
 * TokenAndPositionEmbedding): `[B, T]` ids → `[B, T, outputDim]`, T ≤ sequenceLength.
 * Weights: token_embedding/embeddings `[inputDim, outputDim]`, then
 * position_embedding/embeddings `[sequenceLength, outputDim]`.
 */
export class PositionalEmbedding extends tf.layers.Layer {
  static readonly className = 'PositionalEmbedding';
  readonly inputDim: number;
  readonly outputDim: number;
  readonly sequenceLength: number;
  readonly maskZero: boolean;
  private tokens: tf.LayerVariable | null = null;
  private positions: tf.LayerVariable | null = null;

  constructor(config: PositionalEmbeddingConfig) {
    super({ name: config.name, trainable: config.trainable, dtype: 'float32' });
    for (const key of ['inputDim', 'outputDim', 'sequenceLength'] as const) {
      const v = config[key];
      if (!Number.isInteger(v) || v < 1) throw new Error(`PositionalEmbedding: ${key} must be a positive whole number, not ${String(v)}.`);
    }
    this.inputDim = config.inputDim;
    this.outputDim = config.outputDim;
    this.sequenceLength = config.sequenceLength;
    this.maskZero = config.maskZero ?? false;
    this.supportsMasking = true;
  }

  override build(): void {
    this.tokens = this.addWeight(
      'token_embedding/embeddings',
      [this.inputDim, this.outputDim],
      'float32',
      tf.initializers.randomUniform({ minval: -0.05, maxval: 0.05 }),
    );
    this.positions = this.addWeight('position_embedding/embeddings', [this.sequenceLength, this.outputDim], 'float32', tf.initializers.glorotUniform({}));
    this.built = true;
  }

  override computeOutputShape(inputShape: LayerShape | LayerShape[]): LayerShape {
    const shape = isShapeList(inputShape) ? (inputShape[0] as LayerShape) : inputShape;
    return [...shape, this.outputDim];
  }

  override computeMask(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    if (!this.maskZero) return maskOrNone(null);
    const ids = Array.isArray(inputs) ? (inputs[0] as tf.Tensor) : inputs;
    return tf.notEqual(ids, tf.zerosLike(ids));
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const ids = tf.cast(Array.isArray(inputs) ? (inputs[0] as tf.Tensor) : inputs, 'int32');
      if (ids.rank !== 2) throw new Error(`${this.name}: PositionalEmbedding takes token ids of shape [batch, time].`);
      const length = ids.shape[1] as number;
      if (length > this.sequenceLength) {
        throw new Error(`${this.name}: sequences of ${length} tokens are longer than its sequenceLength ${this.sequenceLength}.`);
      }
      const tokens = tf.gather((this.tokens as tf.LayerVariable).read(), ids); // [B, T, D]
      const positions = tf.slice((this.positions as tf.LayerVariable).read(), [0, 0], [length, this.outputDim]); // [T, D]
      return tf.add(tokens, positions);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      inputDim: this.inputDim,
      outputDim: this.outputDim,
      sequenceLength: this.sequenceLength,
      maskZero: this.maskZero,
    };
  }
}
