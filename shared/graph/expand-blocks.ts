import type { Graph, GraphEdge, GraphNode } from './document';
import type { GraphIssue } from './issues';
import { BLOCK_NODE_TYPE, MAX_BLOCK_DEPTH, type BlockDefinition } from './block-schema';

/**
 * Inlines every Block node: the result has only layers, so analysis, shapes,
 * parameter counts, compilation, training and every exporter work on it
 * unchanged. Inner nodes get the id `<instance>/<inner>` (nested blocks:
 * `<outer>/<inner>/<innermost>`), so two instances of one definition share
 * nothing (each has its own weights). Edges into a Block node's `in<k>` become
 * edges into every target of the definition's k-th input; edges out of it
 * leave the definition's output node. Pure.
 */
export interface BlockExpansion {
  /** The graph without Block nodes. */
  readonly graph: Graph;
  /** Problems of Block nodes that could not be inlined (left out of `graph` with their edges). */
  readonly issues: readonly GraphIssue[];
  /** Expanded node id -> the top-level node it came from (itself for a plain layer). */
  readonly ownerOf: ReadonlyMap<string, string>;
  /** Top-level Block node id -> the expanded id of its output node. */
  readonly outputOf: ReadonlyMap<string, string>;
}

type Port = { readonly node: string; readonly port: string };

/** How the rest of a graph reaches one inlined instance. */
interface Inlined {
  /** Per instance port (`in1`...): the expanded nodes and ports it feeds. */
  readonly entries: ReadonlyMap<string, readonly Port[]>;
  readonly exit: string;
}

const blockLabel = (node: GraphNode, def?: BlockDefinition) => node.name ?? def?.name ?? node.type;

export function expandBlocks(graph: Graph, blocks: readonly BlockDefinition[] = []): BlockExpansion {
  if (!graph.nodes.some((n) => n.type === BLOCK_NODE_TYPE)) {
    return { graph, issues: [], ownerOf: new Map(graph.nodes.map((n) => [n.id, n.id])), outputOf: new Map() };
  }
  const defs = new Map(blocks.map((b) => [b.id, b]));
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const issues: GraphIssue[] = [];
  const ownerOf = new Map<string, string>();
  const outputOf = new Map<string, string>();

  /** Inlines `g` with ids prefixed; `owner` maps its node ids to the top-level node. Returns its inlined instances. */
  const inline = (g: Graph, prefix: string, stack: readonly string[], owner: (id: string) => string): Map<string, Inlined> => {
    const instances = new Map<string, Inlined>();
    const dropped = new Set<string>();
    for (const node of g.nodes) {
      if (node.type !== BLOCK_NODE_TYPE) {
        nodes.push({ ...node, id: prefix + node.id });
        ownerOf.set(prefix + node.id, owner(node.id));
        continue;
      }
      const problem = instanceProblem(node, defs, stack);
      if (problem) {
        issues.push({ ...problem, nodeId: owner(node.id) });
        dropped.add(node.id);
        continue;
      }
      const def = defs.get(node.params['block'] as string) as BlockDefinition;
      const top = owner(node.id);
      // A frozen Block node freezes every layer inside it.
      const frozen = node.params['trainable'] === false;
      const defGraph = frozen ? { ...def.graph, nodes: def.graph.nodes.map((n) => ({ ...n, params: { ...n.params, trainable: false } })) } : def.graph;
      const inner = inline(defGraph, `${prefix}${node.id}/`, [...stack, def.id], () => top);
      const resolve = (p: Port): readonly Port[] => {
        const nested = inner.get(p.node);
        return nested ? (nested.entries.get(p.port) ?? []) : [{ node: `${prefix}${node.id}/${p.node}`, port: p.port }];
      };
      const entries = new Map(def.inputs.map((input, k) => [`in${k + 1}`, input.targets.flatMap(resolve)]));
      const exit = inner.get(def.output)?.exit ?? `${prefix}${node.id}/${def.output}`;
      instances.set(node.id, { entries, exit });
      if (prefix === '') outputOf.set(node.id, exit);
    }
    for (const edge of g.edges) {
      if (dropped.has(edge.source) || dropped.has(edge.target)) continue;
      const source = instances.get(edge.source)?.exit ?? prefix + edge.source;
      const into = instances.get(edge.target);
      const targets = into ? (into.entries.get(edge.targetPort) ?? []) : [{ node: prefix + edge.target, port: edge.targetPort }];
      targets.forEach((t, j) => edges.push({ id: `${prefix}${edge.id}${j === 0 ? '' : `#${j}`}`, source, target: t.node, targetPort: t.port }));
    }
    return instances;
  };

  inline(graph, '', [], (id) => id);
  return { graph: { nodes, edges }, issues, ownerOf, outputOf };
}

/** Why a Block node cannot be inlined (without its node id), or null. */
function instanceProblem(node: GraphNode, defs: ReadonlyMap<string, BlockDefinition>, stack: readonly string[]): Omit<GraphIssue, 'nodeId'> | null {
  const ref = node.params['block'];
  const def = typeof ref === 'string' ? defs.get(ref) : undefined;
  if (!def) {
    return {
      code: 'UNKNOWN_BLOCK',
      severity: 'error',
      message: `${blockLabel(node)} uses a block "${String(ref)}" that this project does not define.`,
      fix: 'Delete the node and drag the block again from the Blocks palette.',
    };
  }
  if (stack.includes(def.id) || stack.length >= MAX_BLOCK_DEPTH) {
    return {
      code: 'BLOCK_CYCLE',
      severity: 'error',
      message: stack.includes(def.id)
        ? `${blockLabel(node, def)} contains itself (${[...stack, def.id].join(' → ')}).`
        : `${blockLabel(node, def)} nests blocks more than ${MAX_BLOCK_DEPTH} deep.`,
      fix: 'Ungroup one of the inner blocks.',
    };
  }
  const inside = new Set(def.graph.nodes.map((n) => n.id));
  const bad = def.graph.nodes.find((n) => n.type === 'Input');
  if (bad) return definitionProblem(node, def, `has an Input layer inside (${bad.name ?? bad.id}); a block's inputs come from the Block node's ports`);
  if (!inside.has(def.output)) return definitionProblem(node, def, `has no node "${def.output}" for its output`);
  const missing = def.inputs.flatMap((i) => i.targets).find((t) => !inside.has(t.node));
  if (missing) return definitionProblem(node, def, `feeds a node "${missing.node}" it does not have`);
  const ports = node.params['inputs'];
  if (ports !== def.inputs.length) return definitionProblem(node, def, `has ${def.inputs.length} input(s) but the node has ${String(ports)}`);
  return null;
}

function definitionProblem(node: GraphNode, def: BlockDefinition, what: string): Omit<GraphIssue, 'nodeId'> {
  return { code: 'BLOCK_DEFINITION', severity: 'error', message: `Block "${def.name}" ${what}.`, fix: 'Ungroup the block, fix the layers inside and group them again.' };
}
