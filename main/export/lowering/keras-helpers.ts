import type { KerasHelper } from './types';

/**
 * Python definitions a Keras model.py includes on demand, in this order: TF.js's hard sigmoid
 * (Keras 3's differs) and the two layers Keras has no class for.
 */
export const KERAS_HELPERS: Record<KerasHelper, string> = {
  hardSigmoid: `
def hard_sigmoid_02(x):
    """TF.js's (and Keras 2's) hard sigmoid: clip(0.2 x + 0.5, 0, 1); Keras 3's "hard_sigmoid" is relu6(x + 3) / 6."""
    return ops.clip(0.2 * x + 0.5, 0.0, 1.0)`,
  positionalEmbedding: `
class PositionalEmbedding(layers.Layer):
    """Token embedding plus a learned position embedding (keras-hub's TokenAndPositionEmbedding).
    Weights: token_embedding [vocabulary, dim], position_embedding [max_length, dim]."""

    def __init__(self, vocabulary, dim, max_length, mask_zero=False, **kwargs):
        super().__init__(**kwargs)
        self.vocabulary, self.dim, self.max_length, self.mask_zero = vocabulary, dim, max_length, mask_zero

    def build(self, input_shape):
        self.token_embedding = self.add_weight(name="token_embedding", shape=(self.vocabulary, self.dim), initializer="uniform")
        self.position_embedding = self.add_weight(name="position_embedding", shape=(self.max_length, self.dim), initializer="glorot_uniform")

    def call(self, ids):
        ids = ops.cast(ids, "int32")
        return ops.take(self.token_embedding, ids, axis=0) + self.position_embedding[: ops.shape(ids)[1]]

    def compute_mask(self, ids, mask=None):
        return ops.not_equal(ids, 0) if self.mask_zero else None

    def get_config(self):
        return {**super().get_config(), "vocabulary": self.vocabulary, "dim": self.dim, "max_length": self.max_length, "mask_zero": self.mask_zero}`,
  transformerEncoder: `
class TransformerEncoder(layers.Layer):
    """keras-hub's TransformerEncoder: self-attention, add & norm, feed-forward, add & norm.
    Sub-layers are created in keras-hub's order, which is the order of the weights in weights.h5."""

    def __init__(self, num_heads, intermediate_dim, dropout=0.0, activation="relu", layer_norm_epsilon=1e-5, normalize_first=False, **kwargs):
        super().__init__(**kwargs)
        self.num_heads, self.intermediate_dim, self.rate = num_heads, intermediate_dim, dropout
        self.activation, self.layer_norm_epsilon, self.normalize_first = activation, layer_norm_epsilon, normalize_first
        self.supports_masking = True

    def build(self, input_shape):
        d = input_shape[-1]
        self.self_attention_layer = layers.MultiHeadAttention(self.num_heads, d // self.num_heads, dropout=self.rate)
        self.self_attention_layer.build(input_shape, input_shape)
        self.self_attention_layer_norm = layers.LayerNormalization(epsilon=self.layer_norm_epsilon)
        self.self_attention_layer_norm.build(input_shape)
        self.feedforward_layer_norm = layers.LayerNormalization(epsilon=self.layer_norm_epsilon)
        self.feedforward_layer_norm.build(input_shape)
        self.feedforward_intermediate_dense = layers.Dense(self.intermediate_dim, activation=self.activation)
        self.feedforward_intermediate_dense.build(input_shape)
        self.feedforward_output_dense = layers.Dense(d)
        self.feedforward_output_dense.build(tuple(input_shape[:-1]) + (self.intermediate_dim,))
        self.dropout_layer = layers.Dropout(self.rate)

    def call(self, x, training=None, mask=None):
        attention_mask = None if mask is None else ops.expand_dims(mask, 1)
        y = self.self_attention_layer_norm(x) if self.normalize_first else x
        y = self.dropout_layer(self.self_attention_layer(y, y, attention_mask=attention_mask, training=training), training=training) + x
        if not self.normalize_first:
            y = self.self_attention_layer_norm(y)
        f = self.feedforward_layer_norm(y) if self.normalize_first else y
        f = self.dropout_layer(self.feedforward_output_dense(self.feedforward_intermediate_dense(f)), training=training) + y
        return f if self.normalize_first else self.feedforward_layer_norm(f)

    def get_config(self):
        return {**super().get_config(), "num_heads": self.num_heads, "intermediate_dim": self.intermediate_dim, "dropout": self.rate,
                "activation": self.activation, "layer_norm_epsilon": self.layer_norm_epsilon, "normalize_first": self.normalize_first}`,
  randomCrop: `
class RandomCropResize(layers.RandomCrop):
    """Keras's RandomCrop while training. At inference Keras 3's returns its input uncropped, which changes the
    output shape; this one returns the centred window of the crop's aspect ratio resized to height x width
    (Keras 2's smart_resize), as Netwright trains it."""

    def call(self, inputs, training=True):
        if training:
            return super().call(inputs, training=True)
        h, w = inputs.shape[1], inputs.shape[2]
        ch = max(min(h, int(w * self.height / self.width)), 1)
        cw = max(min(w, int(h * self.width / self.height)), 1)
        top, left = (h - ch) // 2, (w - cw) // 2
        x = inputs[:, top : top + ch, left : left + cw, :]
        if (ch, cw) == (self.height, self.width):
            return x
        return ops.image.resize(x, (self.height, self.width), interpolation="bilinear")

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.height, self.width, input_shape[3])`,
};
