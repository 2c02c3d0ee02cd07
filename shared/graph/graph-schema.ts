import { z } from 'zod';

/** The layers-and-connections part of a project, shared by the top-level graph and block definitions. */

/** Bounds keep a hostile or damaged file from asking for absurd work. */
export const MAX_NODES = 5000;
const MAX_EDGES = 20000;

export const ParamValueSchema = z.union([
  z.number().finite(),
  z.string().max(1000),
  z.boolean(),
  // Shape-kind params; null is a size known only at run time (Keras' None).
  z.array(z.number().finite().nullable()).max(16),
  z.null(),
]);

export const IdSchema = z.string().min(1).max(200);

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

/** A graph of at most `maxNodes` nodes and `maxEdges` edges whose ids are unique. */
export function boundedGraphSchema(maxNodes: number, maxEdges: number) {
  return z
    .object({
      nodes: z.array(GraphNodeSchema).max(maxNodes),
      edges: z.array(GraphEdgeSchema).max(maxEdges),
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
}

export const GraphSchema = boundedGraphSchema(MAX_NODES, MAX_EDGES);
