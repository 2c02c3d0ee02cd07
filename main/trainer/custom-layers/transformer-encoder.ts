import * as tf from '@tensorflow/tfjs';
import {
  dense,
  dotProductAttention,
  einsumDense,
  isShapeList,
  isTraining,
  layerNorm,
  maskOrNone,
  mergeHeadsDense,
  singleMask,
  type Initializer,
  type LayerShape,
} from './tensor-math';

export interface TransformerEncoderConfig {
  readonly numHeads: number;
  /** Hidden size of the feed-forward network. */
  readonly intermediateDim: number;
  readonly dropout?: number;
  /** Feed-forward activation (any registered tfjs activation name). */
  readonly activation?: string;
  readonly layerNormEpsilon?: number;
  /** Pre-norm (normalize before attention and feed-forward) instead of post-norm. */
  readonly normalizeFirst?: boolean;
  readonly name?: string;
  readonly trainable?: boolean;
}

/**
 * keras-hub's TransformerEncoder as one layer: self-attention (keyDim =
 * hidden / numHeads) + dropout + add & norm, then Dense(intermediateDim,
 * activation) → Dense(hidden) + dropout + add & norm. `[B, T, D]` → `[B, T, D]`.
 * Weights in keras-hub's order and shapes; the parameter count is the sum of the parts:
 * MultiHeadAttention + 2 LayerNormalization + 2 Dense.
 * An input mask (e.g. from PositionalEmbedding with maskZero) masks padded keys.
 */
export class TransformerEncoder extends tf.layers.Layer {
  static readonly className = 'TransformerEncoder';
  readonly numHeads: number;
  readonly intermediateDim: number;
  readonly dropout: number;
  readonly activation: string;
  readonly layerNormEpsilon: number;
  readonly normalizeFirst: boolean;
  private vars: Record<string, tf.LayerVariable> = {};
  private activationLayer: tf.layers.Layer;

  constructor(config: TransformerEncoderConfig) {
    super({ name: config.name, trainable: config.trainable });
    for (const key of ['numHeads', 'intermediateDim'] as const) {
      const v = config[key];
      if (!Number.isInteger(v) || v < 1) throw new Error(`TransformerEncoder: ${key} must be a positive whole number, not ${String(v)}.`);
    }
    this.numHeads = config.numHeads;
    this.intermediateDim = config.intermediateDim;
    this.dropout = config.dropout ?? 0;
    this.activation = config.activation ?? 'relu';
    this.layerNormEpsilon = config.layerNormEpsilon ?? 1e-5;
    this.normalizeFirst = config.normalizeFirst ?? false;
    this.activationLayer = tf.layers.activation({ activation: this.activation as 'relu' });
    this.supportsMasking = true;
  }

  override build(inputShape: LayerShape | LayerShape[]): void {
    const shape = isShapeList(inputShape) ? (inputShape[0] as LayerShape) : inputShape;
    const d = shape[shape.length - 1];
    if (typeof d !== 'number') throw new Error(`${this.name}: TransformerEncoder needs the last input dimension to be known.`);
    const h = this.numHeads;
    const k = Math.floor(d / h);
    if (k < 1) throw new Error(`${this.name}: ${h} heads do not fit ${d} features (keyDim = ${d} / ${h} would be 0).`);
    const glorot = () => tf.initializers.glorotUniform({});
    const zeros = () => tf.initializers.zeros();
    const ones = () => tf.initializers.ones();
    const add = (name: string, s: number[], init: Initializer) => {
      this.vars[name] = this.addWeight(name, s, 'float32', init);
    };
    const att = 'self_attention_layer';
    add(`${att}/query/kernel`, [d, h, k], glorot());
    add(`${att}/query/bias`, [h, k], zeros());
    add(`${att}/key/kernel`, [d, h, k], glorot());
    add(`${att}/key/bias`, [h, k], zeros());
    add(`${att}/value/kernel`, [d, h, k], glorot());
    add(`${att}/value/bias`, [h, k], zeros());
    add(`${att}/attention_output/kernel`, [h, k, d], glorot());
    add(`${att}/attention_output/bias`, [d], zeros());
    add('self_attention_layer_norm/gamma', [d], ones());
    add('self_attention_layer_norm/beta', [d], zeros());
    add('feedforward_layer_norm/gamma', [d], ones());
    add('feedforward_layer_norm/beta', [d], zeros());
    add('feedforward_intermediate_dense/kernel', [d, this.intermediateDim], glorot());
    add('feedforward_intermediate_dense/bias', [this.intermediateDim], zeros());
    add('feedforward_output_dense/kernel', [this.intermediateDim, d], glorot());
    add('feedforward_output_dense/bias', [d], zeros());
    this.built = true;
  }

  private w(name: string): tf.Tensor {
    const v = this.vars[name];
    if (!v) throw new Error(`${this.name}: weight ${name} is missing (layer not built).`);
    return v.read();
  }

  override computeOutputShape(inputShape: LayerShape | LayerShape[]): LayerShape {
    return [...(isShapeList(inputShape) ? (inputShape[0] as LayerShape) : inputShape)];
  }

  override computeMask(_inputs: tf.Tensor | tf.Tensor[], mask?: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return maskOrNone(singleMask(mask));
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? (inputs[0] as tf.Tensor) : inputs;
      if (x.rank !== 3) throw new Error(`${this.name}: TransformerEncoder takes a rank-3 input [batch, time, features].`);
      const training = isTraining(kwargs);
      const drop = (t: tf.Tensor) => (training && this.dropout > 0 ? tf.dropout(t, this.dropout) : t);
      const norm = (t: tf.Tensor, which: string) => layerNorm(t, this.w(`${which}/gamma`), this.w(`${which}/beta`), this.layerNormEpsilon);
      const att = 'self_attention_layer';

      // Self-attention block.
      let residual = x;
      let y = this.normalizeFirst ? norm(x, 'self_attention_layer_norm') : x;
      const attended = dotProductAttention({
        query: einsumDense(y, this.w(`${att}/query/kernel`), this.w(`${att}/query/bias`)),
        key: einsumDense(y, this.w(`${att}/key/kernel`), this.w(`${att}/key/bias`)),
        value: einsumDense(y, this.w(`${att}/value/kernel`), this.w(`${att}/value/bias`)),
        keyMask: singleMask(kwargs['mask']),
        dropout: this.dropout,
        training,
      });
      y = drop(mergeHeadsDense(attended, this.w(`${att}/attention_output/kernel`), this.w(`${att}/attention_output/bias`)));
      y = tf.add(y, residual);
      if (!this.normalizeFirst) y = norm(y, 'self_attention_layer_norm');

      // Feed-forward block.
      residual = y;
      let f = this.normalizeFirst ? norm(y, 'feedforward_layer_norm') : y;
      f = dense(f, this.w('feedforward_intermediate_dense/kernel'), this.w('feedforward_intermediate_dense/bias'));
      f = this.activationLayer.apply(f) as tf.Tensor;
      f = drop(dense(f, this.w('feedforward_output_dense/kernel'), this.w('feedforward_output_dense/bias')));
      f = tf.add(f, residual);
      if (!this.normalizeFirst) f = norm(f, 'feedforward_layer_norm');
      return f;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      numHeads: this.numHeads,
      intermediateDim: this.intermediateDim,
      dropout: this.dropout,
      activation: this.activation,
      layerNormEpsilon: this.layerNormEpsilon,
      normalizeFirst: this.normalizeFirst,
    };
  }
}
