import { describe, expect, it } from 'vitest';
import type { NodeAnalysis } from '../../../shared/graph/analyze';
import type { BlockDefinition } from '../../../shared/graph/block-schema';
import type { GraphEdge, GraphNode, Note } from '../../../shared/graph/document';
import type { GraphIssue } from '../../../shared/graph/issues';
import type { Shape } from '../../../shared/layers/types';
import { blockInShapes, layerFlowNodes, misfitsByNode, sameAnalysis, withNoteFlowNodes, type LayerCardsInput } from './flow-nodes';

const node = (id: string, type: string, params: Record<string, unknown> = {}): GraphNode => ({ id, type, position: { x: 10, y: 20 }, params }) as GraphNode;
const edge = (id: string, source: string, target: string, targetPort = 'in'): GraphEdge => ({ id, source, target, targetPort }) as GraphEdge;
const issue = (message: string, extra: Partial<GraphIssue> = {}): GraphIssue => ({ code: 'INVALID_PARAM', severity: 'error', message, fix: '', ...extra });
const facts = (id: string, outputShape: Shape | null, params = 0, issues: GraphIssue[] = []): NodeAnalysis =>
  ({ id, type: 'Dense', outputShape, params, trainableParams: params, nonTrainableParams: 0, trainable: true, macs: null, activationBytes: null, dtype: 'float32', issues }) as NodeAnalysis;

describe('misfitsByNode', () => {
  it('keeps data-set mismatches that name a node, grouped by node', () => {
    const a = issue('10 classes, 3 units', { code: 'DATA_MISMATCH', nodeId: 'out' });
    const b = issue('input shape', { code: 'DATA_MISMATCH', nodeId: 'out' });
    const c = issue('input', { code: 'DATA_MISMATCH', nodeId: 'in' });
    const byNode = misfitsByNode([a, issue('other', { nodeId: 'out' }), b, issue('no node', { code: 'DATA_MISMATCH' }), c]);
    expect([...byNode.keys()]).toEqual(['out', 'in']);
    expect(byNode.get('out')).toEqual([a, b]);
    expect(byNode.get('in')).toEqual([c]);
  });
});

describe('sameAnalysis', () => {
  it('compares what a card shows: params, output shape, issue messages and severities', () => {
    const base = facts('d', [null, 10], 50, [issue('bad')]);
    expect(sameAnalysis(base, facts('d', [null, 10], 50, [issue('bad')]))).toBe(true);
    expect(sameAnalysis(base, { ...base, macs: 7 })).toBe(true);
    expect(sameAnalysis(base, facts('d', [null, 11], 50, [issue('bad')]))).toBe(false);
    expect(sameAnalysis(base, facts('d', [null, 10, 1], 50, [issue('bad')]))).toBe(false);
    expect(sameAnalysis(base, facts('d', [null, 10], 51, [issue('bad')]))).toBe(false);
    expect(sameAnalysis(base, facts('d', [null, 10], 50, [issue('worse')]))).toBe(false);
    expect(sameAnalysis(base, facts('d', [null, 10], 50, [issue('bad', { severity: 'warning' })]))).toBe(false);
    expect(sameAnalysis(base, facts('d', [null, 10], 50))).toBe(false);
    expect(sameAnalysis(base, facts('d', null, 50, [issue('bad')]))).toBe(false);
    expect(sameAnalysis(undefined, undefined)).toBe(true);
    expect(sameAnalysis(base, undefined)).toBe(false);
  });
});

describe('blockInShapes', () => {
  it('lists the shape arriving at each input port in order, ? where nothing is connected', () => {
    const block = node('b', 'Block', { block: 'res', inputs: 3 });
    const edges = [edge('e3', 'x', 'b', 'in3'), edge('e1', 'y', 'b', 'in1'), edge('other', 'y', 'z', 'in2')];
    const shapes = new Map<string, Shape | null>([
      ['e1', [null, 28, 28, 1]],
      ['e3', null],
    ]);
    expect(blockInShapes(block, edges, shapes)).toBe('[?, 28, 28, 1] · ? · —');
  });
});

describe('layerFlowNodes', () => {
  const dense = node('d', 'Dense', { units: 10 });
  const input: LayerCardsInput = {
    nodes: [node('i', 'Input', { shape: [4] }), dense],
    edges: [edge('e', 'i', 'd')],
    blocks: [],
    analysis: { nodes: new Map([['d', facts('d', [null, 10], 50)]]), edgeShapes: new Map() },
    misfits: new Map(),
    selected: new Set(['d']),
    measured: { d: { width: 200, height: 90 } },
  };

  it('makes one layer node per document node, with its facts, selection and measured size', () => {
    const { list, byId } = layerFlowNodes(input, new Map());
    expect(list.map((n) => n.id)).toEqual(['i', 'd']);
    expect(byId.get('d')).toBe(list[1]);
    expect(list[1]).toEqual({
      id: 'd',
      type: 'layer',
      position: { x: 10, y: 20 },
      data: { node: dense, analysis: input.analysis.nodes.get('d'), block: undefined, inShapes: undefined },
      selected: true,
      measured: { width: 200, height: 90 },
      ariaLabel: 'Dense layer',
    });
    expect(list[0]?.selected).toBe(false);
    expect(list[0]?.data.analysis).toBeUndefined();
  });

  it('hands back last time’s node while nothing it shows changed, a new one when something did', () => {
    const first = layerFlowNodes(input, new Map());
    // A re-analysis with equal facts (new objects) keeps both cards.
    const same = layerFlowNodes({ ...input, analysis: { ...input.analysis, nodes: new Map([['d', facts('d', [null, 10], 50)]]) } }, first.byId);
    expect(same.list[0]).toBe(first.list[0]);
    expect(same.list[1]).toBe(first.list[1]);
    // Selecting the Input changes only the Input's card.
    const selected = layerFlowNodes({ ...input, selected: new Set(['i', 'd']) }, first.byId);
    expect(selected.list[0]).not.toBe(first.list[0]);
    expect(selected.list[0]?.selected).toBe(true);
    expect(selected.list[1]).toBe(first.list[1]);
    // A dragged card is a new node object: a new position.
    const moved = { ...dense, position: { x: 50, y: 20 } };
    const dragged = layerFlowNodes({ ...input, nodes: [input.nodes[0] as GraphNode, moved] }, first.byId);
    expect(dragged.list[0]).toBe(first.list[0]);
    expect(dragged.list[1]?.position).toEqual({ x: 50, y: 20 });
    // A new output shape.
    const reshaped = layerFlowNodes({ ...input, analysis: { ...input.analysis, nodes: new Map([['d', facts('d', [null, 12], 50)]]) } }, first.byId);
    expect(reshaped.list[1]).not.toBe(first.list[1]);
  });

  it('adds the data-set misfits to the card’s own issues', () => {
    const misfit = issue('10 classes, 3 units', { code: 'DATA_MISMATCH', nodeId: 'd' });
    const own = issue('own');
    const { list } = layerFlowNodes({ ...input, analysis: { ...input.analysis, nodes: new Map([['d', facts('d', [null, 10], 50, [own])]]) }, misfits: new Map([['d', [misfit]]]) }, new Map());
    expect(list[1]?.data.analysis?.issues).toEqual([own, misfit]);
  });

  it('gives a Block node its definition and the shapes at its inputs', () => {
    const def = { id: 'res', name: 'Residual' } as BlockDefinition;
    const block = node('b', 'Block', { block: 'res', inputs: 2 });
    const { list } = layerFlowNodes(
      { ...input, nodes: [input.nodes[0] as GraphNode, block], edges: [edge('e', 'i', 'b', 'in2')], blocks: [def], analysis: { nodes: new Map(), edgeShapes: new Map([['e', [null, 4]]]) } },
      new Map(),
    );
    expect(list[1]?.data.block).toBe(def);
    expect(list[1]?.data.inShapes).toBe('? · [?, 4]');
  });
});

describe('withNoteFlowNodes', () => {
  const layers = layerFlowNodes({ nodes: [node('d', 'Dense')], edges: [], blocks: [], analysis: { nodes: new Map(), edgeShapes: new Map() }, misfits: new Map(), selected: new Set(), measured: {} }, new Map()).list;

  it('is the layers themselves when there are no notes', () => {
    expect(withNoteFlowNodes([], layers, new Set(), {})).toBe(layers);
  });

  it('puts notes first, so layers are drawn over them, dragged by their header', () => {
    const note = { id: 'n', text: 'hi', position: { x: 1, y: 2 } } as Note;
    const all = withNoteFlowNodes([note], layers, new Set(['n']), { n: { width: 180, height: 60 } });
    expect(all.map((n) => n.id)).toEqual(['n', 'd']);
    expect(all[0]).toEqual({ id: 'n', type: 'note', position: { x: 1, y: 2 }, data: { note }, selected: true, measured: { width: 180, height: 60 }, ariaLabel: 'Note', dragHandle: '.note-node__head' });
  });
});
