import { z } from 'zod';
import { SampleViewSchema } from './events';
import { PredictionSchema } from './runs';
import { LayerActivationViewSchema } from './activations';

/**
 * "Why this prediction" (issue 19): attributions of one example computed in the
 * trainer process, and "step through one example": every layer's output and the
 * loss's gradient at every layer for one example.
 */

/** Largest image side an explanation carries (larger inputs are refused with a message). */
export const MAX_EXPLAIN_SIDE = 512;
/** Tokens a text explanation carries (the model's sequence, padding left out). */
export const MAX_EXPLAIN_TOKENS = 2000;

/** A layer whose output is a grid of feature maps (height, width, channels): a Grad-CAM candidate. */
export const ConvLayerSchema = z.object({
  layer: z.string(),
  className: z.string(),
  /** The graph node it was built from (`<block>/<inner>` inside blocks); null where the run's graph does not name it. */
  nodeId: z.string().nullable(),
  /** Without the batch dimension: [height, width, channels]. */
  shape: z.array(z.number().int()),
});
export type ConvLayer = z.infer<typeof ConvLayerSchema>;

export const ExplanationDetailSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('image'),
    width: z.number().int(),
    height: z.number().int(),
    channels: z.number().int(),
    /** The input as the model saw it, 0..255, row-major, `channels` values per pixel. */
    pixels: z.array(z.number()),
    /** |∂score/∂pixel|, the largest over channels, `width * height` values scaled to 0..1 by their maximum. */
    saliency: z.array(z.number()),
    /** The largest |∂score/∂pixel| before scaling (0: the score does not depend on the input here). */
    saliencyMax: z.number(),
    /** Layers Grad-CAM can use, in network order. */
    convLayers: z.array(ConvLayerSchema),
    /**
     * Grad-CAM at `layer`: ReLU(Σ_k α_k A_k) with α_k the mean gradient of channel k, at the
     * layer's resolution (`mapWidth` x `mapHeight`), and resized bilinearly to the input
     * (`map`, `width * height` values); both scaled to 0..1 by their maximum. Null: no conv layer.
     */
    gradCam: z
      .object({
        layer: z.string(),
        mapWidth: z.number().int(),
        mapHeight: z.number().int(),
        raw: z.array(z.number()),
        map: z.array(z.number()),
        /** The largest value before scaling (0: no part of the map speaks for the class). */
        max: z.number(),
      })
      .nullable(),
  }),
  z.object({
    kind: z.literal('text'),
    /**
     * The tokens the model read, in order, padding left out: gradient × input at the
     * embedding's output, summed over the embedding's width (positive: for the class).
     */
    tokens: z
      .array(z.object({ position: z.number().int(), token: z.string(), id: z.number().int(), attribution: z.number() }))
      .max(MAX_EXPLAIN_TOKENS),
    /** The layer whose output was attributed (the Embedding after the Input). */
    layer: z.string(),
  }),
  z.object({
    kind: z.literal('features'),
    /** One entry per input column (one-hot columns summed): gradient × input on the standardized value. */
    features: z.array(z.object({ name: z.string(), value: z.string(), input: z.number(), gradient: z.number(), attribution: z.number() })),
  }),
]);
export type ExplanationDetail = z.infer<typeof ExplanationDetailSchema>;

export const ExplanationSchema = z.object({
  /** The test example's index, or null for a given input. */
  sampleIndex: z.number().int().nullable(),
  testSize: z.number().int(),
  /** The example's true class (test examples of classification sets). */
  label: z.string().nullable(),
  prediction: PredictionSchema,
  /** The class (or regression output) explained: its index and name. */
  target: z.object({ index: z.number().int(), name: z.string() }),
  /**
   * What was differentiated: the class's logit (the output layer before its softmax or sigmoid;
   * for one sigmoid unit, minus the logit for class 0), or the output value itself.
   */
  score: z.object({ kind: z.enum(['logit', 'output']), value: z.number() }),
  detail: ExplanationDetailSchema,
});
export type Explanation = z.infer<typeof ExplanationSchema>;

/** What to explain, besides the example: the class (default: the predicted one) and the Grad-CAM layer (default: the last conv layer). */
export const ExplainOptionsSchema = z.object({
  targetClass: z.number().int().min(0).max(100_000).optional(),
  camLayer: z.string().max(500).optional(),
});
export type ExplainOptions = z.infer<typeof ExplainOptionsSchema>;

/** One layer of a traced example, in the order the forward pass ran them (the Input first). */
export const TraceLayerSchema = z.object({
  layer: z.string(),
  className: z.string(),
  /** The graph node it was built from (`<block>/<inner>` inside blocks); null where the run's graph does not name it. */
  nodeId: z.string().nullable(),
  /** The tfjs layers feeding it (empty for the Input). */
  inputs: z.array(z.string()),
  /** Output shape without the batch dimension. */
  shape: z.array(z.number().int()),
  output: LayerActivationViewSchema,
  /** L2 norm of ∂loss/∂output (null: not differentiable there, e.g. integer token ids). */
  gradientNorm: z.number().nullable(),
  /** L2 norm of ∂loss/∂weight for each trainable weight of the layer. */
  weightGradients: z.array(z.object({ name: z.string(), shape: z.array(z.number().int()), norm: z.number() })),
});
export type TraceLayer = z.infer<typeof TraceLayerSchema>;

export const TraceSchema = z.object({
  sampleIndex: z.number().int().nullable(),
  testSize: z.number().int(),
  sample: SampleViewSchema.nullable(),
  label: z.string().nullable(),
  prediction: PredictionSchema,
  /** The training loss of this example (against its label; without one, against the predicted class). */
  loss: z.object({ name: z.string(), value: z.number(), against: z.enum(['label', 'predicted']) }),
  layers: z.array(TraceLayerSchema),
});
export type Trace = z.infer<typeof TraceSchema>;
