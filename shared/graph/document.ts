import { z } from 'zod';

/**
 * The `.nwproj` project file. Saved files carry `format` and `version`;
 * older versions are upgraded by the numbered migrations in `migrations.ts`.
 */
export const PROJECT_FORMAT = 'netwright-project';
export const PROJECT_VERSION = 1;

/** Bounds keep a hostile or damaged file from asking for absurd work. */
const MAX_NODES = 5000;
const MAX_EDGES = 20000;

export const ParamValueSchema = z.union([
  z.number().finite(),
  z.string().max(1000),
  z.boolean(),
  // Shape-kind params; null is a size known only at run time (Keras' None).
  z.array(z.number().finite().nullable()).max(16),
  z.null(),
]);

const IdSchema = z.string().min(1).max(200);

export const GraphNodeSchema = z.object({
  id: IdSchema,
  type: z.string().min(1).max(100),
  /** The user's name for the node; the layer type is shown when absent. */
  name: z.string().max(200).optional(),
  position: z.object({ x: z.number().finite(), y: z.number().finite() }),
  params: z.record(z.string().max(100), ParamValueSchema),
});

export const GraphEdgeSchema = z.object({
  id: IdSchema,
  source: IdSchema,
  target: IdSchema,
  /** Input port on the target node (`in` for single-input layers). */
  targetPort: z.string().min(1).max(100).default('in'),
});

export const GraphSchema = z
  .object({
    nodes: z.array(GraphNodeSchema).max(MAX_NODES),
    edges: z.array(GraphEdgeSchema).max(MAX_EDGES),
  })
  .superRefine((graph, ctx) => {
    // Analysis and compilation key everything by id; a repeated id would be
    // analysed as one node but compiled and counted as two.
    for (const key of ['nodes', 'edges'] as const) {
      const seen = new Set<string>();
      graph[key].forEach((item, i) => {
        if (seen.has(item.id)) {
          ctx.addIssue({ code: 'custom', path: [key, i, 'id'], message: `Two ${key} share the id "${item.id}"` });
        }
        seen.add(item.id);
      });
    }
  });

export const DATASET_IDS = ['mnist'] as const;
export const OPTIMIZERS = ['sgd', 'adam'] as const;

export const TrainingSettingsSchema = z.object({
  dataset: z.enum(DATASET_IDS),
  epochs: z.number().int().min(1).max(10_000),
  batchSize: z.number().int().min(1).max(65_536),
  optimizer: z.enum(OPTIMIZERS),
  learningRate: z.number().finite().gt(0).max(10),
  /** Fraction of the training set held out to report validation loss and accuracy each epoch. */
  validationSplit: z.number().min(0).max(0.5),
  /** Use only the first N training samples (null: all of them). */
  trainLimit: z.number().int().min(1).nullable(),
  /** Evaluate on only the first N test samples (null: all of them). */
  testLimit: z.number().int().min(1).nullable(),
});

export const ProjectDocSchema = z.object({
  format: z.literal(PROJECT_FORMAT),
  version: z.literal(PROJECT_VERSION),
  name: z.string().max(200),
  graph: GraphSchema,
  training: TrainingSettingsSchema,
});

export type GraphNode = z.infer<typeof GraphNodeSchema>;
export type GraphEdge = z.infer<typeof GraphEdgeSchema>;
export type Graph = z.infer<typeof GraphSchema>;
export type TrainingSettings = z.infer<typeof TrainingSettingsSchema>;
export type ProjectDoc = z.infer<typeof ProjectDocSchema>;

export const DEFAULT_TRAINING: TrainingSettings = {
  dataset: 'mnist',
  epochs: 1,
  batchSize: 32,
  optimizer: 'adam',
  learningRate: 0.001,
  validationSplit: 0.1,
  trainLimit: null,
  testLimit: null,
};

/** How messages name a node: the user's name with the type, or just the type. */
export function nodeLabel(node: Pick<GraphNode, 'name' | 'type'>): string {
  return node.name ? `${node.name} (${node.type})` : node.type;
}

export function emptyProject(name = 'Untitled'): ProjectDoc {
  return {
    format: PROJECT_FORMAT,
    version: PROJECT_VERSION,
    name,
    graph: { nodes: [], edges: [] },
    training: { ...DEFAULT_TRAINING },
  };
}
