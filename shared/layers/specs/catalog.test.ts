import { describe, expect, it } from 'vitest';
import { getLayerSpec } from '../registry';
import { withDefaults } from '../params';
import type { Params, Shape } from '../types';

/** Keras formulas for parameter counts and MACs, spec by spec (tfjs agreement is tested in main/trainer). */

function run(type: string, inputs: Shape[], given: Params = {}) {
  const spec = getLayerSpec(type);
  if (!spec) throw new Error(type);
  const params = withDefaults(spec.params, given);
  const r = spec.inferShape(inputs, params);
  if (!r.ok) throw new Error(r.error.message);
  return { shape: r.shape, params: spec.countParams(inputs, params), macs: spec.countMacs ? spec.countMacs(inputs, params, r.shape) : 0 };
}

describe('Keras parameter counts', () => {
  it('LSTM: 4*(u*(i+u)+u)', () => {
    expect(run('LSTM', [[null, 10, 8]], { units: 16 })).toEqual({ shape: [null, 16], params: 4 * (16 * 24 + 16), macs: 10 * 4 * 16 * 24 });
  });
  it('GRU: 3*(u*(i+u)+2u) with resetAfter (Keras default), 3*(u*(i+u)+u) without', () => {
    expect(run('GRU', [[null, 10, 8]], { units: 16 }).params).toBe(3 * (16 * 24 + 2 * 16));
    expect(run('GRU', [[null, 10, 8]], { units: 16, resetAfter: false }).params).toBe(3 * (16 * 24 + 16));
    expect(getLayerSpec('GRU')?.tfjs(withDefaults(getLayerSpec('GRU')!.params))).toMatchObject({ factory: 'gru', config: { resetAfter: true } });
  });
  it('SimpleRNN keeps the time axis with returnSequences, and an unknown length stays unknown', () => {
    expect(run('SimpleRNN', [[null, null, 3]], { units: 5, returnSequences: true })).toEqual({ shape: [null, null, 5], params: 5 * 8 + 5, macs: null });
  });
  it('Bidirectional doubles the wrapped layer, and concat doubles the features', () => {
    expect(run('Bidirectional', [[null, 7, 4]], { layer: 'LSTM', units: 6 })).toMatchObject({ shape: [null, 12], params: 2 * 4 * (6 * 10 + 6) });
    expect(run('Bidirectional', [[null, 7, 4]], { layer: 'GRU', units: 6, mergeMode: 'sum' })).toMatchObject({ shape: [null, 6], params: 2 * 3 * (6 * 10 + 12) });
  });
  it('Conv2D kh*kw*cin*f+f; SeparableConv2D depthwise + pointwise + bias; DepthwiseConv2D', () => {
    expect(run('Conv2D', [[null, 28, 28, 1]], { filters: 32 })).toEqual({ shape: [null, 26, 26, 32], params: 320, macs: 26 * 26 * 9 * 32 });
    expect(run('SeparableConv2D', [[null, 10, 10, 16]], { filters: 32 }).params).toBe(3 * 3 * 16 + 16 * 32 + 32);
    expect(run('DepthwiseConv2D', [[null, 10, 10, 16]], { depthMultiplier: 2 })).toMatchObject({ shape: [null, 8, 8, 32], params: 9 * 32 + 32 });
    expect(run('Conv2DTranspose', [[null, 7, 7, 8]], { filters: 4, strides: [2, 2], padding: 'same' })).toMatchObject({ shape: [null, 14, 14, 4], params: 9 * 8 * 4 + 4 });
  });
  it('BatchNormalization counts 4*C (moving mean and variance included); LayerNormalization 2*C', () => {
    expect(run('BatchNormalization', [[null, 5, 5, 12]]).params).toBe(48);
    expect(run('LayerNormalization', [[null, 5, 12]]).params).toBe(24);
  });
  it('Embedding inputDim*outputDim, appending the vector axis', () => {
    expect(run('Embedding', [[null, null]], { inputDim: 20000, outputDim: 128 })).toEqual({ shape: [null, null, 128], params: 2_560_000, macs: 0 });
  });
  it('Dot sums over an axis: MACs = output size x summed size', () => {
    expect(run('Dot', [[null, 5, 8], [null, 6, 8]], { axes: 2 })).toEqual({ shape: [null, 5, 6], params: 0, macs: 5 * 6 * 8 });
  });
  it('pooling strides default to the pool size; padding same rounds up', () => {
    expect(run('MaxPooling2D', [[null, 9, 9, 2]]).shape).toEqual([null, 4, 4, 2]);
    expect(run('MaxPooling2D', [[null, 9, 9, 2]], { padding: 'same' }).shape).toEqual([null, 5, 5, 2]);
    expect(run('AveragePooling1D', [[null, null, 3]]).shape).toEqual([null, null, 3]);
  });
  it('merges broadcast size-1 axes and sum Concatenate sizes', () => {
    expect(run('Add', [[null, 4, 5], [null, 1, 5]]).shape).toEqual([null, 4, 5]);
    expect(run('Concatenate', [[null, 3], [null, 4], [null, 5]], { inputs: 3 }).shape).toEqual([null, 12]);
  });
});
