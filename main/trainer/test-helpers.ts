import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Graph, GraphNode, ProjectDoc } from '../../shared/graph/document';
import { DEFAULT_TRAINING } from '../../shared/graph/document';
import { parseProject } from '../../shared/graph/migrations';

/** Shared by tests: the example project and tiny graph builders. */
export const EXAMPLE_PATH = path.resolve(__dirname, '../../resources/examples/mnist-mlp.nwproj');

export function exampleDoc(): ProjectDoc {
  return parseProject(fs.readFileSync(EXAMPLE_PATH, 'utf8'));
}

type NodeSpec = readonly [id: string, type: string, params?: GraphNode['params']];

/** A chain graph: each node feeds the next. */
export function chain(...specs: NodeSpec[]): Graph {
  const nodes = specs.map(([id, type, params], i) => ({ id, type, position: { x: i * 100, y: 0 }, params: params ?? {} }));
  const edges = nodes.slice(1).map((n, i) => ({ id: `e${i}`, source: (nodes[i] as GraphNode).id, target: n.id, targetPort: 'in' }));
  return { nodes, edges };
}

export function docWithGraph(graph: Graph, training: Partial<ProjectDoc['training']> = {}): ProjectDoc {
  return { format: 'netwright-project', version: 3, name: 'test', graph, training: { ...DEFAULT_TRAINING, ...training } };
}
