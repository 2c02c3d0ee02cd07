import { z } from 'zod';
import { SampleViewSchema } from './events';
import { MAX_FEATURE_MAPS, MAX_VECTOR_VALUES } from './insight';

/** A layer's output for one example, summarised for display. */
export const LayerActivationViewSchema = z.discriminatedUnion('kind', [
  /**
   * A rank-4 output (batch, height, width, channels): the first channels as small
   * grayscale maps, values 0..1 scaled from the layer's own min..max.
   */
  z.object({
    kind: z.literal('maps'),
    channels: z.number().int(),
    width: z.number().int(),
    height: z.number().int(),
    maps: z.array(z.array(z.number())).max(MAX_FEATURE_MAPS),
    min: z.number(),
    max: z.number(),
  }),
  /** Any other output, flattened: its first values. */
  z.object({ kind: z.literal('vector'), total: z.number().int(), values: z.array(z.number()).max(MAX_VECTOR_VALUES), min: z.number(), max: z.number() }),
]);
export type LayerActivationView = z.infer<typeof LayerActivationViewSchema>;

export const ActivationsSchema = z.object({
  /** The test example's index, or null for a given input. */
  sampleIndex: z.number().int().nullable(),
  /** The example as people see it (test examples of built-in and imported sets). */
  sample: SampleViewSchema.nullable(),
  /** Its class (test examples of classification sets). */
  label: z.string().nullable(),
  testSize: z.number().int(),
  layers: z.array(
    z.object({
      layer: z.string(),
      className: z.string(),
      shape: z.array(z.number().int().nullable()),
      view: LayerActivationViewSchema,
    }),
  ),
});
export type Activations = z.infer<typeof ActivationsSchema>;

