import { describe, expect, it } from 'vitest';
import type { GraphEdge } from '../../../shared/graph/document';
import type { GraphIssue } from '../../../shared/graph/issues';
import type { Shape } from '../../../shared/layers/types';
import { connectionClassName, connectionFlowEdges, errorEdgeIds, type ConnectionsInput } from './flow-edges';

const edge = (id: string, source: string, target: string, targetPort = 'in'): GraphEdge => ({ id, source, target, targetPort }) as GraphEdge;
const issue = (severity: GraphIssue['severity'], edgeId?: string): GraphIssue => ({ code: 'DTYPE_MISMATCH', severity, message: 'm', fix: '', ...(edgeId ? { edgeId } : {}) });

describe('errorEdgeIds', () => {
  it('collects the connections that errors name, not warnings', () => {
    expect([...errorEdgeIds([issue('error', 'a'), issue('warning', 'b'), issue('error'), issue('error', 'c')])]).toEqual(['a', 'c']);
  });
});

describe('connectionClassName', () => {
  it('marks errors and the insert target, and is undefined for a plain connection', () => {
    const errors = new Set(['bad']);
    expect(connectionClassName('bad', errors, null)).toBe('is-error');
    expect(connectionClassName('ok', errors, 'ok')).toBe('is-insert-target');
    expect(connectionClassName('bad', errors, 'bad')).toBe('is-error is-insert-target');
    expect(connectionClassName('ok', errors, 'bad')).toBeUndefined();
  });
});

describe('connectionFlowEdges', () => {
  const input: ConnectionsInput = {
    edges: [edge('e1', 'a', 'b'), edge('e2', 'b', 'm', 'in2')],
    edgeShapes: new Map<string, Shape | null>([
      ['e1', [null, 28, 28, 1]],
      ['e2', null],
    ]),
    selected: new Set(['e2']),
    errors: new Set(['e1']),
    insertTarget: null,
    training: false,
  };

  it('makes one edge per connection, from the output handle to its input port, labelled with its shape', () => {
    const { list, byId } = connectionFlowEdges(input, new Map());
    expect(list).toEqual([
      { id: 'e1', source: 'a', target: 'b', sourceHandle: 'out', targetHandle: 'in', selected: false, label: '[?, 28, 28, 1]', className: 'is-error', animated: false, ariaLabel: 'Connection a to b' },
      { id: 'e2', source: 'b', target: 'm', sourceHandle: 'out', targetHandle: 'in2', selected: true, label: undefined, className: undefined, animated: false, ariaLabel: 'Connection b to m' },
    ]);
    expect(byId.get('e2')).toBe(list[1]);
  });

  it('hands back last time’s edge while nothing it shows changed', () => {
    const first = connectionFlowEdges(input, new Map());
    const again = connectionFlowEdges({ ...input, edgeShapes: new Map(input.edgeShapes) }, first.byId);
    expect(again.list[0]).toBe(first.list[0]);
    expect(again.list[1]).toBe(first.list[1]);
    const insert = connectionFlowEdges({ ...input, insertTarget: 'e2' }, first.byId);
    expect(insert.list[0]).toBe(first.list[0]);
    expect(insert.list[1]?.className).toBe('is-insert-target');
    const training = connectionFlowEdges({ ...input, training: true }, first.byId);
    expect(training.list.every((e, i) => e !== first.list[i] && e.animated === true)).toBe(true);
    const rewired = connectionFlowEdges({ ...input, edges: [edge('e1', 'a', 'b'), edge('e2', 'b', 'm', 'in1')] }, first.byId);
    expect(rewired.list[1]?.targetHandle).toBe('in1');
  });
});
