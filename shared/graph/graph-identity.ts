import type { Graph } from './document';

/**
 * What a model is, as one canonical text: node ids, types and parameters, and edges,
 * sorted; positions and names left out. Two graphs with the same identity build the
 * same model (the run record's `graphHash` is its SHA-256).
 */
export function graphIdentity(graph: Graph): string {
  const nodes = [...graph.nodes]
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((n) => [n.id, n.type, Object.keys(n.params).sort().map((k) => [k, n.params[k]])]);
  const edges = graph.edges.map((e) => `${e.source}>${e.target}:${e.targetPort}`).sort();
  return JSON.stringify({ nodes, edges });
}
