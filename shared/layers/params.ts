import type { ParamSpec, ParamValue, Params, Shape } from './types';

/** The params of a spec filled with defaults, then overridden by `given` where valid. */
export function withDefaults(specs: readonly ParamSpec[], given: Params = {}): Record<string, ParamValue> {
  const out: Record<string, ParamValue> = {};
  for (const spec of specs) {
    const value = given[spec.name];
    out[spec.name] = value === undefined ? spec.default : value;
  }
  return out;
}

export function num(params: Params, name: string): number {
  const v = params[name];
  if (typeof v !== 'number') throw new Error(`param ${name} is not a number`);
  return v;
}

export function str(params: Params, name: string): string {
  const v = params[name];
  if (typeof v !== 'string') throw new Error(`param ${name} is not a string`);
  return v;
}

export function bool(params: Params, name: string): boolean {
  const v = params[name];
  if (typeof v !== 'boolean') throw new Error(`param ${name} is not a boolean`);
  return v;
}

/** A shape-kind param; may contain `null` where its spec has `allowUnknown`. */
export function shapeParam(params: Params, name: string): readonly (number | null)[] {
  const v = params[name];
  if (!Array.isArray(v)) throw new Error(`param ${name} is not a shape`);
  return v as readonly (number | null)[];
}

/** A shape-kind param whose entries are all numbers (kernel sizes, strides, paddings). */
export function intsParam(params: Params, name: string): readonly number[] {
  const v = shapeParam(params, name);
  if (v.some((d) => typeof d !== 'number')) throw new Error(`param ${name} has an unknown entry`);
  return v as readonly number[];
}

/** Checks one param value against its spec; returns a readable reason or null. */
export function checkParam(spec: ParamSpec, value: ParamValue | undefined): string | null {
  switch (spec.kind) {
    case 'int':
    case 'float': {
      if (typeof value !== 'number' || !Number.isFinite(value)) return `${spec.label} must be a number`;
      if (spec.kind === 'int' && !Number.isInteger(value)) return `${spec.label} must be a whole number`;
      if (spec.min !== undefined && value < spec.min) return `${spec.label} must be at least ${spec.min}`;
      if (spec.max !== undefined && value > spec.max) return `${spec.label} must be at most ${spec.max}`;
      return null;
    }
    case 'bool':
      return typeof value === 'boolean' ? null : `${spec.label} must be true or false`;
    case 'enum':
      return typeof value === 'string' && spec.options.includes(value)
        ? null
        : `${spec.label} must be one of ${spec.options.join(', ')}`;
    case 'shape': {
      if (!Array.isArray(value)) return `${spec.label} must be a list of sizes like 28, 28`;
      const dims = value as readonly unknown[];
      const minValue = spec.minValue ?? 1;
      const bad = (d: unknown) => {
        if (d === null) return spec.allowUnknown !== true;
        if (typeof d !== 'number' || !Number.isInteger(d)) return true;
        if (d === -1 && spec.allowInfer === true) return false;
        return d < minValue;
      };
      if (dims.some(bad)) {
        if (minValue === 1) return `${spec.label} sizes must be positive whole numbers${spec.allowUnknown ? ' (or ? for a size known only at run time)' : ''}${spec.allowInfer ? ' (or one -1)' : ''}`;
        return `${spec.label} entries must be whole numbers of at least ${minValue}`;
      }
      if (dims.filter((d) => d === -1).length > 1) return `${spec.label} may contain -1 only once`;
      if (spec.minRank !== undefined && dims.length < spec.minRank)
        return `${spec.label} needs at least ${spec.minRank} dimension(s)`;
      if (spec.maxRank !== undefined && dims.length > spec.maxRank)
        return `${spec.label} allows at most ${spec.maxRank} dimension(s)`;
      return null;
    }
    default:
      return assertNever(spec);
  }
}

export function assertNever(x: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(x)}`);
}

/** `[?, 28, 28]` */
export function formatShape(shape: Shape): string {
  return `[${shape.map((d) => (d === null ? '?' : String(d))).join(', ')}]`;
}

export function product(dims: readonly (number | null)[]): number | null {
  let p = 1;
  for (const d of dims) {
    if (d === null) return null;
    p *= d;
  }
  return p;
}
