import { describe, expect, it } from 'vitest';
import { activationSpec } from './activation';
import { withDefaults } from '../params';

describe('Activation', () => {
  it('keeps the input shape, whatever its rank', () => {
    expect(activationSpec.inferShape([[null, 10]], { activation: 'softmax' })).toEqual({ ok: true, shape: [null, 10] });
    expect(activationSpec.inferShape([[null, 5, 8]], { activation: 'relu' })).toEqual({ ok: true, shape: [null, 5, 8] });
  });

  it('rejects a missing input', () => {
    const r = activationSpec.inferShape([], { activation: 'relu' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('RANK_MISMATCH');
  });

  it('has no weights and lowers to tf.layers.activation with its function', () => {
    expect(activationSpec.countParams([[null, 10]], withDefaults(activationSpec.params))).toBe(0);
    expect(activationSpec.tfjs(withDefaults(activationSpec.params))).toEqual({ factory: 'activation', config: { activation: 'relu' } });
    expect(activationSpec.tfjs({ activation: 'tanh' })).toEqual({ factory: 'activation', config: { activation: 'tanh' } });
  });

  it('throws on an activation param of the wrong type', () => {
    expect(() => activationSpec.tfjs({ activation: 1 })).toThrow(/activation/);
  });
});
