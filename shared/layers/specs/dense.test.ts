import { describe, expect, it } from 'vitest';
import { denseSpec } from './dense';
import { withDefaults } from '../params';
import type { Params } from '../types';

const params = (given: Params = {}) => withDefaults(denseSpec.params, given);

describe('Dense shape inference', () => {
  it('replaces the last dimension with units on a rank-2 input', () => {
    expect(denseSpec.inferShape([[null, 784]], params({ units: 128 }))).toEqual({ ok: true, shape: [null, 128] });
  });

  it('applies to the last axis of a rank-3 input, like Keras', () => {
    expect(denseSpec.inferShape([[null, 5, 8]], params({ units: 4 }))).toEqual({ ok: true, shape: [null, 5, 4] });
  });

  it('keeps a known batch size', () => {
    expect(denseSpec.inferShape([[16, 3]], params({ units: 2 }))).toEqual({ ok: true, shape: [16, 2] });
  });

  it('uses the default of 32 units', () => {
    expect(denseSpec.inferShape([[null, 10]], params())).toEqual({ ok: true, shape: [null, 32] });
  });

  it('rejects an input with no feature dimension (rank mismatch)', () => {
    const r = denseSpec.inferShape([[null]], params());
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('RANK_MISMATCH');
      expect(r.error.message).toMatch(/Dense needs an input with at least one feature dimension/);
      expect(r.error.fix).toMatch(/Flatten/);
    }
  });

  it('rejects a missing input', () => {
    const r = denseSpec.inferShape([], params());
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('RANK_MISMATCH');
  });

  it('rejects an unknown last dimension', () => {
    const r = denseSpec.inferShape([[null, 5, null]], params());
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('UNKNOWN_DIMENSION');
      expect(r.error.message).toMatch(/last input dimension/);
    }
  });

  it('throws on a units param of the wrong type (analyzeGraph validates params first)', () => {
    expect(() => denseSpec.inferShape([[null, 4]], { units: '12', activation: 'relu', useBias: true })).toThrow(/units/);
  });
});

describe('Dense parameter count', () => {
  it('counts kernel and bias: 784*128 + 128', () => {
    expect(denseSpec.countParams([[null, 784]], params({ units: 128 }))).toBe(100_480);
  });
  it('counts 128*10 + 10 for the MNIST head', () => {
    expect(denseSpec.countParams([[null, 128]], params({ units: 10, activation: 'softmax' }))).toBe(1_290);
  });
  it('drops the bias when useBias is false', () => {
    expect(denseSpec.countParams([[null, 784]], params({ units: 128, useBias: false }))).toBe(100_352);
  });
  it('shares one kernel across the middle axes of a rank-3 input', () => {
    // Keras: Dense(4) on (None, 5, 8) has 8*4 + 4 = 36 params, not 5*8*4 + 4.
    expect(denseSpec.countParams([[null, 5, 8]], params({ units: 4 }))).toBe(36);
  });
  it('throws on a useBias param of the wrong type', () => {
    expect(() => denseSpec.countParams([[null, 4]], { units: 2, activation: 'relu', useBias: 'yes' })).toThrow(/useBias/);
  });
});

describe('Dense tfjs call', () => {
  it('passes regularizers as serialized Keras L1L2 objects, and none as nothing', () => {
    const c = denseSpec.tfjs(params({ kernelRegularizer: 'l2', kernelL2: 0.001, biasRegularizer: 'l1l2', biasL1: 0.1, biasL2: 0.2 }))!.config;
    expect(c['kernelRegularizer']).toEqual({ className: 'L1L2', config: { l1: 0, l2: 0.001 } });
    expect(c['biasRegularizer']).toEqual({ className: 'L1L2', config: { l1: 0.1, l2: 0.2 } });
    expect(denseSpec.tfjs(params({ kernelRegularizer: 'l1', kernelL1: 0.5 }))!.config['kernelRegularizer']).toEqual({ className: 'L1L2', config: { l1: 0.5, l2: 0 } });
    expect('kernelRegularizer' in denseSpec.tfjs(params())!.config).toBe(false);
  });

  it('counts one in x units product per position', () => {
    expect(denseSpec.countMacs!([[null, 784]], params({ units: 128 }), [null, 128])).toBe(784 * 128);
    expect(denseSpec.countMacs!([[null, 5, 8]], params({ units: 4 }), [null, 5, 4])).toBe(5 * 8 * 4);
    expect(denseSpec.countMacs!([[null, null, 8]], params({ units: 4 }), [null, null, 4])).toBeNull();
  });

  it('passes units, activation and useBias in tfjs spelling', () => {
    expect(denseSpec.tfjs(params({ units: 10, activation: 'softmax', useBias: false }))).toEqual({
      factory: 'dense',
      config: { units: 10, activation: 'softmax', useBias: false, kernelInitializer: 'glorotUniform', biasInitializer: 'zeros' },
    });
  });
});
