import { describe, expect, it } from 'vitest';
import type { Graph } from '../../../shared/graph/document';
import type { Shape } from '../../../shared/layers/types';
import { connectionProblem } from '../../../shared/graph/connect';
import { fixableRefusal, toConnection } from './connection-refusal';

const node = (id: string, type: string, params: Record<string, unknown> = {}) => ({ id, type, position: { x: 0, y: 0 }, params }) as Graph['nodes'][number];

describe('toConnection', () => {
  it('reads an unnamed input handle as `in`', () => {
    expect(toConnection({ source: 'a', target: 'b', targetHandle: null })).toEqual({ source: 'a', target: 'b', targetPort: 'in' });
    expect(toConnection({ source: 'a', target: 'm', targetHandle: 'in2' })).toEqual({ source: 'a', target: 'm', targetPort: 'in2' });
  });
});

describe('fixableRefusal', () => {
  const graph: Graph = { nodes: [node('input', 'Input', { shape: [28, 28] }), node('conv', 'Conv2D'), node('dense', 'Dense'), node('flat', 'Flatten')], edges: [] };
  const shapes: Record<string, Shape> = { input: [null, 28, 28], dense: [null, 10], flat: [null, 784] };
  const out = (id: string) => shapes[id];

  it('is the connection rule’s refusal with the fixes for it (Input 28, 28 into Conv2D)', () => {
    const c = { source: 'input', target: 'conv', targetPort: 'in' };
    const fix = fixableRefusal(graph, c, out);
    expect(fix?.message).toBe(connectionProblem(graph, c, (id) => ({ outputShape: out(id) })));
    expect(fix?.message).toBeTruthy();
    expect(fix?.fixes.map((f) => f.kind)).toEqual(['inputShape', 'reshape']);
  });

  it('is null for an allowed connection and for a refusal no click can fix', () => {
    expect(fixableRefusal(graph, { source: 'flat', target: 'dense', targetPort: 'in' }, out)).toBeNull();
    expect(connectionProblem(graph, { source: 'conv', target: 'conv', targetPort: 'in' })).not.toBeNull();
    expect(fixableRefusal(graph, { source: 'conv', target: 'conv', targetPort: 'in' }, out)).toBeNull();
  });
});
