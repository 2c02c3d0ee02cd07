import { formatShape } from '../../../shared/layers/params';
import type { ParamSpec, ParamValue, Shape } from '../../../shared/layers/types';

export const formatCount = (n: number) => n.toLocaleString('en-US');

export function shapeText(shape: Shape | null | undefined): string {
  return shape ? formatShape(shape) : '—';
}

/** A param value as the node card shows it. */
export function paramText(spec: ParamSpec, value: ParamValue | undefined): string {
  const v = value === undefined ? spec.default : value;
  if (Array.isArray(v)) return v.join('×');
  if (typeof v === 'boolean') return v ? spec.label.toLowerCase() : `no ${spec.label.toLowerCase()}`;
  return String(v);
}
