import { createHash } from 'node:crypto';
import type { Graph } from '../../shared/graph/document';

/** SHA-256 of what the model is: node ids, types, parameters and edges; positions and names left out. */
export function graphHash(graph: Graph): string {
  const nodes = [...graph.nodes]
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((n) => [n.id, n.type, Object.keys(n.params).sort().map((k) => [k, n.params[k]])]);
  const edges = graph.edges.map((e) => `${e.source}>${e.target}:${e.targetPort}`).sort();
  return createHash('sha256').update(JSON.stringify({ nodes, edges })).digest('hex');
}
