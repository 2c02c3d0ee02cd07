import { createHash } from 'node:crypto';
import type { Graph } from '../../shared/graph/document';
import { graphIdentity } from '../../shared/graph/graph-identity';

/** SHA-256 of what the model is: node ids, types, parameters and edges; positions and names left out. */
export function graphHash(graph: Graph): string {
  return createHash('sha256').update(graphIdentity(graph)).digest('hex');
}
