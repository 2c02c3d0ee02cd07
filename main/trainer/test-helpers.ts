import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Graph, GraphEdge, GraphNode, ProjectDoc } from '../../shared/graph/document';
import { DEFAULT_TRAINING } from '../../shared/graph/document';
import { parseProject } from '../../shared/graph/migrations';
import { RESIDUAL_BLOCK } from '../../shared/graph/builtin-blocks';

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

/** A node at the origin, for graphs written out by hand. */
export const node = (id: string, type: string, params: GraphNode['params'] = {}): GraphNode => ({ id, type, position: { x: 0, y: 0 }, params });

/** A connection into `targetPort`, with an id made of its ends. */
export const edge = (source: string, target: string, targetPort = 'in'): GraphEdge => ({ id: `${source}-${target}-${targetPort}`, source, target, targetPort });

/** A small CNN on 8x8x1 inputs with two built-in ResidualBlocks (each its own weights), then pooling and Dense(10). */
export function residualCnnDoc(): ProjectDoc {
  const graph = {
    nodes: [
      node('in', 'Input', { shape: [8, 8, 1] }),
      node('stem', 'Conv2D', { filters: 32, kernelSize: [3, 3], padding: 'same' }),
      node('r1', 'Block', { block: RESIDUAL_BLOCK.id, inputs: 1 }),
      node('r2', 'Block', { block: RESIDUAL_BLOCK.id, inputs: 1 }),
      node('pool', 'GlobalAveragePooling2D'),
      node('out', 'Dense', { units: 10, activation: 'softmax' }),
    ],
    edges: [edge('in', 'stem'), edge('stem', 'r1', 'in1'), edge('r1', 'r2', 'in1'), edge('r2', 'pool'), edge('pool', 'out')],
  };
  return { ...docWithGraph(graph), blocks: [RESIDUAL_BLOCK] };
}
