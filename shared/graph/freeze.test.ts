import { describe, expect, it } from 'vitest';
import type { Graph, GraphNode } from './document';
import { canFreeze, findLayer, freezableBefore, upstreamOf, withTrainable } from './freeze';
import { analyzeGraph } from './analyze';

const at = { x: 0, y: 0 };
const node = (id: string, type: string, params: GraphNode['params'] = {}, name?: string): GraphNode => ({ id, type, position: at, params, ...(name ? { name } : {}) });

// in -> conv -> pool -> flat -> d1 -> out, and a side branch conv -> bn -> (add with pool)
const graph: Graph = {
  nodes: [
    node('in', 'Input', { shape: [8, 8, 1] }),
    node('conv', 'Conv2D', { filters: 2, padding: 'same' }, 'features'),
    node('bn', 'BatchNormalization'),
    node('add', 'Add'),
    node('pool', 'MaxPooling2D'),
    node('flat', 'Flatten'),
    node('d1', 'Dense', { units: 4 }),
    node('out', 'Dense', { units: 3 }),
  ],
  edges: [
    { id: 'a', source: 'in', target: 'conv', targetPort: 'in' },
    { id: 'b', source: 'conv', target: 'bn', targetPort: 'in' },
    { id: 'c', source: 'conv', target: 'add', targetPort: 'in1' },
    { id: 'd', source: 'bn', target: 'add', targetPort: 'in2' },
    { id: 'e', source: 'add', target: 'pool', targetPort: 'in' },
    { id: 'f', source: 'pool', target: 'flat', targetPort: 'in' },
    { id: 'g', source: 'flat', target: 'd1', targetPort: 'in' },
    { id: 'h', source: 'd1', target: 'out', targetPort: 'in' },
  ],
};

describe('freezing the part of a graph before a layer', () => {
  it('finds every node upstream, branches included, in graph order', () => {
    expect(upstreamOf(graph, 'flat')).toEqual(['in', 'conv', 'bn', 'add', 'pool']);
    expect(upstreamOf(graph, 'in')).toEqual([]);
  });

  it('freezes only the layers with weights', () => {
    expect(freezableBefore(graph, 'd1')).toEqual(['conv', 'bn']);
    expect(freezableBefore(graph, 'out')).toEqual(['conv', 'bn', 'd1']);
    expect(canFreeze({ type: 'Dropout' })).toBe(false);
    expect(canFreeze({ type: 'Block' })).toBe(true);
  });

  it('sets and clears params.trainable, and the analysis counts the frozen part as non-trainable', () => {
    const frozen = withTrainable(graph, freezableBefore(graph, 'd1'), true);
    expect(frozen.nodes.find((n) => n.id === 'conv')?.params).toEqual({ filters: 2, padding: 'same', trainable: false });
    const a = analyzeGraph(frozen);
    expect(a.issues).toEqual([]);
    // conv 3x3x1x2 + 2 = 20, bn 4 x 2 = 8: all 28 frozen; the Dense layers train.
    expect(a.nonTrainableParams).toBe(28);
    expect(a.trainableParams).toBe(a.totalParams - 28);
    const thawed = withTrainable(frozen, ['conv', 'bn'], false);
    expect(thawed).toEqual(graph);
  });

  it('finds a layer by id or by its name', () => {
    expect(findLayer(graph, 'pool')?.id).toBe('pool');
    expect(findLayer(graph, 'features')?.id).toBe('conv');
    expect(findLayer(graph, 'nothing')).toBeUndefined();
  });
});
