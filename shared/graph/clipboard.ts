import { z } from 'zod';
import { GraphEdgeSchema, GraphNodeSchema, type GraphEdge, type GraphNode, type ProjectDoc } from './document';
import { freshId } from './ids';
import { BLOCK_NODE_TYPE, BlockDefinitionSchema, MAX_BLOCKS, usedBlocks, type BlockDefinition } from './block-schema';

/**
 * Copied layers travel as JSON text, so they paste within a project, into
 * another project, or into another Netwright window through the system clipboard.
 */
export const CLIP_FORMAT = 'netwright-clipboard';

const ClipSchema = z.object({
  format: z.literal(CLIP_FORMAT),
  version: z.literal(1),
  nodes: z.array(GraphNodeSchema).min(1).max(5000),
  edges: z.array(GraphEdgeSchema).max(20000),
  /** The definitions of copied Block nodes (and of blocks inside them), so they paste into another project. */
  blocks: z.array(BlockDefinitionSchema).max(MAX_BLOCKS).optional(),
});
export type Clip = z.infer<typeof ClipSchema>;

/** The selected nodes and the connections among them, as clipboard text; null when nothing is selected. */
export function clipText(doc: ProjectDoc, nodeIds: readonly string[]): string | null {
  const ids = new Set(nodeIds);
  const nodes = doc.graph.nodes.filter((n) => ids.has(n.id));
  if (nodes.length === 0) return null;
  const edges = doc.graph.edges.filter((e) => ids.has(e.source) && ids.has(e.target));
  const blocks = blocksUsedBy(nodes, doc.blocks ?? []);
  const clip: Clip = { format: CLIP_FORMAT, version: 1, nodes, edges, ...(blocks.length > 0 ? { blocks } : {}) };
  return JSON.stringify(clip);
}

const blockRef = (n: GraphNode): string | null => (n.type === BLOCK_NODE_TYPE && typeof n.params['block'] === 'string' ? n.params['block'] : null);

/** The definitions `nodes` use, directly or through other blocks. */
function blocksUsedBy(nodes: readonly GraphNode[], all: readonly BlockDefinition[]): BlockDefinition[] {
  const byId = new Map(all.map((b) => [b.id, b]));
  const out = new Map<string, BlockDefinition>();
  const stack = nodes.map(blockRef).filter((id): id is string => id !== null);
  while (stack.length > 0) {
    const block = byId.get(stack.pop() as string);
    if (!block || out.has(block.id)) continue;
    out.set(block.id, block);
    stack.push(...usedBlocks(block));
  }
  return [...out.values()];
}

/**
 * The clip's block definitions this project lacks, with the nodes pointing at
 * them: a definition already here unchanged is reused; one whose id is taken
 * by a different definition is pasted under a fresh id.
 */
export function pastedBlocks(clip: Clip, existing: readonly BlockDefinition[]): { blocks: BlockDefinition[]; nodes: GraphNode[] } {
  const have = new Map(existing.map((b) => [b.id, b]));
  const taken = new Set(have.keys());
  const rename = new Map<string, string>();
  const fresh: BlockDefinition[] = [];
  for (const b of clip.blocks ?? []) {
    const same = have.get(b.id);
    if (same && JSON.stringify(same) === JSON.stringify(b)) continue;
    const id = taken.has(b.id) ? freshId('block', taken) : b.id;
    taken.add(id);
    if (id !== b.id) rename.set(b.id, id);
    fresh.push(b);
  }
  const point = (n: GraphNode): GraphNode => {
    const ref = blockRef(n);
    const to = ref === null ? undefined : rename.get(ref);
    return to === undefined ? n : { ...n, params: { ...n.params, block: to } };
  };
  const blocks = fresh.map((b) => ({ ...b, id: rename.get(b.id) ?? b.id, graph: { ...b.graph, nodes: b.graph.nodes.map(point) } }));
  return { blocks, nodes: clip.nodes.map(point) };
}

/** Clipboard text back to layers; null when it is not (valid) Netwright clipboard content. */
export function parseClip(text: string): Clip | null {
  if (!text.includes(CLIP_FORMAT)) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return null;
  }
  const r = ClipSchema.safeParse(raw);
  return r.success ? r.data : null;
}

/**
 * Copies of the clip's nodes and edges with ids not in the graph, moved so
 * their top-left corner is at `at` (or shifted by `offset`).
 */
export function instantiateClip(
  clip: Clip,
  graph: ProjectDoc['graph'],
  place: { readonly at: { x: number; y: number } } | { readonly offset: { x: number; y: number } },
): { nodes: GraphNode[]; edges: GraphEdge[] } {
  const takenNodes = new Set(graph.nodes.map((n) => n.id));
  const takenEdges = new Set(graph.edges.map((e) => e.id));
  const minX = Math.min(...clip.nodes.map((n) => n.position.x));
  const minY = Math.min(...clip.nodes.map((n) => n.position.y));
  const dx = 'at' in place ? place.at.x - minX : place.offset.x;
  const dy = 'at' in place ? place.at.y - minY : place.offset.y;
  const idMap = new Map<string, string>();
  const nodes = clip.nodes.map((n) => {
    const id = freshId(n.type.toLowerCase(), takenNodes);
    takenNodes.add(id);
    idMap.set(n.id, id);
    return { ...n, id, position: { x: Math.round(n.position.x + dx), y: Math.round(n.position.y + dy) }, params: { ...n.params } };
  });
  const edges: GraphEdge[] = [];
  for (const e of clip.edges) {
    const source = idMap.get(e.source);
    const target = idMap.get(e.target);
    if (!source || !target) continue;
    const id = freshId(`e_${source}_${target}`, takenEdges);
    takenEdges.add(id);
    edges.push({ id, source, target, targetPort: e.targetPort });
  }
  return { nodes, edges };
}
