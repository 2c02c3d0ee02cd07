import { onnx } from 'onnx-proto';
import { ImportError } from './keras-json';

/** Reading ONNX initializers and node attributes. */

/** An ONNX constant (initializer or Constant node): its dims and values (floats as float32, integers as numbers). */
export interface Constant {
  readonly dims: readonly number[];
  readonly values: Float32Array | number[];
}

/** protobufjs gives 64-bit integers as Long objects (or numbers). */
export function toNum(x: unknown): number {
  if (typeof x === 'number') return x;
  if (typeof x === 'bigint') return Number(x);
  if (typeof x === 'object' && x !== null && 'toNumber' in x && typeof (x as { toNumber: unknown }).toNumber === 'function') return (x as { toNumber(): number }).toNumber();
  return Number(x);
}

/** Largest tensor imported, in values (1 GiB of float32). */
export const MAX_TENSOR_VALUES = 256 * 1024 * 1024;

function elementBytes(type: number | null | undefined, name: string): number {
  const T = onnx.TensorProto.DataType;
  switch (type) {
    case T.DOUBLE:
    case T.INT64:
      return 8;
    case T.FLOAT:
    case T.INT32:
      return 4;
    case T.FLOAT16:
    case T.INT16:
    case T.UINT16:
      return 2;
    case T.INT8:
    case T.UINT8:
    case T.BOOL:
      return 1;
    default:
      throw new ImportError(`Tensor "${name}" has data type ${String(type)}, which Netwright cannot read.`);
  }
}

/** Values held in the typed fields of a TensorProto without raw data. */
function typedLength(t: onnx.ITensorProto): number {
  return Math.max(t.floatData?.length ?? 0, t.doubleData?.length ?? 0, t.int32Data?.length ?? 0, t.int64Data?.length ?? 0);
}

function view(raw: Uint8Array): DataView {
  return new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
}

/** The values of a TensorProto (float, double, float16, int32/int64 and smaller integers, bool). */
export function readTensor(t: onnx.ITensorProto): Constant {
  const T = onnx.TensorProto.DataType;
  const dims = (t.dims ?? []).map(toNum);
  const name = (t.name ?? '?').slice(0, 200);
  if (t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL) {
    throw new ImportError(`Tensor "${name}" keeps its data in an external file; save the ONNX model with its weights inside (save_as_external_data=False).`);
  }
  if (!dims.every((d) => Number.isSafeInteger(d) && d >= 0)) throw new ImportError(`Tensor "${name}" has an invalid shape [${dims.slice(0, 8).join(', ')}].`);
  const count = dims.reduce((a, b) => a * b, 1);
  if (count > MAX_TENSOR_VALUES) {
    throw new ImportError(`Tensor "${name}" declares ${count.toLocaleString('en-US')} values; Netwright imports tensors of at most ${MAX_TENSOR_VALUES.toLocaleString('en-US')}.`);
  }
  const raw = t.rawData && t.rawData.byteLength > 0 ? t.rawData : null;
  // The declared size is checked against the data the file holds before anything is allocated.
  const held = raw ? Math.floor(raw.byteLength / elementBytes(t.dataType, name)) : typedLength(t);
  if (held < count) {
    throw new ImportError(`Tensor "${name}" declares ${count.toLocaleString('en-US')} values [${dims.join(', ')}] but the file holds ${held.toLocaleString('en-US')}; the file is damaged or forged.`);
  }
  const dv = raw ? view(raw) : null;
  switch (t.dataType) {
    case T.FLOAT: {
      if (dv) return { dims, values: Float32Array.from({ length: count }, (_, i) => dv.getFloat32(i * 4, true)) };
      return { dims, values: Float32Array.from(t.floatData ?? []) };
    }
    case T.DOUBLE: {
      if (dv) return { dims, values: Float32Array.from({ length: count }, (_, i) => dv.getFloat64(i * 8, true)) };
      return { dims, values: Float32Array.from(t.doubleData ?? []) };
    }
    case T.FLOAT16: {
      const half = (h: number) => {
        const s = h & 0x8000 ? -1 : 1;
        const e = (h >> 10) & 0x1f;
        const f = h & 0x3ff;
        if (e === 0) return s * 2 ** -14 * (f / 1024);
        if (e === 31) return f ? Number.NaN : s * Number.POSITIVE_INFINITY;
        return s * 2 ** (e - 15) * (1 + f / 1024);
      };
      if (dv) return { dims, values: Float32Array.from({ length: count }, (_, i) => half(dv.getUint16(i * 2, true))) };
      return { dims, values: Float32Array.from((t.int32Data ?? []).map(half)) };
    }
    case T.INT64: {
      if (dv) return { dims, values: Array.from({ length: count }, (_, i) => Number(dv.getBigInt64(i * 8, true))) };
      return { dims, values: (t.int64Data ?? []).map(toNum) };
    }
    case T.INT32:
    case T.INT16:
    case T.INT8:
    case T.UINT8:
    case T.UINT16:
    case T.BOOL: {
      if (dv) {
        const size = t.dataType === T.INT32 ? 4 : t.dataType === T.INT16 || t.dataType === T.UINT16 ? 2 : 1;
        const get = (i: number) =>
          size === 4 ? dv.getInt32(i * 4, true) : size === 2 ? (t.dataType === T.INT16 ? dv.getInt16(i * 2, true) : dv.getUint16(i * 2, true)) : t.dataType === T.INT8 ? dv.getInt8(i) : dv.getUint8(i);
        return { dims, values: Array.from({ length: count }, (_, i) => get(i)) };
      }
      return { dims, values: (t.int32Data ?? []).map(toNum) };
    }
    default:
      throw new ImportError(`Tensor "${name}" has data type ${String(t.dataType)}, which Netwright cannot read.`);
  }
}

const attr = (n: onnx.INodeProto, name: string) => (n.attribute ?? []).find((a) => a.name === name);

export function attrInt(n: onnx.INodeProto, name: string, def: number): number {
  const a = attr(n, name);
  return a && a.i !== undefined && a.i !== null ? toNum(a.i) : def;
}

export function attrFloat(n: onnx.INodeProto, name: string, def: number): number {
  const a = attr(n, name);
  return a && a.f !== undefined && a.f !== null && a.type === onnx.AttributeProto.AttributeType.FLOAT ? a.f : def;
}

export function attrInts(n: onnx.INodeProto, name: string, def: readonly number[]): number[] {
  const a = attr(n, name);
  return a?.ints && a.ints.length > 0 ? a.ints.map(toNum) : [...def];
}

export function attrString(n: onnx.INodeProto, name: string, def: string): string {
  const a = attr(n, name);
  return a?.s && a.s.length > 0 ? new TextDecoder().decode(a.s) : def;
}
