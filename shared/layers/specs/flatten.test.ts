import { describe, expect, it } from 'vitest';
import { flattenSpec } from './flatten';

describe('Flatten', () => {
  it('multiplies every non-batch dimension', () => {
    expect(flattenSpec.inferShape([[null, 28, 28]], {})).toEqual({ ok: true, shape: [null, 784] });
    expect(flattenSpec.inferShape([[null, 2, 3, 4]], {})).toEqual({ ok: true, shape: [null, 24] });
  });

  it('keeps a rank-2 input as it is, and a known batch size', () => {
    expect(flattenSpec.inferShape([[null, 10]], {})).toEqual({ ok: true, shape: [null, 10] });
    expect(flattenSpec.inferShape([[8, 2, 5]], {})).toEqual({ ok: true, shape: [8, 10] });
  });

  it('rejects unknown non-batch dimensions', () => {
    const r = flattenSpec.inferShape([[null, null, 28]], {});
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('UNKNOWN_DIMENSION');
      expect(r.error.message).toMatch(/every non-batch dimension to be known/);
    }
  });

  it('rejects an input with only the batch dimension, or none', () => {
    for (const inputs of [[[null]], []]) {
      const r = flattenSpec.inferShape(inputs, {});
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.code).toBe('RANK_MISMATCH');
    }
  });

  it('has no weights and lowers to tf.layers.flatten', () => {
    expect(flattenSpec.countParams([[null, 28, 28]], {})).toBe(0);
    expect(flattenSpec.tfjs({})).toEqual({ factory: 'flatten', config: {} });
  });
});
