import { describe, expect, it } from 'vitest';
import { CATEGORY_ORDER, LAYER_SPECS, getLayerSpec } from './registry';
import { checkParam } from './params';
import { ACTIVATIONS } from './activations';

describe('layer registry', () => {
  it('finds specs by type and nothing for unknown types', () => {
    expect(getLayerSpec('Dense')?.type).toBe('Dense');
    expect(getLayerSpec('dense')).toBeUndefined();
    expect(getLayerSpec('Conv2D')?.category).toBe('Convolution');
    expect(getLayerSpec('Conv5D')).toBeUndefined();
    expect(getLayerSpec('toString')).toBeUndefined();
  });

  it('has unique types, known categories, and only Input as a source layer', () => {
    const types = LAYER_SPECS.map((s) => s.type);
    expect(new Set(types).size).toBe(types.length);
    for (const spec of LAYER_SPECS) expect(CATEGORY_ORDER).toContain(spec.category);
    expect(LAYER_SPECS.filter((s) => s.inputs.length === 0).map((s) => s.type)).toEqual(['Input']);
  });

  it.each(LAYER_SPECS.map((s) => [s.type, s] as const))('%s: every default param passes its own validation', (_type, spec) => {
    const names = spec.params.map((p) => p.name);
    expect(new Set(names).size).toBe(names.length);
    for (const p of spec.params) {
      expect(checkParam(p, p.default), `${spec.type}.${p.name}`).toBeNull();
      expect(p.help.length).toBeGreaterThan(0);
    }
  });

  it('offers the same activations wherever an activation is chosen', () => {
    for (const spec of LAYER_SPECS) {
      const p = spec.params.find((x) => x.name === 'activation');
      if (p && p.kind === 'enum') expect(p.options).toEqual(ACTIVATIONS);
    }
  });
});
