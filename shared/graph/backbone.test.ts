import { describe, expect, it } from 'vitest';
import type { Graph } from './document';
import { cutAfter, downstreamOf } from './backbone';

const n = (id: string, type = 'Dense') => ({ id, type, position: { x: 0, y: 0 }, params: {} });
const e = (source: string, target: string) => ({ id: `${source}-${target}`, source, target, targetPort: 'in' });

// in -> conv -> flat -> d1 -> out, and flat -> side (a second branch after the cut point)
const graph: Graph = {
  nodes: [n('in', 'Input'), n('conv', 'Conv2D'), n('flat', 'Flatten'), n('d1'), n('out'), n('side')],
  edges: [e('in', 'conv'), e('conv', 'flat'), e('flat', 'd1'), e('d1', 'out'), e('flat', 'side')],
};

describe('cutting the head after a layer', () => {
  it('finds every layer after it, through branches, in graph order', () => {
    expect(downstreamOf(graph, 'flat')).toEqual(['d1', 'out', 'side']);
    expect(downstreamOf(graph, 'out')).toEqual([]);
  });

  it('removes those layers and their connections, keeping the rest as it was', () => {
    const cut = cutAfter(graph, 'flat');
    expect(cut.nodes.map((x) => x.id)).toEqual(['in', 'conv', 'flat']);
    expect(cut.edges.map((x) => x.id)).toEqual(['in-conv', 'conv-flat']);
    expect(cutAfter(graph, 'out')).toBe(graph);
  });
});
