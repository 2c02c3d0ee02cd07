import { multiHeadAttentionSpec } from './multi-head-attention';
import { positionalEmbeddingSpec } from './positional-embedding';
import { transformerEncoderSpec } from './transformer-encoder';

export { multiHeadAttentionSpec, positionalEmbeddingSpec, transformerEncoderSpec };

/** Attention layers (category Attention) and the TransformerEncoder block (category Blocks), in palette order. */
export const ATTENTION_SPECS = [positionalEmbeddingSpec, multiHeadAttentionSpec, transformerEncoderSpec] as const;
