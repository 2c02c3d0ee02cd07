import { describe, expect, it } from 'vitest';
import { dropoutSpec } from './dropout';
import { checkParam } from '../params';

describe('Dropout', () => {
  it('keeps the input shape', () => {
    expect(dropoutSpec.inferShape([[null, 128]], { rate: 0.5 })).toEqual({ ok: true, shape: [null, 128] });
    expect(dropoutSpec.inferShape([[null, 4, 4]], { rate: 0.5 })).toEqual({ ok: true, shape: [null, 4, 4] });
  });

  it('rejects a missing input', () => {
    const r = dropoutSpec.inferShape([], { rate: 0.5 });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('RANK_MISMATCH');
  });

  it('accepts rates from 0 to 0.99 and rejects 1 (it would drop everything)', () => {
    const rate = dropoutSpec.params[0]!;
    expect(checkParam(rate, 0)).toBeNull();
    expect(checkParam(rate, 0.99)).toBeNull();
    expect(checkParam(rate, 1)).toBe('Rate must be at most 0.99');
  });

  it('has no weights and lowers to tf.layers.dropout with its rate', () => {
    expect(dropoutSpec.countParams([[null, 128]], { rate: 0.2 })).toBe(0);
    expect(dropoutSpec.tfjs({ rate: 0.2 })).toEqual({ factory: 'dropout', config: { rate: 0.2 } });
  });
});
