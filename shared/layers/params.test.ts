import { describe, expect, it } from 'vitest';
import { bool, checkParam, formatShape, num, product, shapeParam, str, withDefaults } from './params';
import type { ParamSpec } from './types';

const units: ParamSpec = { name: 'units', label: 'Units', kind: 'int', default: 32, min: 1, max: 100, help: '' };
const rate: ParamSpec = { name: 'rate', label: 'Rate', kind: 'float', default: 0.5, min: 0, max: 0.99, help: '' };
const flag: ParamSpec = { name: 'useBias', label: 'Use bias', kind: 'bool', default: true, help: '' };
const act: ParamSpec = { name: 'activation', label: 'Activation', kind: 'enum', default: 'relu', options: ['relu', 'tanh'], help: '' };
const shape: ParamSpec = { name: 'shape', label: 'Shape', kind: 'shape', default: [28, 28], minRank: 1, maxRank: 2, help: '' };

describe('withDefaults', () => {
  it('fills missing params with defaults and keeps given ones', () => {
    expect(withDefaults([units, flag], { units: 7 })).toEqual({ units: 7, useBias: true });
  });
  it('keeps an explicit false or 0 rather than replacing it with the default', () => {
    expect(withDefaults([units, flag], { units: 0, useBias: false })).toEqual({ units: 0, useBias: false });
  });
  it('drops params the spec does not declare', () => {
    expect(withDefaults([units], { units: 3, stray: 'x' })).toEqual({ units: 3 });
  });
  it('keeps null (so validation can reject it) instead of using the default', () => {
    expect(withDefaults([units], { units: null })).toEqual({ units: null });
  });
});

describe('typed getters', () => {
  it('return values of the right type', () => {
    expect(num({ a: 2 }, 'a')).toBe(2);
    expect(str({ a: 'x' }, 'a')).toBe('x');
    expect(bool({ a: false }, 'a')).toBe(false);
    expect(shapeParam({ a: [1, 2] }, 'a')).toEqual([1, 2]);
  });
  it('throw naming the param when the type is wrong', () => {
    expect(() => num({ a: '2' }, 'a')).toThrow('param a is not a number');
    expect(() => str({ a: 2 }, 'a')).toThrow('param a is not a string');
    expect(() => bool({ a: 'true' }, 'a')).toThrow('param a is not a boolean');
    expect(() => shapeParam({ a: 28 }, 'a')).toThrow('param a is not a shape');
    expect(() => num({}, 'missing')).toThrow('param missing is not a number');
  });
});

describe('checkParam', () => {
  it('accepts valid values', () => {
    expect(checkParam(units, 1)).toBeNull();
    expect(checkParam(units, 100)).toBeNull();
    expect(checkParam(rate, 0)).toBeNull();
    expect(checkParam(rate, 0.25)).toBeNull();
    expect(checkParam(flag, false)).toBeNull();
    expect(checkParam(act, 'tanh')).toBeNull();
    expect(checkParam(shape, [784])).toBeNull();
    expect(checkParam(shape, [28, 28])).toBeNull();
  });
  it('rejects numbers of the wrong kind or out of range, naming the field', () => {
    expect(checkParam(units, '12')).toBe('Units must be a number');
    expect(checkParam(units, undefined)).toBe('Units must be a number');
    expect(checkParam(units, null)).toBe('Units must be a number');
    expect(checkParam(units, Number.NaN)).toBe('Units must be a number');
    expect(checkParam(units, Number.POSITIVE_INFINITY)).toBe('Units must be a number');
    expect(checkParam(units, 1.5)).toBe('Units must be a whole number');
    expect(checkParam(units, 0)).toBe('Units must be at least 1');
    expect(checkParam(units, 101)).toBe('Units must be at most 100');
    expect(checkParam(rate, 0.995)).toBe('Rate must be at most 0.99');
    expect(checkParam(rate, -0.1)).toBe('Rate must be at least 0');
  });
  it('rejects non-booleans and unknown enum options', () => {
    expect(checkParam(flag, 'true')).toBe('Use bias must be true or false');
    expect(checkParam(act, 'gelu')).toBe('Activation must be one of relu, tanh');
    expect(checkParam(act, 3)).toBe('Activation must be one of relu, tanh');
  });
  it('rejects bad shapes with a reason', () => {
    expect(checkParam(shape, 28)).toBe('Shape must be a list of sizes like 28, 28');
    expect(checkParam(shape, [28, 0])).toBe('Shape sizes must be positive whole numbers');
    expect(checkParam(shape, [28, -1])).toBe('Shape sizes must be positive whole numbers');
    expect(checkParam(shape, [2.5])).toBe('Shape sizes must be positive whole numbers');
    expect(checkParam(shape, [])).toBe('Shape needs at least 1 dimension(s)');
    expect(checkParam(shape, [2, 2, 2])).toBe('Shape allows at most 2 dimension(s)');
  });
});

describe('formatShape and product', () => {
  it('formats unknown sizes as ?', () => {
    expect(formatShape([null, 28, 28])).toBe('[?, 28, 28]');
    expect(formatShape([])).toBe('[]');
  });
  it('multiplies known dims and gives null for any unknown one', () => {
    expect(product([28, 28])).toBe(784);
    expect(product([])).toBe(1);
    expect(product([3, null, 4])).toBeNull();
  });
});
