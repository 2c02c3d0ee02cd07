/**
 * Builds a TensorFlow FunctionDef (tensorflow/core/framework/function.proto) and serializes it
 * as protobuf bytes, for the binding's `addFunctionDef`. Only what Netwright's compiled training
 * steps use: float32/int32/bool tensors, attributes of type type/bool/int/float/int list/tensor.
 *
 * Inside a FunctionDef a node's output is named `<node>:<output arg>:<index>`, so every op used
 * here lists its output arg names in OUTPUT_ARGS (from TensorFlow's op definitions).
 */

export const DT_FLOAT = 1;
export const DT_INT32 = 3;
export const DT_BOOL = 10;
export type DataType = typeof DT_FLOAT | typeof DT_INT32 | typeof DT_BOOL;

/** Output arg names of the ops the builder knows, in order. */
const OUTPUT_ARGS = {
  AddV2: ['z'],
  ConcatV2: ['output'],
  Conv2D: ['output'],
  Conv2DBackpropFilter: ['output'],
  Conv2DBackpropInput: ['output'],
  MaxPool: ['output'],
  MaxPoolGrad: ['output'],
  Shape: ['output'],
  GatherV2: ['output'],
  Pack: ['output'],
  Split: ['output'],
  SplitV: ['output'],
  UnsortedSegmentSum: ['output'],
  Unpack: ['output'],
  ZerosLike: ['y'],
  ArgMax: ['output'],
  BiasAdd: ['output'],
  BiasAddGrad: ['output'],
  Cast: ['y'],
  Const: ['output'],
  Equal: ['z'],
  MatMul: ['product'],
  Mean: ['output'],
  Mul: ['z'],
  RealDiv: ['z'],
  Relu: ['activations'],
  ReluGrad: ['backprops'],
  Reshape: ['output'],
  Sigmoid: ['y'],
  SigmoidGrad: ['z'],
  SoftmaxCrossEntropyWithLogits: ['loss', 'backprop'],
  Sqrt: ['y'],
  Square: ['y'],
  Sub: ['z'],
  Tanh: ['y'],
  TanhGrad: ['z'],
} as const satisfies Record<string, readonly string[]>;
export type OpName = keyof typeof OUTPUT_ARGS;

export type Attr =
  | { readonly type: DataType }
  | { readonly b: boolean }
  | { readonly i: number }
  | { readonly f: number }
  | { readonly s: string }
  | { readonly ints: readonly number[] }
  | { readonly tensor: { readonly dtype: DataType; readonly shape: readonly number[]; readonly values: readonly number[] } };

/** A value inside the function: an input argument or a node's output. */
export interface Ref {
  readonly ref: string;
}

/** Protobuf wire encoding (varints, length-delimited fields, fixed32 floats). */
class Writer {
  private readonly bytes: number[] = [];

  private varintRaw(value: number): void {
    // int64 fields take negative numbers as 10-byte two's complement varints.
    let v = BigInt.asUintN(64, BigInt(Math.trunc(value)));
    do {
      let byte = Number(v & 0x7fn);
      v >>= 7n;
      if (v > 0n) byte |= 0x80;
      this.bytes.push(byte);
    } while (v > 0n);
  }

  private key(field: number, wire: number): void {
    this.varintRaw((field << 3) | wire);
  }

  varint(field: number, value: number | boolean): this {
    this.key(field, 0);
    this.varintRaw(typeof value === 'boolean' ? (value ? 1 : 0) : value);
    return this;
  }

  bytesField(field: number, data: Uint8Array | readonly number[]): this {
    this.key(field, 2);
    this.varintRaw(data.length);
    for (const b of data) this.bytes.push(b);
    return this;
  }

  string(field: number, text: string): this {
    return this.bytesField(field, new TextEncoder().encode(text));
  }

  message(field: number, inner: Writer): this {
    return this.bytesField(field, inner.bytes);
  }

  float(field: number, value: number): this {
    this.key(field, 5);
    const b = new Uint8Array(new Float32Array([value]).buffer);
    for (const x of b) this.bytes.push(x);
    return this;
  }

  packedVarints(field: number, values: readonly number[]): this {
    const inner = new Writer();
    for (const v of values) inner.varintRaw(v);
    return this.bytesField(field, inner.bytes);
  }

  packedFloats(field: number, values: readonly number[]): this {
    return this.bytesField(field, new Uint8Array(new Float32Array(values).buffer));
  }

  toBytes(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

function encodeShape(shape: readonly number[]): Writer {
  const w = new Writer();
  for (const size of shape) w.message(2, new Writer().varint(1, size));
  return w;
}

function encodeAttr(attr: Attr): Writer {
  const w = new Writer();
  if ('type' in attr) return w.varint(6, attr.type);
  if ('b' in attr) return w.varint(5, attr.b);
  if ('i' in attr) return w.varint(3, attr.i);
  if ('f' in attr) return w.float(4, attr.f);
  if ('s' in attr) return w.string(2, attr.s);
  if ('ints' in attr) return w.message(1, new Writer().packedVarints(3, attr.ints));
  const { dtype, shape, values } = attr.tensor;
  const t = new Writer().varint(1, dtype).message(2, encodeShape(shape));
  if (dtype === DT_FLOAT) t.packedFloats(5, values);
  else t.packedVarints(7, values);
  return w.message(8, t);
}

/** A map<string, X> entry: key = 1, value = 2. */
function mapEntry(key: string, value: Writer | string): Writer {
  const w = new Writer().string(1, key);
  return typeof value === 'string' ? w.string(2, value) : w.message(2, value);
}

interface NodeSpec {
  readonly name: string;
  readonly op: OpName;
  readonly inputs: readonly string[];
  readonly attrs: Readonly<Record<string, Attr>>;
}

export class FunctionDefBuilder {
  private readonly inputs: { name: string; type: DataType }[] = [];
  private readonly outputs: { name: string; type: DataType; ref: string }[] = [];
  private readonly nodes: NodeSpec[] = [];
  private readonly consts = new Map<string, Ref>();

  constructor(readonly name: string) {
    if (!/^[a-z][a-z0-9_]*$/.test(name)) throw new Error(`A function name must be lower case letters, digits and _: ${name}`);
  }

  input(name: string, type: DataType = DT_FLOAT): Ref {
    checkArgName(name);
    this.inputs.push({ name, type });
    return { ref: name };
  }

  output(name: string, value: Ref, type: DataType = DT_FLOAT): void {
    checkArgName(name);
    this.outputs.push({ name, type, ref: value.ref });
  }

  /** Adds a node; returns its outputs in the op's order. */
  op(op: OpName, inputs: readonly Ref[], attrs: Readonly<Record<string, Attr>> = {}): Ref[] {
    const name = `n${this.nodes.length}_${op.toLowerCase()}`;
    this.nodes.push({ name, op, inputs: inputs.map((i) => i.ref), attrs });
    return OUTPUT_ARGS[op].map((arg) => ({ ref: `${name}:${arg}:0` }));
  }

  /** The outputs of an op whose one output is a list of `count` tensors (Unpack, Split, SplitV). */
  list(op: 'Unpack' | 'Split' | 'SplitV', inputs: readonly Ref[], attrs: Readonly<Record<string, Attr>>, count: number): Ref[] {
    const [first] = this.op(op, inputs, attrs);
    const base = (first as Ref).ref.replace(/:0$/, '');
    return Array.from({ length: count }, (_, k) => ({ ref: `${base}:${k}` }));
  }

  /** The first output of an op. */
  one(op: OpName, inputs: readonly Ref[], attrs: Readonly<Record<string, Attr>> = {}): Ref {
    const [out] = this.op(op, inputs, attrs);
    if (!out) throw new Error(`${op} has no output`);
    return out;
  }

  /** A constant tensor (one node per distinct value). */
  constant(values: readonly number[], shape: readonly number[] = [], dtype: DataType = DT_FLOAT): Ref {
    const key = `${dtype}|${shape.join(',')}|${values.join(',')}`;
    const have = this.consts.get(key);
    if (have) return have;
    const ref = this.one('Const', [], { dtype: { type: dtype }, value: { tensor: { dtype, shape, values } } });
    this.consts.set(key, ref);
    return ref;
  }

  get nodeCount(): number {
    return this.nodes.length;
  }

  toBytes(): Uint8Array {
    const signature = new Writer().string(1, this.name);
    for (const i of this.inputs) signature.message(2, new Writer().string(1, i.name).varint(3, i.type));
    for (const o of this.outputs) signature.message(3, new Writer().string(1, o.name).varint(3, o.type));
    const fn = new Writer().message(1, signature);
    for (const node of this.nodes) {
      const n = new Writer().string(1, node.name).string(2, node.op);
      for (const input of node.inputs) n.string(3, input);
      for (const [key, attr] of Object.entries(node.attrs)) n.message(5, mapEntry(key, encodeAttr(attr)));
      fn.message(3, n);
    }
    for (const o of this.outputs) fn.message(4, mapEntry(o.name, o.ref));
    return fn.toBytes();
  }
}

function checkArgName(name: string): void {
  if (!/^[a-z][a-z0-9_]*$/.test(name)) throw new Error(`A function argument name must be lower case letters, digits and _: ${name}`);
}
