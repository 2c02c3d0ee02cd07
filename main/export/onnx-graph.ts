import { onnx } from 'onnx-proto';

/** A small builder for an ONNX graph: nodes, initializers (weights and constants), inputs and outputs. */

export type Attr = { i: number } | { f: number } | { ints: readonly number[] } | { floats: readonly number[] } | { s: string } | { strings: readonly string[] };

export const OPSET = 17;

/** Initializers under this prefix are constants (shapes, axes, zeros), not weights: they are not counted as parameters. */
export const CONST_PREFIX = 'const/';

function attribute(name: string, a: Attr): onnx.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if ('i' in a) return { name, type: T.INT, i: a.i };
  if ('f' in a) return { name, type: T.FLOAT, f: a.f };
  if ('ints' in a) return { name, type: T.INTS, ints: [...a.ints] };
  if ('floats' in a) return { name, type: T.FLOATS, floats: [...a.floats] };
  if ('s' in a) return { name, type: T.STRING, s: new TextEncoder().encode(a.s) };
  return { name, type: T.STRINGS, strings: a.strings.map((s) => new TextEncoder().encode(s)) };
}

const bytesOf = (a: Float32Array | BigInt64Array | Int32Array) => new Uint8Array(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength));

export type Dim = number | string | null;

export class OnnxGraph {
  readonly nodes: onnx.INodeProto[] = [];
  readonly initializers: onnx.ITensorProto[] = [];
  readonly inputs: onnx.IValueInfoProto[] = [];
  readonly outputs: onnx.IValueInfoProto[] = [];
  private readonly used = new Set<string>();
  private count = 0;

  /** A fresh tensor name starting with `hint`. */
  name(hint: string): string {
    let n = hint;
    while (this.used.has(n)) n = `${hint}_${++this.count}`;
    this.used.add(n);
    return n;
  }

  /** A float32 weight initializer (counted as parameters). */
  weight(name: string, dims: readonly number[], data: Float32Array): string {
    const n = this.name(name);
    this.initializers.push({ name: n, dims: [...dims], dataType: onnx.TensorProto.DataType.FLOAT, rawData: bytesOf(data) });
    return n;
  }

  constFloat(hint: string, dims: readonly number[], values: readonly number[] | Float32Array): string {
    const n = this.name(`${CONST_PREFIX}${hint}`);
    this.initializers.push({ name: n, dims: [...dims], dataType: onnx.TensorProto.DataType.FLOAT, rawData: bytesOf(Float32Array.from(values)) });
    return n;
  }

  /** A 1-D int64 constant (shapes, axes, pads); bigint entries for values beyond 2^53. */
  constInt64(hint: string, values: readonly (number | bigint)[]): string {
    const n = this.name(`${CONST_PREFIX}${hint}`);
    const data = BigInt64Array.from(values.map((v) => BigInt(v)));
    this.initializers.push({ name: n, dims: [values.length], dataType: onnx.TensorProto.DataType.INT64, rawData: bytesOf(data) });
    return n;
  }

  /** Adds a node; returns its output names (`outputs` of them). An empty input name is an omitted optional input. */
  op(type: string, inputs: readonly string[], attrs: Readonly<Record<string, Attr>> = {}, hint = type.toLowerCase(), outputs = 1): string[] {
    const outs = Array.from({ length: outputs }, (_, i) => this.name(outputs === 1 ? hint : `${hint}_out${i}`));
    this.nodes.push({
      opType: type,
      name: this.name(`node/${hint}`),
      input: [...inputs],
      output: outs,
      attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
    });
    return outs;
  }

  /** `op` with one output. */
  op1(type: string, inputs: readonly string[], attrs: Readonly<Record<string, Attr>> = {}, hint = type.toLowerCase()): string {
    return this.op(type, inputs, attrs, hint, 1)[0] as string;
  }

  private valueInfo(name: string, elem: 'float32' | 'int32', dims: readonly Dim[]): onnx.IValueInfoProto {
    return {
      name,
      type: {
        tensorType: {
          elemType: elem === 'int32' ? onnx.TensorProto.DataType.INT32 : onnx.TensorProto.DataType.FLOAT,
          shape: { dim: dims.map((d, i) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d ?? (i === 0 ? 'batch' : `${name}_dim${i}`) })) },
        },
      },
    };
  }

  input(name: string, elem: 'float32' | 'int32', dims: readonly Dim[]): string {
    this.used.add(name);
    this.inputs.push(this.valueInfo(name, elem, dims));
    return name;
  }

  output(name: string, elem: 'float32' | 'int32', dims: readonly Dim[]): void {
    this.outputs.push(this.valueInfo(name, elem, dims));
  }

  /** Parameters: the elements of every initializer that is not a constant. */
  paramCount(): number {
    let n = 0;
    for (const t of this.initializers) {
      if ((t.name ?? '').startsWith(CONST_PREFIX)) continue;
      n += (t.dims ?? []).reduce<number>((a, b) => a * Number(b), 1);
    }
    return n;
  }

  encode(graphName: string, docString: string): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: 8,
      producerName: 'Netwright',
      producerVersion: '1',
      docString,
      opsetImport: [{ domain: '', version: OPSET }],
      graph: {
        name: graphName,
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs,
        output: this.outputs,
      },
    });
    return onnx.ModelProto.encode(model).finish();
  }
}
