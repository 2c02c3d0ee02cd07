import type { GraphNode, ProjectDoc } from './document';
import { applyEntry, type EditEntry, type XY } from './edit-entry';
import { cardIds, type Edit } from './edits';
import { freshId } from './ids';
import { spliceIntoEdge } from './move-edits';
import { BUILTIN_BLOCKS } from './builtin-blocks';
import { BLOCK_NODE_TYPE } from './block-schema';
import { groupNodes, ungroupNode } from './group-blocks';
import { instantiateClip, pastedBlocks, type Clip } from './clipboard';

const noteIds = (doc: ProjectDoc) => new Set((doc.notes ?? []).map((n) => n.id));

/**
 * Groups layers `ids` (notes among them are left out) into a new block named `name`, whose node
 * takes their place, selected; the reason when they cannot be grouped.
 */
export function groupIntoBlock(doc: ProjectDoc, ids: readonly string[], name: string): { ok: true; edit: Edit; nodeId: string } | { ok: false; reason: string } {
  const notes = noteIds(doc);
  const layers = ids.filter((id) => !notes.has(id));
  const blockIds = new Set([...(doc.blocks ?? []), ...BUILTIN_BLOCKS].map((b) => b.id));
  const r = groupNodes(doc.graph, layers, name, blockIds, notes);
  if (!r.ok) return r;
  const g = r.grouping;
  const entry: EditEntry = {
    kind: 'batch',
    label: 'group into block',
    entries: [
      { kind: 'blocks', op: 'add', blocks: [g.block] },
      { kind: 'delete', nodes: g.removedNodes, edges: g.removedEdges },
      { kind: 'add', nodes: [g.instance], edges: g.addedEdges },
    ],
  };
  return { ok: true, edit: { entry, select: [g.instance.id] }, nodeId: g.instance.id };
}

/** Block node `nodeId` replaced by its layers, selected; null when it is not a Block node. */
export function ungroupBlock(doc: ProjectDoc, nodeId: string): Edit | null {
  const u = ungroupNode(doc.graph, nodeId, doc.blocks ?? [], noteIds(doc));
  if (!u) return null;
  return {
    entry: {
      kind: 'batch',
      label: 'ungroup block',
      entries: [
        { kind: 'delete', nodes: u.removedNodes, edges: u.removedEdges },
        { kind: 'add', nodes: u.addedNodes, edges: u.addedEdges },
      ],
    },
    select: u.addedNodes.map((n) => n.id),
  };
}

/**
 * A Block node of the project's block `blockId`, or of a built-in one (copied into the project),
 * at `position`, selected; with `intoEdge`, spliced into that connection (its first input) in
 * the same step. Null for an unknown block.
 */
export function addBlock(doc: ProjectDoc, blockId: string, position: XY, intoEdge?: string): Edit | null {
  const own = (doc.blocks ?? []).find((b) => b.id === blockId);
  const builtin = own ? undefined : BUILTIN_BLOCKS.find((b) => b.id === blockId);
  const block = own ?? builtin;
  if (!block) return null;
  const id = freshId('block', cardIds(doc));
  const node: GraphNode = {
    id,
    type: BLOCK_NODE_TYPE,
    name: block.name,
    position: { x: position.x, y: position.y },
    params: { block: block.id, inputs: block.inputs.length },
  };
  const add: EditEntry = { kind: 'add', nodes: [node], edges: [] };
  const entries: EditEntry[] = builtin ? [{ kind: 'blocks', op: 'add', blocks: [builtin] }, add] : [add];
  const splice = intoEdge ? spliceIntoEdge(entries.reduce(applyEntry, doc), id, intoEdge) : null;
  if (splice) entries.push(...splice);
  return { entry: entries.length === 1 ? add : { kind: 'batch', label: `add ${block.name}`, entries }, select: [id] };
}

/**
 * Copies of the clip's layers and connections under fresh ids, placed at `at` or shifted by
 * `offset`, selected; block definitions the project lacks come with them.
 */
export function pasteClip(doc: ProjectDoc, clip: Clip, place: Parameters<typeof instantiateClip>[2]): Edit {
  const pasted = pastedBlocks(clip, doc.blocks ?? []);
  const { nodes, edges } = instantiateClip({ ...clip, nodes: pasted.nodes }, doc.graph, place);
  const add: EditEntry = { kind: 'add', nodes, edges };
  const entry: EditEntry = pasted.blocks.length > 0 ? { kind: 'batch', label: 'paste', entries: [{ kind: 'blocks', op: 'add', blocks: pasted.blocks }, add] } : add;
  return { entry, select: nodes.map((n) => n.id) };
}
