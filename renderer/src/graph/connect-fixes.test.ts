import { describe, expect, it } from 'vitest';
import type { Graph } from '../../../shared/graph/document';
import type { Shape } from '../../../shared/layers/types';
import { connectFixes } from './connect-fixes';

const node = (id: string, type: string, params: Record<string, unknown> = {}) => ({ id, type, position: { x: 0, y: 0 }, params }) as Graph['nodes'][number];

describe('connectFixes', () => {
  const graph: Graph = { nodes: [node('input', 'Input', { shape: [28, 28] }), node('conv', 'Conv2D'), node('dense', 'Dense'), node('flat', 'Flatten'), node('conv1', 'Conv1D')], edges: [] };
  const shapes: Record<string, Shape> = { input: [null, 28, 28], dense: [null, 784], flat: [null, 784] };
  const out = (id: string) => shapes[id];

  it('offers a channel on the Input, or a Reshape, for Input(28, 28) into Conv2D', () => {
    const fixes = connectFixes(graph, { source: 'input', target: 'conv', targetPort: 'in' }, out);
    expect(fixes.map((f) => f.label)).toEqual(['Make the Input 28, 28, 1', 'Insert a Reshape to 28, 28, 1']);
    expect(fixes[0]).toMatchObject({ kind: 'inputShape', nodeId: 'input', shape: [28, 28, 1] });
    expect(fixes[1]).toMatchObject({ kind: 'reshape', targetShape: [28, 28, 1] });
  });

  it('offers only a Reshape when the source is not an Input', () => {
    expect(connectFixes(graph, { source: 'flat', target: 'conv1', targetPort: 'in' }, out).map((f) => f.label)).toEqual(['Insert a Reshape to 784, 1']);
  });

  it('offers nothing when one channel would not be enough or the shape is unknown', () => {
    expect(connectFixes(graph, { source: 'dense', target: 'conv', targetPort: 'in' }, out)).toEqual([]);
    expect(connectFixes(graph, { source: 'input', target: 'conv', targetPort: 'in' }, () => [null, null, 28])).toEqual([]);
    expect(connectFixes(graph, { source: 'input', target: 'dense', targetPort: 'in' }, out)).toEqual([]);
  });
});
