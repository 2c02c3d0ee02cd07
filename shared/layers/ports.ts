import type { LayerSpec, Params, PortSpec } from './types';

/** The input ports of a node of this spec with these params (variadic merges have `in1..inN`). */
export function inputPorts(spec: LayerSpec, params: Params): readonly PortSpec[] {
  const v = spec.variadicInputs;
  if (!v) return spec.inputs;
  const raw = params[v.param];
  const def = spec.params.find((p) => p.name === v.param);
  const fallback = def && def.kind === 'int' ? def.default : v.min;
  const n = typeof raw === 'number' && Number.isInteger(raw) ? Math.min(v.max, Math.max(v.min, raw)) : fallback;
  const template = spec.inputs[0];
  return Array.from({ length: n }, (_, i) => ({ ...template, name: `in${i + 1}`, label: `input ${i + 1}` }));
}
