import { z } from 'zod';
import { boundedGraphSchema, IdSchema } from './graph-schema';

/**
 * Composite blocks: a named sub-graph saved once in the project (`blocks`) and
 * used by any number of `Block` nodes. A Block node has the param `block` (the
 * definition's id) and `inputs` (how many input ports, `in1..inN`, one per
 * definition input in order); its single output is the definition's `output`
 * node (Netwright nodes have one output each). Analysis, training and export
 * see the graph with every Block node inlined (`expandBlocks`).
 */
export const BLOCK_NODE_TYPE = 'Block';

export const MAX_BLOCKS = 200;
export const MAX_BLOCK_INPUTS = 8;
/** Block nodes inside block definitions may nest this deep. */
export const MAX_BLOCK_DEPTH = 8;
const MAX_BLOCK_NODES = 1000;
const MAX_BLOCK_EDGES = 4000;
const MAX_INPUT_TARGETS = 16;

/** Inner node ids may not contain `/`: expanded ids are `<instance>/<inner>`. */
const InnerIdSchema = IdSchema.regex(/^[^/]+$/, 'Ids inside a block may not contain "/"');

export const BlockInputSchema = z.object({
  /** Shown on the Block node's input handle. */
  name: z.string().min(1).max(100),
  /** The inner nodes' input ports this input feeds (a residual input feeds the first layer and the skip). */
  targets: z.array(z.object({ node: InnerIdSchema, port: z.string().min(1).max(100) })).min(1).max(MAX_INPUT_TARGETS),
});

export const BlockDefinitionSchema = z
  .object({
    id: IdSchema,
    name: z.string().min(1).max(100),
    graph: boundedGraphSchema(MAX_BLOCK_NODES, MAX_BLOCK_EDGES),
    inputs: z.array(BlockInputSchema).min(1).max(MAX_BLOCK_INPUTS),
    /** The inner node whose output is the block's output. */
    output: InnerIdSchema,
  })
  .superRefine((block, ctx) => {
    const ids = new Set(block.graph.nodes.map((n) => n.id));
    block.graph.nodes.forEach((n, i) => {
      if (n.id.includes('/')) ctx.addIssue({ code: 'custom', path: ['graph', 'nodes', i, 'id'], message: 'Ids inside a block may not contain "/"' });
    });
    if (!ids.has(block.output)) ctx.addIssue({ code: 'custom', path: ['output'], message: `The output "${block.output}" is not a node of the block` });
    block.inputs.forEach((input, i) =>
      input.targets.forEach((t, j) => {
        if (!ids.has(t.node)) ctx.addIssue({ code: 'custom', path: ['inputs', i, 'targets', j, 'node'], message: `"${t.node}" is not a node of the block` });
      }),
    );
  });

export type BlockInput = z.infer<typeof BlockInputSchema>;
export type BlockDefinition = z.infer<typeof BlockDefinitionSchema>;

/** The definition ids a definition uses through its own Block nodes. */
export function usedBlocks(block: Pick<BlockDefinition, 'graph'>): string[] {
  return block.graph.nodes.filter((n) => n.type === BLOCK_NODE_TYPE && typeof n.params['block'] === 'string').map((n) => n.params['block'] as string);
}

/** A chain of definition ids that uses itself (a block inside itself), or null. */
export function blockNestingCycle(blocks: readonly BlockDefinition[]): string[] | null {
  const byId = new Map(blocks.map((b) => [b.id, b]));
  const done = new Set<string>();
  const visit = (id: string, path: string[]): string[] | null => {
    if (path.includes(id)) return [...path.slice(path.indexOf(id)), id];
    if (done.has(id)) return null;
    const block = byId.get(id);
    if (!block) return null;
    for (const used of usedBlocks(block)) {
      const cycle = visit(used, [...path, id]);
      if (cycle) return cycle;
    }
    done.add(id);
    return null;
  };
  for (const b of blocks) {
    const cycle = visit(b.id, []);
    if (cycle) return cycle;
  }
  return null;
}
