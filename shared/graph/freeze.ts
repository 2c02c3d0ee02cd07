import type { Graph, GraphNode } from './document';
import { getLayerSpec } from '../layers/registry';
import { BLOCK_NODE_TYPE } from './block-schema';

/**
 * Freezing a part of a graph ("freeze all before this layer", `train --freeze-before`): which
 * layers that part holds. Pure; the editor turns the result into one undoable edit, the CLI
 * into `params.trainable: false` on a copy of the project.
 */

/** Layers that can be frozen: those whose spec has the `trainable` switch (weights), and Block nodes. */
export function canFreeze(node: Pick<GraphNode, 'type'>): boolean {
  if (node.type === BLOCK_NODE_TYPE) return true;
  return getLayerSpec(node.type)?.params.some((p) => p.name === 'trainable') ?? false;
}

/** Every node that feeds `nodeId`, directly or through others (not the node itself), in graph order. */
export function upstreamOf(graph: Graph, nodeId: string): string[] {
  const into = new Map<string, string[]>();
  for (const e of graph.edges) into.set(e.target, [...(into.get(e.target) ?? []), e.source]);
  const seen = new Set<string>();
  const stack = [...(into.get(nodeId) ?? [])];
  while (stack.length > 0) {
    const id = stack.pop() as string;
    if (seen.has(id) || id === nodeId) continue;
    seen.add(id);
    stack.push(...(into.get(id) ?? []));
  }
  return graph.nodes.filter((n) => seen.has(n.id)).map((n) => n.id);
}

/** The layers with weights before `nodeId`: what "freeze all before this layer" freezes. */
export function freezableBefore(graph: Graph, nodeId: string): string[] {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  return upstreamOf(graph, nodeId).filter((id) => {
    const node = byId.get(id);
    return node !== undefined && canFreeze(node);
  });
}

/** A layer by id, or by its user-given name when no id matches (the CLI takes either). */
export function findLayer(graph: Graph, idOrName: string): GraphNode | undefined {
  return graph.nodes.find((n) => n.id === idOrName) ?? graph.nodes.find((n) => n.name === idOrName);
}

/** `graph` with `params.trainable` set to `!frozen` on `ids` (absent again when unfreezing). */
export function withTrainable(graph: Graph, ids: readonly string[], frozen: boolean): Graph {
  const set = new Set(ids);
  return {
    ...graph,
    nodes: graph.nodes.map((n) => {
      if (!set.has(n.id)) return n;
      const { trainable: _old, ...rest } = n.params;
      return { ...n, params: frozen ? { ...rest, trainable: false } : rest };
    }),
  };
}
