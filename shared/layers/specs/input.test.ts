import { describe, expect, it } from 'vitest';
import { inputSpec } from './input';
import { checkParam, withDefaults } from '../params';

describe('Input', () => {
  it('prepends an unknown batch dimension to its shape', () => {
    expect(inputSpec.inferShape([], { shape: [28, 28] })).toEqual({ ok: true, shape: [null, 28, 28] });
    expect(inputSpec.inferShape([], { shape: [784] })).toEqual({ ok: true, shape: [null, 784] });
  });

  it('defaults to the MNIST sample shape', () => {
    expect(inputSpec.inferShape([], withDefaults(inputSpec.params))).toEqual({ ok: true, shape: [null, 28, 28] });
  });

  it('keeps unknown sizes (a ? sequence length) and declares its dtype', () => {
    expect(inputSpec.inferShape([], { shape: [null], dtype: 'int32' })).toEqual({ ok: true, shape: [null, null] });
    const dtype = inputSpec.outputDtype;
    expect(typeof dtype === 'function' ? dtype({ shape: [4], dtype: 'int32' }) : dtype).toBe('int32');
    expect(withDefaults(inputSpec.params)['dtype']).toBe('float32');
  });

  it('validates its shape: rank 1 to 4, positive whole sizes', () => {
    const spec = inputSpec.params[0]!;
    expect(checkParam(spec, [1, 2, 3, 4])).toBeNull();
    expect(checkParam(spec, [1, 2, 3, 4, 5])).toBe('Shape allows at most 4 dimension(s)');
    expect(checkParam(spec, [])).toBe('Shape needs at least 1 dimension(s)');
    expect(checkParam(spec, [28, 0])).toBe('Shape sizes must be positive whole numbers (or ? for a size known only at run time)');
    expect(checkParam(spec, [null, 28])).toBeNull();
  });

  it('throws when the shape param is not a list', () => {
    expect(() => inputSpec.inferShape([], { shape: 28 })).toThrow(/shape/);
  });

  it('has no inputs, no weights, and no tfjs layer (built with tf.input)', () => {
    expect(inputSpec.inputs).toEqual([]);
    expect(inputSpec.countParams([], { shape: [28, 28] })).toBe(0);
    expect(inputSpec.tfjs({ shape: [28, 28] })).toBeNull();
  });
});
