import type { NodeAnalysis } from '../../../shared/graph/analyze';
import { BLOCK_NODE_TYPE, type BlockDefinition } from '../../../shared/graph/block-schema';
import type { GraphEdge, GraphNode, Note } from '../../../shared/graph/document';
import type { GraphIssue } from '../../../shared/graph/issues';
import { nodeInputPorts } from '../../../shared/graph/node-ports';
import type { Shape } from '../../../shared/layers/types';
import { shapeText } from './format';
import type { LayerFlowNode } from './LayerNode';
import type { NoteFlowNode } from './NoteNode';

/** What the canvas hands React Flow: layer cards and notes. */
export type CanvasFlowNode = LayerFlowNode | NoteFlowNode;
export type CardSize = { width: number; height: number };

/** Where the graph no longer fits the data set (class count, input shape), by node: shown on those cards too. */
export function misfitsByNode(trainIssues: readonly GraphIssue[]): Map<string, GraphIssue[]> {
  const by = new Map<string, GraphIssue[]>();
  for (const i of trainIssues) if (i.code === 'DATA_MISMATCH' && i.nodeId) by.set(i.nodeId, [...(by.get(i.nodeId) ?? []), i]);
  return by;
}

function sameShape(a: readonly (number | null)[] | null | undefined, b: readonly (number | null)[] | null | undefined): boolean {
  if (a === b) return true;
  if (!a || !b || a.length !== b.length) return false;
  return a.every((d, i) => d === b[i]);
}

/** Same facts on the card: a re-analysis that changed nothing here keeps the card from re-rendering. */
export function sameAnalysis(a: NodeAnalysis | undefined, b: NodeAnalysis | undefined): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  return (
    a.params === b.params &&
    sameShape(a.outputShape, b.outputShape) &&
    a.issues.length === b.issues.length &&
    a.issues.every((i, k) => i.message === b.issues[k]?.message && i.severity === b.issues[k]?.severity)
  );
}

/** The shapes arriving at a Block node's inputs, in port order, as text (`?` where unconnected or unknown). */
export function blockInShapes(node: GraphNode, edges: readonly GraphEdge[], shapes: ReadonlyMap<string, Shape | null>): string {
  return nodeInputPorts(node)
    .map((port) => {
      const edge = edges.find((e) => e.target === node.id && e.targetPort === port.name);
      return edge ? shapeText(shapes.get(edge.id)) : '?';
    })
    .join(' · ');
}

export interface LayerCardsInput {
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
  readonly blocks: readonly BlockDefinition[];
  readonly analysis: { readonly nodes: ReadonlyMap<string, NodeAnalysis>; readonly edgeShapes: ReadonlyMap<string, Shape | null> };
  readonly misfits: ReadonlyMap<string, readonly GraphIssue[]>;
  readonly selected: ReadonlySet<string>;
  readonly measured: Readonly<Record<string, CardSize>>;
}

/**
 * One flow node per layer. A node of `previous` (last call's, by id) is handed back as it is while
 * nothing it shows changed, so an edit, or a drag, re-renders only the cards it touches.
 */
export function layerFlowNodes(input: LayerCardsInput, previous: ReadonlyMap<string, LayerFlowNode>): { list: LayerFlowNode[]; byId: Map<string, LayerFlowNode> } {
  const byId = new Map<string, LayerFlowNode>();
  const blocks = new Map(input.blocks.map((b) => [b.id, b]));
  const list = input.nodes.map((n) => {
    const own = input.analysis.nodes.get(n.id);
    const misfit = input.misfits.get(n.id);
    const a = own && misfit ? { ...own, issues: [...own.issues, ...misfit] } : own;
    const block = n.type === BLOCK_NODE_TYPE ? blocks.get(n.params['block'] as string) : undefined;
    const inShapes = n.type === BLOCK_NODE_TYPE ? blockInShapes(n, input.edges, input.analysis.edgeShapes) : undefined;
    const sel = input.selected.has(n.id);
    const m = input.measured[n.id];
    const old = previous.get(n.id);
    const flow: LayerFlowNode =
      old && old.data.node === n && old.data.block === block && old.data.inShapes === inShapes && old.selected === sel && old.measured === m && sameAnalysis(old.data.analysis, a)
        ? old
        : {
            id: n.id,
            type: 'layer',
            position: n.position,
            data: { node: n, analysis: a, block, inShapes },
            selected: sel,
            measured: m,
            ariaLabel: `${n.name ?? n.type} layer`,
          };
    byId.set(n.id, flow);
    return flow;
  });
  return { list, byId };
}

/** The notes' flow nodes (dragged by their header), before the layers so layers and their handles stay on top where they overlap. */
export function withNoteFlowNodes(notes: readonly Note[], layers: LayerFlowNode[], selected: ReadonlySet<string>, measured: Readonly<Record<string, CardSize>>): CanvasFlowNode[] {
  if (notes.length === 0) return layers;
  const flowNotes = notes.map<NoteFlowNode>((n) => ({
    id: n.id,
    type: 'note',
    position: n.position,
    data: { note: n },
    selected: selected.has(n.id),
    measured: measured[n.id],
    ariaLabel: 'Note',
    dragHandle: '.note-node__head',
  }));
  return [...flowNotes, ...layers];
}
