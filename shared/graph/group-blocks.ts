import { nodeLabel, type Graph, type GraphEdge, type GraphNode } from './document';
import { BLOCK_NODE_TYPE, MAX_BLOCK_INPUTS, type BlockDefinition, type BlockInput } from './block-schema';

/**
 * Grouping selected layers into a block and ungrouping a Block node back
 * into layers: pure graph edits that the editor records as undoable entries.
 */

/** What grouping changes: the new definition, what leaves the graph and what enters it. */
export interface Grouping {
  readonly block: BlockDefinition;
  readonly removedNodes: readonly GraphNode[];
  readonly removedEdges: readonly GraphEdge[];
  readonly instance: GraphNode;
  readonly addedEdges: readonly GraphEdge[];
}

export type GroupResult = { readonly ok: true; readonly grouping: Grouping } | { readonly ok: false; readonly reason: string };

/** A fresh id: `prefix_1`, `prefix_2`, ... not in `taken`. */
export function freshGraphId(prefix: string, taken: ReadonlySet<string>): string {
  for (let i = 1; ; i++) {
    const id = `${prefix}_${i}`;
    if (!taken.has(id)) return id;
  }
}

/**
 * Groups the nodes `ids` of `graph` into a block named `name`. Each outside
 * layer feeding the selection becomes one block input (feeding every port it
 * fed); the one selected layer whose output leaves the selection (or, when
 * none does, the one without outgoing connections) becomes the output.
 * `takenIds` are ids in use besides the graph's (notes); `blockIds` those of
 * existing definitions.
 */
export function groupNodes(graph: Graph, ids: readonly string[], name: string, blockIds: ReadonlySet<string>, takenIds: ReadonlySet<string> = new Set()): GroupResult {
  const no = (reason: string): GroupResult => ({ ok: false, reason });
  const inside = new Set(ids.filter((id) => graph.nodes.some((n) => n.id === id)));
  const nodes = graph.nodes.filter((n) => inside.has(n.id));
  if (nodes.length === 0) return no('Select the layers to group first.');
  const input = nodes.find((n) => n.type === 'Input');
  if (input) return no(`${nodeLabel(input)} cannot go into a block: a block's inputs are its connections. Leave the Input out of the selection.`);
  const trimmed = name.trim().slice(0, 100);
  if (!trimmed) return no('Give the block a name.');

  const internal = graph.edges.filter((e) => inside.has(e.source) && inside.has(e.target));
  const entering = graph.edges.filter((e) => !inside.has(e.source) && inside.has(e.target));
  const leaving = graph.edges.filter((e) => inside.has(e.source) && !inside.has(e.target));
  const exits = [...new Set(leaving.map((e) => e.source))];
  if (exits.length > 1) return no('A block has one output, but several selected layers feed layers outside the selection. Select up to the layer where the branches meet.');
  const sinks = nodes.filter((n) => !internal.some((e) => e.source === n.id));
  const output = exits[0] ?? (sinks.length === 1 ? sinks[0]?.id : undefined);
  if (output === undefined) return no('A block has one output, but several selected layers end without a connection. Connect them to one layer first.');
  const sources = [...new Set(entering.map((e) => e.source))];
  if (sources.length === 0) return no('Connect the selected layers to the layer that feeds them first: a block needs at least one input.');
  if (sources.length > MAX_BLOCK_INPUTS) return no(`A block takes at most ${MAX_BLOCK_INPUTS} inputs; the selection is fed by ${sources.length} layers.`);

  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const inputs: BlockInput[] = sources.map((source) => ({
    name: (byId.get(source)?.name ?? source).slice(0, 100),
    targets: entering.filter((e) => e.source === source).map((e) => ({ node: e.target, port: e.targetPort })),
  }));
  const origin = { x: Math.min(...nodes.map((n) => n.position.x)), y: Math.min(...nodes.map((n) => n.position.y)) };
  const blockId = freshGraphId('block', blockIds);
  const block: BlockDefinition = {
    id: blockId,
    name: trimmed,
    graph: {
      nodes: nodes.map((n) => ({ ...n, position: { x: n.position.x - origin.x, y: n.position.y - origin.y } })),
      edges: internal,
    },
    inputs,
    output,
  };
  const taken = new Set([...graph.nodes.map((n) => n.id), ...takenIds]);
  const instanceId = freshGraphId('block', taken);
  const instance: GraphNode = { id: instanceId, type: BLOCK_NODE_TYPE, name: trimmed, position: origin, params: { block: blockId, inputs: inputs.length } };
  const edgeIds = new Set(graph.edges.map((e) => e.id));
  const addedEdges: GraphEdge[] = sources.map((source, k) => {
    const id = freshGraphId(`e_${source}_${instanceId}`, edgeIds);
    edgeIds.add(id);
    return { id, source, target: instanceId, targetPort: `in${k + 1}` };
  });
  for (const e of leaving) addedEdges.push({ ...e, source: instanceId });
  return {
    ok: true,
    grouping: { block, removedNodes: nodes, removedEdges: [...internal, ...entering, ...leaving], instance, addedEdges },
  };
}

/** What ungrouping changes: the Block node and its connections leave, the block's layers enter. */
export interface Ungrouping {
  readonly removedNodes: readonly GraphNode[];
  readonly removedEdges: readonly GraphEdge[];
  readonly addedNodes: readonly GraphNode[];
  readonly addedEdges: readonly GraphEdge[];
}

/**
 * Puts the layers of Block node `nodeId` back on the canvas (fresh ids, placed
 * from the node's position) and reconnects what fed and followed it. Nested
 * Block nodes stay Block nodes. Null when it is not a Block node of a known
 * definition.
 */
export function ungroupNode(graph: Graph, nodeId: string, blocks: readonly BlockDefinition[], takenIds: ReadonlySet<string> = new Set()): Ungrouping | null {
  const node = graph.nodes.find((n) => n.id === nodeId);
  if (!node || node.type !== BLOCK_NODE_TYPE) return null;
  const block = blocks.find((b) => b.id === node.params['block']);
  if (!block) return null;
  const taken = new Set([...graph.nodes.map((n) => n.id), ...takenIds]);
  taken.delete(nodeId);
  const idOf = new Map<string, string>();
  for (const inner of block.graph.nodes) {
    const id = taken.has(inner.id) ? freshGraphId(inner.id, taken) : inner.id;
    taken.add(id);
    idOf.set(inner.id, id);
  }
  const mapped = (id: string) => idOf.get(id) ?? id;
  const addedNodes = block.graph.nodes.map((n) => ({ ...n, id: mapped(n.id), position: { x: node.position.x + n.position.x, y: node.position.y + n.position.y } }));
  const edgeIds = new Set(graph.edges.map((e) => e.id));
  const edge = (source: string, target: string, targetPort: string): GraphEdge => {
    const id = freshGraphId(`e_${source}_${target}`, edgeIds);
    edgeIds.add(id);
    return { id, source, target, targetPort };
  };
  const removedEdges = graph.edges.filter((e) => e.source === nodeId || e.target === nodeId);
  const addedEdges: GraphEdge[] = block.graph.edges.map((e) => edge(mapped(e.source), mapped(e.target), e.targetPort));
  for (const e of removedEdges) {
    if (e.target === nodeId) {
      const input = block.inputs[Number(e.targetPort.replace(/^in/, '')) - 1];
      for (const t of input?.targets ?? []) addedEdges.push(edge(e.source, mapped(t.node), t.port));
    } else {
      addedEdges.push(edge(mapped(block.output), e.target, e.targetPort));
    }
  }
  return { removedNodes: [node], removedEdges, addedNodes, addedEdges };
}
