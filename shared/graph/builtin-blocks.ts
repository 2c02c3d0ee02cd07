import type { GraphEdge, GraphNode } from './document';
import type { BlockDefinition } from './block-schema';

/**
 * Blocks that ship with Netwright, as data. Dragging one from the palette
 * copies its definition into the project (once), so a saved project never
 * depends on this file. Sizes are fixed; to change them, ungroup the block
 * (Ctrl+Shift+G) and edit the layers, or group them again as a new block.
 */

const layer = (id: string, type: string, x: number, params: GraphNode['params'] = {}, y = 0): GraphNode => ({ id, type, position: { x, y }, params });
const wire = (source: string, target: string, targetPort = 'in'): GraphEdge => ({ id: `${source}-${target}-${targetPort}`, source, target, targetPort });
const chain = (...ids: string[]): GraphEdge[] => ids.slice(1).map((id, i) => wire(ids[i] as string, id));

/**
 * ResNet's basic block at 32 channels: Conv 3x3 → BatchNorm → ReLU → Conv 3x3
 * → BatchNorm, plus the input (skip), → ReLU. Its input needs 32 channels
 * (e.g. after a Conv2D with 32 filters) for the Add to match.
 */
export const RESIDUAL_BLOCK: BlockDefinition = {
  id: 'builtin-residual-block',
  name: 'ResidualBlock',
  graph: {
    nodes: [
      layer('conv1', 'Conv2D', 0, { filters: 32, kernelSize: [3, 3], padding: 'same' }),
      layer('bn1', 'BatchNormalization', 220),
      layer('relu1', 'Activation', 440, { activation: 'relu' }),
      layer('conv2', 'Conv2D', 660, { filters: 32, kernelSize: [3, 3], padding: 'same' }),
      layer('bn2', 'BatchNormalization', 880),
      layer('add', 'Add', 1100),
      layer('relu2', 'Activation', 1320, { activation: 'relu' }),
    ],
    edges: [...chain('conv1', 'bn1', 'relu1', 'conv2', 'bn2'), wire('bn2', 'add', 'in1'), wire('add', 'relu2')],
  },
  inputs: [{ name: 'x', targets: [{ node: 'conv1', port: 'in' }, { node: 'add', port: 'in2' }] }],
  output: 'relu2',
};

/** Features, heads and feed-forward size of the built-in Transformer encoder block. */
export const TRANSFORMER_BLOCK_SIZES = { features: 64, heads: 4, feedForward: 128 } as const;
const T = TRANSFORMER_BLOCK_SIZES;

/**
 * A post-norm Transformer encoder drawn from layers, the same computation and
 * weights as the TransformerEncoder layer with 4 heads and feed-forward 128 on
 * 64 features: self-attention → Add → LayerNorm → Dense(relu) → Dense → Add →
 * LayerNorm. Its input needs 64 features.
 */
export const TRANSFORMER_ENCODER_BLOCK: BlockDefinition = {
  id: 'builtin-transformer-encoder',
  name: 'TransformerEncoderBlock',
  graph: {
    nodes: [
      layer('attention', 'MultiHeadAttention', 0, { numHeads: T.heads, keyDim: T.features / T.heads }),
      layer('add1', 'Add', 220),
      layer('norm1', 'LayerNormalization', 440, { epsilon: 1e-5 }),
      layer('ff1', 'Dense', 660, { units: T.feedForward, activation: 'relu' }),
      layer('ff2', 'Dense', 880, { units: T.features }),
      layer('add2', 'Add', 1100),
      layer('norm2', 'LayerNormalization', 1320, { epsilon: 1e-5 }),
    ],
    edges: [wire('attention', 'add1', 'in1'), ...chain('add1', 'norm1', 'ff1', 'ff2'), wire('ff2', 'add2', 'in1'), wire('norm1', 'add2', 'in2'), wire('add2', 'norm2')],
  },
  inputs: [
    {
      name: 'sequence',
      targets: [
        { node: 'attention', port: 'query' },
        { node: 'attention', port: 'value' },
        { node: 'add1', port: 'in2' },
      ],
    },
  ],
  output: 'norm2',
};

export const BUILTIN_BLOCKS: readonly BlockDefinition[] = [RESIDUAL_BLOCK, TRANSFORMER_ENCODER_BLOCK];
