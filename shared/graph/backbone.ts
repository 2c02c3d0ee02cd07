import type { Graph } from './document';

/**
 * A backbone with a new head: "Cut the head after this layer" removes every layer the chosen one
 * feeds, directly or through others, so new layers can be added after it. Pure; the editor makes
 * it one undoable edit.
 */

/** Every node fed by `nodeId`, directly or through others (not the node itself), in graph order. */
export function downstreamOf(graph: Graph, nodeId: string): string[] {
  const out = new Map<string, string[]>();
  for (const e of graph.edges) out.set(e.source, [...(out.get(e.source) ?? []), e.target]);
  const seen = new Set<string>();
  const stack = [...(out.get(nodeId) ?? [])];
  while (stack.length > 0) {
    const id = stack.pop() as string;
    if (seen.has(id) || id === nodeId) continue;
    seen.add(id);
    stack.push(...(out.get(id) ?? []));
  }
  return graph.nodes.filter((n) => seen.has(n.id)).map((n) => n.id);
}

/** `graph` without the layers after `nodeId` (and their connections). */
export function cutAfter(graph: Graph, nodeId: string): Graph {
  const gone = new Set(downstreamOf(graph, nodeId));
  if (gone.size === 0) return graph;
  return {
    ...graph,
    nodes: graph.nodes.filter((n) => !gone.has(n.id)),
    edges: graph.edges.filter((e) => !gone.has(e.source) && !gone.has(e.target)),
  };
}
