import type { LayerSpec, ParamSpec, PortSpec, Shape, ShapeResult } from '../types';
import { bool, formatShape, num } from '../params';
import { fail, missingInput, mul, ok, perSample } from '../common';

/** Layers that combine several tensors. None has weights. */

export const MAX_MERGE_INPUTS = 8;

const inputsParam: ParamSpec = {
  name: 'inputs',
  label: 'Inputs',
  kind: 'int',
  default: 2,
  min: 2,
  max: MAX_MERGE_INPUTS,
  help: 'Number of branches to merge.',
};

const twoPorts: readonly PortSpec[] = [
  { name: 'in1', label: 'input 1', minRank: 2 },
  { name: 'in2', label: 'input 2', minRank: 2 },
];

const listShapes = (shapes: readonly Shape[]) => shapes.map(formatShape).join(' and ');

function needAll(label: string, shapes: readonly Shape[], n: number): ShapeResult | null {
  return shapes.length < n ? missingInput(label) : null;
}

/**
 * Keras' element-wise merge rule: equal ranks; per axis equal sizes, or one of
 * them 1 (broadcast), or unknown (the output is unknown there).
 */
export function elementwiseShape(label: string, shapes: readonly Shape[]): ShapeResult {
  const first = shapes[0];
  if (!first) return missingInput(label);
  const fix = 'Make every branch end in the same shape, e.g. with a Dense (or a 1x1 Conv2D) on the shortcut.';
  if (shapes.some((s) => s.length !== first.length)) {
    return fail('SHAPE_MISMATCH', `${label} needs inputs of the same rank; it got ${listShapes(shapes)}.`, fix);
  }
  const out: (number | null)[] = [];
  for (let axis = 0; axis < first.length; axis++) {
    let size: number | null = 1;
    for (const s of shapes) {
      const d = s[axis] ?? null;
      if (size === null || d === null) size = null;
      else if (size === 1) size = d;
      else if (d !== 1 && d !== size) {
        return fail('SHAPE_MISMATCH', `${label} needs inputs of the same shape; it got ${listShapes(shapes)}.`, fix);
      }
    }
    out.push(size);
  }
  return ok(out);
}

function elementwise<T extends string>(type: T, factory: string, what: string, variadic: boolean): LayerSpec<T> {
  return {
    type,
    label: type,
    category: 'Merge',
    description: `${what}, element by element. Inputs must have the same shape.`,
    params: variadic ? [inputsParam] : [],
    inputs: twoPorts,
    ...(variadic ? { variadicInputs: { param: 'inputs', min: 2, max: MAX_MERGE_INPUTS } } : {}),
    inferShape: (shapes) => needAll(type, shapes, 2) ?? elementwiseShape(type, shapes),
    countParams: () => 0,
    countMacs: () => 0,
    tfjs: () => ({ factory, config: {} }),
  };
}

export const addSpec = elementwise('Add', 'add', 'Sums its inputs', true);
/** Stock tfjs 4.22 has no subtract layer; the trainer registers a custom factory under this name. */
export const subtractSpec = elementwise('Subtract', 'subtract', 'Subtracts input 2 from input 1', false);
export const multiplySpec = elementwise('Multiply', 'multiply', 'Multiplies its inputs', true);
export const averageSpec = elementwise('Average', 'average', 'Averages its inputs', true);
export const maximumSpec = elementwise('Maximum', 'maximum', 'Takes the maximum of its inputs', true);
export const minimumSpec = elementwise('Minimum', 'minimum', 'Takes the minimum of its inputs', true);

export const concatenateSpec: LayerSpec<'Concatenate'> = {
  type: 'Concatenate',
  label: 'Concatenate',
  category: 'Merge',
  description: 'Joins its inputs along one axis (the features, by default); every other size must match.',
  params: [
    inputsParam,
    { name: 'axis', label: 'Axis', kind: 'int', default: -1, min: -4, max: 4, help: 'Axis to join along: -1 is the last; 0 (the batch) is not allowed.' },
  ],
  inputs: twoPorts,
  variadicInputs: { param: 'inputs', min: 2, max: MAX_MERGE_INPUTS },
  inferShape: (shapes, params) => {
    const missing = needAll('Concatenate', shapes, 2);
    if (missing) return missing;
    const first = shapes[0] as Shape;
    const rank = first.length;
    if (shapes.some((s) => s.length !== rank)) {
      return fail('SHAPE_MISMATCH', `Concatenate needs inputs of the same rank; it got ${listShapes(shapes)}.`, 'Reshape or Flatten the branches so they have the same rank.');
    }
    const given = num(params, 'axis');
    const axis = given < 0 ? rank + given : given;
    if (axis <= 0 || axis >= rank) {
      return fail('INVALID_PARAM', `Concatenate axis ${given} does not exist on inputs of shape ${formatShape(first)} (the batch axis cannot be joined).`, `Use an axis from 1 to ${rank - 1}, or -1 for the last.`);
    }
    const out: (number | null)[] = [...first];
    for (const s of shapes.slice(1)) {
      for (let i = 0; i < rank; i++) {
        if (i === axis) continue;
        if (s[i] !== first[i]) {
          return fail('SHAPE_MISMATCH', `Concatenate needs the same sizes on every axis but axis ${given}; it got ${listShapes(shapes)}.`, 'Make the branches agree on the other axes, or join along another axis.');
        }
      }
      const a = out[axis] ?? null;
      const b = s[axis] ?? null;
      out[axis] = a === null || b === null ? null : a + b;
    }
    return ok(out);
  },
  countParams: () => 0,
  countMacs: () => 0,
  tfjs: (params) => ({ factory: 'concatenate', config: { axis: num(params, 'axis') } }),
};

function dotAxes(shapes: readonly Shape[], axes: number): [number, number] {
  const a = shapes[0]?.length ?? 0;
  const b = shapes[1]?.length ?? 0;
  return [axes < 0 ? a + axes : axes, axes < 0 ? b + axes : axes];
}

export const dotSpec: LayerSpec<'Dot'> = {
  type: 'Dot',
  label: 'Dot',
  category: 'Merge',
  description: 'Dot product of two inputs along an axis (batch by batch); normalize gives cosine similarity.',
  params: [
    { name: 'axes', label: 'Axes', kind: 'int', default: -1, min: -1, max: 2, help: 'Axis summed over in both inputs: 1, 2, or -1 for the last (not 0, the batch).' },
    { name: 'normalize', label: 'Normalize', kind: 'bool', default: false, help: 'L2-normalize both inputs first (cosine similarity).' },
  ],
  inputs: [
    { name: 'in1', label: 'input 1', minRank: 2, maxRank: 3 },
    { name: 'in2', label: 'input 2', minRank: 2, maxRank: 3 },
  ],
  inferShape: (shapes, params) => {
    const missing = needAll('Dot', shapes, 2);
    if (missing) return missing;
    const [s1, s2] = shapes as [Shape, Shape];
    if (s1.length < 2 || s1.length > 3 || s2.length < 2 || s2.length > 3) {
      return fail('RANK_MISMATCH', `Dot needs inputs of shape [batch, n] or [batch, time, n]; it got ${listShapes(shapes)}.`, 'Flatten or Reshape the inputs to rank 2 or 3.');
    }
    const given = num(params, 'axes');
    const [a1, a2] = dotAxes(shapes, given);
    if (a1 <= 0 || a2 <= 0 || a1 >= s1.length || a2 >= s2.length) {
      return fail('INVALID_PARAM', `Dot axes ${given} does not exist on inputs ${listShapes(shapes)}.`, 'Use -1 (the last axis) or an axis both inputs have.');
    }
    if (s1[a1] !== s2[a2] || s1[a1] === null) {
      return fail('SHAPE_MISMATCH', `Dot needs equal, known sizes on the summed axis; it got ${listShapes(shapes)} (axis ${given}).`, 'Make both inputs the same size on that axis, e.g. with a Dense.');
    }
    const out = [...s1.filter((_, i) => i !== a1), ...s2.filter((_, i) => i !== a2 && i !== 0)];
    return ok(out.length === 1 ? [...out, 1] : out);
  },
  countParams: () => 0,
  countMacs: (shapes, params, out) => {
    const [a1] = dotAxes(shapes, num(params, 'axes'));
    return mul(perSample(out), shapes[0]?.[a1] ?? null);
  },
  tfjs: (params) => ({ factory: 'dot', config: { axes: num(params, 'axes'), normalize: bool(params, 'normalize') } }),
};

export const MERGE_SPECS = [addSpec, subtractSpec, multiplySpec, averageSpec, maximumSpec, minimumSpec, concatenateSpec, dotSpec] as const;
