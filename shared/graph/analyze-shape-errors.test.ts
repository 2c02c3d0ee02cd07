import { describe, expect, it, vi } from 'vitest';
import type { LayerSpec } from '../layers/types';

/**
 * With the built-in layers every Input has rank >= 2, so Dense and Flatten
 * never see a bad rank through analyzeGraph. Two test-only source layers
 * produce such shapes to check that the real specs' shape errors become
 * issues on the right node.
 */
vi.mock('../layers/registry', async (importOriginal) => {
  const real = await importOriginal<typeof import('../layers/registry')>();
  const source = (type: string, shape: (number | null)[]): LayerSpec => ({
    type,
    label: type,
    category: 'Core',
    description: 'test-only source',
    params: [],
    inputs: [],
    inferShape: () => ({ ok: true, shape }),
    countParams: () => 0,
    tfjs: () => null,
  });
  const extra = [source('TestScalar', [null]), source('TestRagged', [null, null])];
  return { ...real, getLayerSpec: (type: string) => extra.find((s) => s.type === type) ?? real.getLayerSpec(type) };
});

const { analyzeGraph } = await import('./analyze');

const at = { x: 0, y: 0 };

describe('analyzeGraph: shape errors from layer specs', () => {
  it('RANK_MISMATCH: Dense after a rank-1 output, with the node named', () => {
    const a = analyzeGraph({
      nodes: [
        { id: 's', type: 'TestScalar', position: at, params: {} },
        { id: 'd', type: 'Dense', name: 'Head', position: at, params: { units: 3 } },
      ],
      edges: [{ id: 'e', source: 's', target: 'd', targetPort: 'in' }],
    });
    expect(a.issues).toHaveLength(1);
    expect(a.issues[0]).toMatchObject({ code: 'RANK_MISMATCH', severity: 'error', nodeId: 'd' });
    expect(a.issues[0]!.message).toBe('Head (Dense): Dense needs an input with at least one feature dimension.');
    expect(a.issues[0]!.fix).toMatch(/Flatten/);
    expect(a.nodes.get('d')).toMatchObject({ outputShape: null, params: 0 });
    expect(a.valid).toBe(false);
  });

  it('UNKNOWN_DIMENSION: Flatten of unknown dims', () => {
    const a = analyzeGraph({
      nodes: [
        { id: 's', type: 'TestRagged', position: at, params: {} },
        { id: 'f', type: 'Flatten', position: at, params: {} },
      ],
      edges: [{ id: 'e', source: 's', target: 'f', targetPort: 'in' }],
    });
    expect(a.issues.map((i) => [i.code, i.nodeId])).toEqual([['UNKNOWN_DIMENSION', 'f']]);
    expect(a.issues[0]!.message).toBe('Flatten: Flatten needs every non-batch dimension to be known.');
  });
});
