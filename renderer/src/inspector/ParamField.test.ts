import { describe, expect, it } from 'vitest';
import { parseShapeText } from './ParamField';

describe('parseShapeText', () => {
  it('reads comma, space and x separated sizes', () => {
    expect(parseShapeText('28, 28')).toEqual([28, 28]);
    expect(parseShapeText('28x28x1')).toEqual([28, 28, 1]);
    expect(parseShapeText(' 784 ')).toEqual([784]);
  });
  it('reads ? and None as an unknown size', () => {
    expect(parseShapeText('?, 28')).toEqual([null, 28]);
    expect(parseShapeText('None')).toEqual([null]);
  });
  it('refuses empty and non-numeric text', () => {
    expect(parseShapeText('')).toBeNull();
    expect(parseShapeText('a, 2')).toBeNull();
  });
});
