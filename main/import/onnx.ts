import { onnx } from 'onnx-proto';
import type { Graph, GraphEdge, GraphNode, ProjectDoc } from '../../shared/graph/document';
import { ProjectDocSchema, emptyProject } from '../../shared/graph/document';
import type { ParamValue } from '../../shared/layers/types';
import { ImportError } from './keras-json';
import { layeredLayout } from './layout';
import type { ImportedWeight } from './weights';
import { attrFloat, attrInt, attrInts, attrString, readTensor, toNum, type Constant } from './onnx-tensors';
import { convWeights, depthwiseWeights, flatRowOrder, gemmWeights, windowPadding } from './onnx-helpers';

/**
 * Import of an ONNX model made of the operations Netwright has layers for: Gemm/MatMul(+Add),
 * Conv (2-D, grouped = depthwise), pooling, BatchNormalization, Flatten/Reshape/Transpose,
 * activations, element-wise merges and Concat. Operations with no layer are one ImportError
 * naming each (op type and node name); nothing is dropped.
 *
 * ONNX images are NCHW, Netwright's layers NHWC. Each ONNX tensor is tracked with how the
 * project's tensor holds it (its layout): `plain` (the same), `cf` (ONNX [N,C,H,W] held as
 * [N,H,W,C]), `pooled` (ONNX [N,C,1,1] held as [N,C]) and `flat` (ONNX's C,H,W flattening held in
 * H,W,C order: the next Dense's kernel rows are permuted to match). Kernels are converted
 * (OIHW → HWIO); an image Input consumed channels-first becomes an NHWC Input.
 */

export interface OnnxImportResult {
  readonly doc: ProjectDoc;
  /** Weights per node id, in the order the node's tfjs layer holds them. */
  readonly weights: Map<string, ImportedWeight[]>;
  readonly warnings: string[];
}

type Dim = number | null;
type Layout =
  | { kind: 'plain' }
  | { kind: 'cf' }
  | { kind: 'pooled' }
  | { kind: 'flat'; hwc: readonly [number, number, number] }
  /** A sequence ONNX holds time-major [T, N, F], held batch-first [N, T, F]. */
  | { kind: 'timeMajor' }
  /** A recurrent op's Y [T, 1, N, u], held as the layer's sequences [N, T, u]. */
  | { kind: 'rnnSeq' }
  /** A recurrent op's Y_h [1, N, u], held as the layer's last output [N, u]. */
  | { kind: 'rnnLast' };

/** An ONNX tensor as the project computes it: the node producing it, its layout, and its ONNX shape. */
interface Value {
  readonly node: string;
  readonly layout: Layout;
  readonly shape: readonly Dim[];
}

const PLAIN: Layout = { kind: 'plain' };
const CF: Layout = { kind: 'cf' };

const SUPPORTED = new Set([
  'Gemm', 'MatMul', 'Conv', 'MaxPool', 'AveragePool', 'GlobalAveragePool', 'GlobalMaxPool', 'ReduceMean', 'ReduceMax',
  'Flatten', 'Reshape', 'Transpose', 'BatchNormalization', 'Relu', 'Sigmoid', 'Tanh', 'Softmax', 'LeakyRelu', 'Elu',
  'Selu', 'HardSigmoid', 'Softplus', 'Softsign', 'Gelu', 'Clip', 'Add', 'Sum', 'Mean', 'Sub', 'Mul', 'Max', 'Min', 'Concat',
  'Dropout', 'Identity', 'Constant', 'Gather', 'LSTM', 'GRU', 'RNN', 'Squeeze',
]);

/** ONNX recurrent activations → Netwright's. */
const RNN_ACTIVATIONS: Readonly<Record<string, string>> = { Sigmoid: 'sigmoid', Tanh: 'tanh', Relu: 'relu', HardSigmoid: 'hardSigmoid' };

const UNARY: Readonly<Record<string, string>> = {
  Relu: 'relu', Sigmoid: 'sigmoid', Tanh: 'tanh', Softplus: 'softplus', Softsign: 'softsign', Selu: 'selu', Gelu: 'gelu',
};
const MERGES: Readonly<Record<string, string>> = { Add: 'Add', Sum: 'Add', Mean: 'Average', Sub: 'Subtract', Mul: 'Multiply', Max: 'Maximum', Min: 'Minimum' };

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b));
const prod = (xs: readonly Dim[]) => (xs.every((d) => d !== null) ? (xs as number[]).reduce((a, b) => a * b, 1) : null);

function dimsOf(info: onnx.IValueInfoProto): Dim[] {
  const dims = info.type?.tensorType?.shape?.dim ?? [];
  return dims.map((d, i) => (i > 0 && d.dimValue !== undefined && d.dimValue !== null && toNum(d.dimValue) > 0 ? toNum(d.dimValue) : i === 0 ? null : d.dimValue ? toNum(d.dimValue) : null));
}

/** Parses an ONNX model file (protobuf bytes). */
export function decodeOnnx(bytes: Uint8Array): onnx.ModelProto {
  try {
    return onnx.ModelProto.decode(bytes);
  } catch (error) {
    throw new ImportError(`This is not an ONNX model: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  }
}

/** Converts an ONNX model (protobuf bytes) to a Netwright project and its weights. */
/** Largest ONNX graph imported, in operations (checked before any is converted). */
export const MAX_ONNX_NODES = 5000;

export function importOnnx(bytes: Uint8Array, options: { name?: string } = {}): OnnxImportResult {
  const model = decodeOnnx(bytes);
  const graph = model.graph;
  if (!graph || !graph.node) throw new ImportError('This ONNX file has no graph.');
  if (graph.node.length > MAX_ONNX_NODES) {
    throw new ImportError(`This ONNX graph has ${graph.node.length.toLocaleString('en-US')} operations; Netwright imports graphs of at most ${MAX_ONNX_NODES.toLocaleString('en-US')} (a canvas that large could not be edited). Nothing was imported.`);
  }
  const domainOk = (n: onnx.INodeProto) => !n.domain || n.domain === 'ai.onnx';
  const unsupported = graph.node.filter((n) => !SUPPORTED.has(n.opType ?? '') || !domainOk(n));
  if (unsupported.length > 0) {
    const list = unsupported.slice(0, 8).map((n) => `${n.domain && !domainOk(n) ? `${n.domain}.` : ''}${n.opType ?? '?'} (node "${n.name || n.output?.[0] || '?'}")`);
    throw new ImportError(
      `Netwright has no layer for ${unsupported.length === 1 ? 'this ONNX operation' : `these ${unsupported.length} ONNX operations`}: ${list.join(', ')}${unsupported.length > 8 ? ` and ${unsupported.length - 8} more` : ''}. Nothing was imported.`,
    );
  }
  return new Converter(graph, options.name ?? (graph.name || 'Imported ONNX model')).run();
}

class Converter {
  private readonly nodes: GraphNode[] = [];
  private readonly edges: GraphEdge[] = [];
  private readonly ids = new Set<string>();
  private readonly values = new Map<string, Value>();
  private readonly constants = new Map<string, Constant>();
  private readonly consumers = new Map<string, onnx.INodeProto[]>();
  /** Add nodes folded into the MatMul before them (their output is the Dense's). */
  private readonly folded = new Map<onnx.INodeProto, string>();
  readonly weights = new Map<string, ImportedWeight[]>();
  readonly warnings: string[] = [];

  constructor(
    private readonly graph: onnx.IGraphProto,
    private readonly name: string,
  ) {}

  run(): OnnxImportResult {
    for (const t of this.graph.initializer ?? []) this.constants.set(t.name ?? '', readTensor(t));
    for (const n of this.graph.node ?? []) for (const i of n.input ?? []) if (i) this.consumers.set(i, [...(this.consumers.get(i) ?? []), n]);
    for (const input of this.graph.input ?? []) {
      if (!input.name || this.constants.has(input.name)) continue;
      this.addInput(input);
    }
    if (this.nodes.length === 0) throw new ImportError('The ONNX model has no input.');
    for (const n of this.graph.node ?? []) this.convert(n);
    const outputs = (this.graph.output ?? []).map((o) => o.name ?? '');
    if (outputs.length === 0) throw new ImportError('The ONNX model has no output.');
    for (const name of outputs) {
      const v = this.value(name, 'the model output');
      const out = v.layout.kind === 'plain' || v.layout.kind === 'cf' ? v : this.toPlain(v, name);
      if (this.nodes.find((n) => n.id === out.node)?.type === 'Input') throw new ImportError(`The model output "${name}" is its input: there is no layer to import.`);
      if (out.layout.kind === 'cf') this.warnings.push(`Output "${name}" is an image; Netwright gives it channels last ([batch, height, width, channels]) where the ONNX model gives [batch, channels, height, width].`);
      if (this.edges.some((e) => e.source === out.node)) this.warnings.push(`Output "${name}" also feeds other layers; Netwright's outputs are the layers nothing else reads.`);
    }
    const graph: Graph = { nodes: layeredLayout(this.nodes, this.edges), edges: this.edges };
    const doc = ProjectDocSchema.safeParse({ ...emptyProject(this.name), graph });
    if (!doc.success) {
      const first = doc.error.issues[0];
      throw new ImportError(`The imported project is not valid: ${first?.path.join('.') ?? ''} ${first?.message ?? ''}`.trim());
    }
    return { doc: doc.data, weights: this.weights, warnings: this.warnings };
  }

  // -------------------------------------------------------------------------
  // Graph building

  private addNode(hint: string, type: string, params: Record<string, ParamValue>, inputs: readonly string[], weights?: ImportedWeight[]): string {
    const base = hint.replace(/^\/+/, '').replace(/[^A-Za-z0-9_.-]+/g, '_').slice(0, 80) || type.toLowerCase();
    let id = base;
    for (let i = 2; this.ids.has(id); i++) id = `${base}_${i}`;
    this.ids.add(id);
    this.nodes.push({ id, type, name: id, position: { x: 0, y: 0 }, params: params as GraphNode['params'] });
    inputs.forEach((source, i) => {
      const port = inputs.length === 1 ? 'in' : `in${i + 1}`;
      this.edges.push({ id: `e${this.edges.length + 1}`, source, target: id, targetPort: port });
    });
    if (weights) this.weights.set(id, weights);
    return id;
  }

  private addInput(info: onnx.IValueInfoProto): void {
    const name = info.name as string;
    const dims = dimsOf(info);
    const elem = info.type?.tensorType?.elemType;
    const T = onnx.TensorProto.DataType;
    const dtype = elem === T.INT64 || elem === T.INT32 ? 'int32' : 'float32';
    if (dims.length < 2) throw new ImportError(`Input "${name}" has rank ${dims.length}; Netwright's inputs have a batch axis and at least one more.`);
    // An image consumed channels-first (Conv, pooling...) becomes an NHWC Input; one the model
    // transposes itself (Netwright's own exports: NHWC in, Transpose to NCHW) stays as it is.
    const users = this.consumers.get(name) ?? [];
    const transposedFirst = users.length > 0 && users.every((u) => u.opType === 'Transpose');
    if (dims.length === 4 && !transposedFirst) {
      const [, c, h, w] = dims;
      const id = this.addNode(name, 'Input', { shape: [h ?? null, w ?? null, c ?? null], dtype }, []);
      this.values.set(name, { node: id, layout: CF, shape: dims });
      if (dims.slice(1).some((d) => d === null)) this.warnings.push(`Input "${name}" has sizes that are not fixed: ${JSON.stringify(dims)}.`);
      this.warnings.push(`Input "${name}" is channels-first [batch, ${c}, ${h}, ${w}] in the ONNX model; Netwright's Input takes [batch, ${h}, ${w}, ${c}].`);
      return;
    }
    const id = this.addNode(name, 'Input', { shape: dims.slice(1), dtype }, []);
    this.values.set(name, { node: id, layout: PLAIN, shape: dims });
  }

  private value(name: string, what: string): Value {
    const v = this.values.get(name);
    if (!v) {
      if (this.constants.has(name)) throw new ImportError(`${what} reads the constant "${name}" where Netwright needs a tensor computed by the model.`);
      throw new ImportError(`${what} reads "${name}", which no imported layer computes.`);
    }
    return v;
  }

  private constant(name: string | undefined, what: string): Constant {
    const c = name ? this.constants.get(name) : undefined;
    if (!c) throw new ImportError(`${what} needs "${name ?? ''}" to be a constant (an initializer), but the model computes it.`);
    return c;
  }

  private fail(n: onnx.INodeProto, why: string): never {
    throw new ImportError(`${n.opType} (node "${n.name || n.output?.[0] || '?'}"): ${why}`);
  }

  /** The value as a plain tensor (layers added where the layout must change). */
  private toPlain(v: Value, hint: string): Value {
    switch (v.layout.kind) {
      case 'plain':
        return v;
      case 'cf':
        // Our [N,H,W,C] → ONNX's [N,C,H,W].
        return { node: this.addNode(`${hint}/to_channels_first`, 'Permute', { dims: [3, 1, 2] }, [v.node]), layout: PLAIN, shape: v.shape };
      case 'pooled': {
        const c = v.shape[1] ?? null;
        if (c === null) throw new ImportError(`"${hint}": the channel count must be known.`);
        return { node: this.addNode(`${hint}/unsqueeze`, 'Reshape', { targetShape: [c, 1, 1] }, [v.node]), layout: PLAIN, shape: v.shape };
      }
      case 'timeMajor':
      case 'rnnSeq':
      case 'rnnLast':
        throw new ImportError(`"${hint}": this recurrent layer's output is used in a way Netwright cannot express (only its batch-first sequences or its last output).`);
      case 'flat': {
        const [h, w, c] = v.layout.hwc;
        const img = this.addNode(`${hint}/unflatten`, 'Reshape', { targetShape: [h, w, c] }, [v.node]);
        const cf = this.addNode(`${hint}/to_channels_first`, 'Permute', { dims: [3, 1, 2] }, [img]);
        return { node: this.addNode(`${hint}/flatten_chw`, 'Flatten', {}, [cf]), layout: PLAIN, shape: v.shape };
      }
    }
  }

  /** The value as channels-first (rank 4): a plain one is permuted NCHW → NHWC. */
  private toCf(v: Value, hint: string, n: onnx.INodeProto): Value {
    if (v.layout.kind === 'cf') return v;
    if (v.shape.length !== 4) this.fail(n, `needs an image [batch, channels, height, width], not rank ${v.shape.length}.`);
    const plain = this.toPlain(v, hint);
    return { node: this.addNode(`${hint}/to_channels_last`, 'Permute', { dims: [2, 3, 1] }, [plain.node]), layout: CF, shape: v.shape };
  }

  private alias(n: onnx.INodeProto, v: Value): void {
    const out = n.output?.[0];
    if (out) this.values.set(out, v);
  }

  private set(n: onnx.INodeProto, node: string, layout: Layout, shape: readonly Dim[]): void {
    this.alias(n, { node, layout, shape });
  }

  /** Puts an activation into the Dense/Conv before it where that one has no other reader, else adds one. */
  private activation(n: onnx.INodeProto, x: Value, activation: string): void {
    const producer = this.nodes.find((m) => m.id === x.node);
    const readers = this.consumers.get(n.input?.[0] ?? '') ?? [];
    const fusable = producer && ['Dense', 'Conv2D', 'DepthwiseConv2D'].includes(producer.type) && producer.params['activation'] === 'linear' && readers.length === 1 && !this.edges.some((e) => e.source === producer.id);
    const outputIsX = (this.graph.output ?? []).some((o) => o.name === n.input?.[0]);
    if (fusable && !outputIsX) {
      producer.params['activation'] = activation;
      this.alias(n, x);
      return;
    }
    this.set(n, this.addNode(n.name || `${activation}`, 'Activation', { activation }, [x.node]), x.layout, x.shape);
  }

  // -------------------------------------------------------------------------
  // Operations

  private convert(n: onnx.INodeProto): void {
    const op = n.opType as string;
    const inputs = n.input ?? [];
    const hint = n.name || n.output?.[0] || op;
    if (this.folded.has(n)) return;
    switch (op) {
      case 'Constant': {
        const t = (n.attribute ?? []).find((a) => a.name === 'value')?.t;
        if (!t) this.fail(n, 'only constants given as a tensor ("value") are supported.');
        this.constants.set(n.output?.[0] ?? '', readTensor(t));
        return;
      }
      case 'Dropout':
      case 'Identity':
        this.alias(n, this.value(inputs[0] ?? '', hint));
        return;
      case 'Relu':
      case 'Sigmoid':
      case 'Tanh':
      case 'Softplus':
      case 'Softsign':
      case 'Selu':
      case 'Gelu': {
        if (op === 'Selu' && (!close(attrFloat(n, 'alpha', 1.6732632), 1.6732632) || !close(attrFloat(n, 'gamma', 1.0507009), 1.0507009))) this.fail(n, 'only the standard alpha and gamma are supported.');
        if (op === 'Gelu' && attrString(n, 'approximate', 'none') !== 'none') this.fail(n, 'the tanh approximation is not supported (Netwright\'s gelu is the exact one).');
        this.activation(n, this.value(inputs[0] ?? '', hint), UNARY[op] as string);
        return;
      }
      case 'LeakyRelu': {
        const alpha = attrFloat(n, 'alpha', 0.01);
        if (!close(alpha, 0.2)) this.fail(n, `alpha ${Number(alpha.toPrecision(6))} is not supported: Netwright's leakyRelu has alpha 0.2.`);
        this.activation(n, this.value(inputs[0] ?? '', hint), 'leakyRelu');
        return;
      }
      case 'Elu': {
        if (!close(attrFloat(n, 'alpha', 1), 1)) this.fail(n, 'only alpha 1 is supported.');
        this.activation(n, this.value(inputs[0] ?? '', hint), 'elu');
        return;
      }
      case 'HardSigmoid': {
        if (!close(attrFloat(n, 'alpha', 0.2), 0.2) || !close(attrFloat(n, 'beta', 0.5), 0.5)) this.fail(n, 'only alpha 0.2 and beta 0.5 are supported (Keras\'s hard sigmoid).');
        this.activation(n, this.value(inputs[0] ?? '', hint), 'hardSigmoid');
        return;
      }
      case 'Clip': {
        const lo = inputs[1] ? this.constant(inputs[1], hint).values[0] : attrFloat(n, 'min', Number.NEGATIVE_INFINITY);
        const hi = inputs[2] ? this.constant(inputs[2], hint).values[0] : attrFloat(n, 'max', Number.POSITIVE_INFINITY);
        if (lo !== 0 || hi !== 6) this.fail(n, `only Clip(0, 6) (relu6) is supported, not Clip(${lo}, ${hi}).`);
        this.activation(n, this.value(inputs[0] ?? '', hint), 'relu6');
        return;
      }
      case 'Softmax': {
        const x = this.value(inputs[0] ?? '', hint);
        const rank = x.shape.length;
        const axis = attrInt(n, 'axis', -1);
        const a = axis < 0 ? axis + rank : axis;
        const ok = x.layout.kind === 'cf' || x.layout.kind === 'pooled' ? a === 1 : a === rank - 1;
        if (!ok) this.fail(n, `softmax over axis ${axis} is not supported; Netwright's runs over the last (channels) axis.`);
        this.activation(n, x, 'softmax');
        return;
      }
      case 'Gemm':
        return this.gemm(n, hint);
      case 'MatMul':
        return this.matmul(n, hint);
      case 'Conv':
        return this.conv(n, hint);
      case 'MaxPool':
      case 'AveragePool':
        return this.pool(n, hint);
      case 'GlobalAveragePool':
      case 'GlobalMaxPool': {
        const x = this.toCf(this.value(inputs[0] ?? '', hint), hint, n);
        const type = op === 'GlobalAveragePool' ? 'GlobalAveragePooling2D' : 'GlobalMaxPooling2D';
        this.set(n, this.addNode(hint, type, {}, [x.node]), { kind: 'pooled' }, [x.shape[0] ?? null, x.shape[1] ?? null, 1, 1]);
        return;
      }
      case 'ReduceMean':
      case 'ReduceMax': {
        const x = this.value(inputs[0] ?? '', hint);
        const axes = inputs[1] ? this.constant(inputs[1], hint).values : attrInts(n, 'axes', []);
        const keep = attrInt(n, 'keepdims', 1) === 1;
        const sorted = [...axes].map((a) => (a < 0 ? a + x.shape.length : a)).sort().join(',');
        const type = op === 'ReduceMean' ? 'GlobalAveragePooling2D' : 'GlobalMaxPooling2D';
        if (x.layout.kind === 'cf' && sorted === '2,3') {
          const id = this.addNode(hint, type, {}, [x.node]);
          this.set(n, id, keep ? { kind: 'pooled' } : PLAIN, keep ? [x.shape[0] ?? null, x.shape[1] ?? null, 1, 1] : [x.shape[0] ?? null, x.shape[1] ?? null]);
          return;
        }
        if (x.layout.kind === 'plain' && x.shape.length === 4 && sorted === '1,2' && !keep) {
          this.set(n, this.addNode(hint, type, {}, [x.node]), PLAIN, [x.shape[0] ?? null, x.shape[3] ?? null]);
          return;
        }
        this.fail(n, `only the mean or max over an image's height and width (global pooling) is supported, not over axes ${JSON.stringify(axes)}.`);
        return;
      }
      case 'Flatten': {
        const x = this.value(inputs[0] ?? '', hint);
        if (attrInt(n, 'axis', 1) !== 1) this.fail(n, 'only axis 1 (keep the batch) is supported.');
        this.flatten(n, x, hint);
        return;
      }
      case 'Reshape':
        return this.reshape(n, hint);
      case 'Transpose':
        return this.transpose(n, hint);
      case 'BatchNormalization':
        return this.batchNorm(n, hint);
      case 'Add':
      case 'Sum':
      case 'Mean':
      case 'Sub':
      case 'Mul':
      case 'Max':
      case 'Min':
        return this.merge(n, hint);
      case 'Concat':
        return this.concat(n, hint);
      case 'Gather':
        return this.gather(n, hint);
      case 'LSTM':
      case 'GRU':
      case 'RNN':
        return this.recurrent(n, hint);
      case 'Squeeze': {
        const x = this.value(inputs[0] ?? '', hint);
        const axes = inputs[1] ? Array.from(this.constant(inputs[1], hint).values) : attrInts(n, 'axes', []);
        if (x.layout.kind === 'rnnLast' && axes.join() === '0') return this.set(n, x.node, PLAIN, x.shape.slice(1));
        if (x.layout.kind === 'rnnSeq' && axes.join() === '1') return this.set(n, x.node, { kind: 'timeMajor' }, [x.shape[0] ?? null, x.shape[2] ?? null, x.shape[3] ?? null]);
        this.fail(n, 'only the squeeze of a one-directional LSTM/GRU/RNN output is supported.');
        return;
      }
      default:
        this.fail(n, 'is not supported.');
    }
  }

  private flatten(n: onnx.INodeProto, x: Value, hint: string): void {
    const batch = x.shape[0] ?? null;
    const flatShape = [batch, prod(x.shape.slice(1))];
    switch (x.layout.kind) {
      case 'cf': {
        const [, c, h, w] = x.shape;
        if (c === null || h === null || w === null || c === undefined || h === undefined || w === undefined) this.fail(n, 'the image size must be known to flatten it.');
        this.set(n, this.addNode(hint, 'Flatten', {}, [x.node]), { kind: 'flat', hwc: [h, w, c] }, flatShape);
        return;
      }
      case 'pooled':
      case 'flat':
        this.set(n, x.node, x.layout.kind === 'pooled' ? PLAIN : x.layout, flatShape);
        return;
      case 'plain':
        if (x.shape.length === 2) this.alias(n, x);
        else this.set(n, this.addNode(hint, 'Flatten', {}, [x.node]), PLAIN, flatShape);
        return;
      default:
        this.flatten(n, this.toPlain(x, hint), hint);
    }
  }

  private reshape(n: onnx.INodeProto, hint: string): void {
    const inputs = n.input ?? [];
    const x = this.value(inputs[0] ?? '', hint);
    const target: (number | null)[] = Array.from(this.constant(inputs[1], `Reshape "${hint}"`).values).map((d, i) => (d === 0 && attrInt(n, 'allowzero', 0) === 0 ? (x.shape[i] ?? null) : d));
    const total = prod(x.shape.slice(1));
    // [batch, -1] or [batch, everything]: a flatten.
    const isBatch = (d: number | null) => d === null || d === -1 || d === x.shape[0];
    if (target.length === 2 && isBatch(target[0] ?? null) && (target[1] === -1 || (total !== null && target[1] === total))) {
      this.flatten(n, x, hint);
      return;
    }
    if (!isBatch(target[0] ?? null)) this.fail(n, `reshaping across the batch axis (${JSON.stringify(target)}) is not supported.`);
    const rest = target.slice(1);
    if (rest.some((d) => d === null) || rest.filter((d) => d === -1).length > 1) this.fail(n, `the target shape ${JSON.stringify(target)} must be fixed.`);
    const known = (rest as number[]).filter((d) => d !== -1).reduce((a, b) => a * b, 1);
    if (total === null) this.fail(n, 'the input size must be known.');
    const dims = (rest as number[]).map((d) => (d === -1 ? total / known : d));
    const plain = this.toPlain(x, hint);
    this.set(n, this.addNode(hint, 'Reshape', { targetShape: dims }, [plain.node]), PLAIN, [x.shape[0] ?? null, ...dims]);
  }

  private transpose(n: onnx.INodeProto, hint: string): void {
    const x = this.value(n.input?.[0] ?? '', hint);
    const rank = x.shape.length;
    const perm = attrInts(n, 'perm', Array.from({ length: rank }, (_, i) => rank - 1 - i));
    const outShape = perm.map((p) => x.shape[p] ?? null);
    const key = perm.join(',');
    if (key === Array.from({ length: rank }, (_, i) => i).join(',')) return this.alias(n, x);
    if (rank === 3 && key === '1,0,2' && (x.layout.kind === 'plain' || x.layout.kind === 'timeMajor')) return this.set(n, x.node, x.layout.kind === 'plain' ? { kind: 'timeMajor' } : PLAIN, outShape);
    // Only a change of layout: the project's tensor stays as it is.
    if (rank === 4 && x.layout.kind === 'plain' && key === '0,3,1,2') return this.set(n, x.node, CF, outShape);
    if (rank === 4 && x.layout.kind === 'cf' && key === '0,2,3,1') return this.set(n, x.node, PLAIN, outShape);
    if (perm[0] !== 0) this.fail(n, `perm ${JSON.stringify(perm)} moves the batch axis.`);
    const plain = this.toPlain(x, hint);
    this.set(n, this.addNode(hint, 'Permute', { dims: perm.slice(1) }, [plain.node]), PLAIN, outShape);
  }

  /** Gather of rows of a weight matrix by token ids: an Embedding. */
  private gather(n: onnx.INodeProto, hint: string): void {
    const inputs = n.input ?? [];
    const table = inputs[0] ? this.constants.get(inputs[0]) : undefined;
    if (!table || table.dims.length !== 2 || attrInt(n, 'axis', 0) !== 0 || this.constants.has(inputs[1] ?? '')) {
      this.fail(n, 'only looking up rows of a weight matrix by token ids (an embedding) is supported.');
    }
    const ids = this.value(inputs[1] ?? '', hint);
    if (ids.layout.kind !== 'plain') this.fail(n, 'the token ids must be a plain [batch, length] tensor.');
    const [v, d] = table.dims as [number, number];
    const id = this.addNode(hint, 'Embedding', { inputDim: v, outputDim: d }, [ids.node], [{ name: 'embeddings', shape: [v, d], data: Float32Array.from(table.values) }]);
    this.set(n, id, PLAIN, [...ids.shape, d]);
  }

  /** A one-directional LSTM, GRU or RNN over a batch-first sequence (transposed to time-major before it). */
  private recurrent(n: onnx.INodeProto, hint: string): void {
    const op = n.opType as 'LSTM' | 'GRU' | 'RNN';
    const inputs = n.input ?? [];
    const outputs = n.output ?? [];
    const x = this.value(inputs[0] ?? '', hint);
    if (x.layout.kind !== 'timeMajor') this.fail(n, 'its input must be a batch-first sequence transposed to time-major (layout 0).');
    if (attrString(n, 'direction', 'forward') !== 'forward') this.fail(n, `direction "${attrString(n, 'direction', 'forward')}" is not supported; only forward.`);
    if (attrInt(n, 'layout', 0) !== 0 || attrInt(n, 'input_forget', 0) !== 0 || attrFloat(n, 'clip', 0) !== 0) this.fail(n, 'layout 1, input_forget and clip are not supported.');
    for (const i of [4, 5, 6, 7]) if (inputs[i]) this.fail(n, 'sequence lengths, initial states and peepholes are not supported.');
    const gates = op === 'LSTM' ? 4 : op === 'GRU' ? 3 : 1;
    const u = attrInt(n, 'hidden_size', 0);
    const W = this.constant(inputs[1], hint);
    const R = this.constant(inputs[2], hint);
    const f = W.dims[2] as number;
    if (W.dims[0] !== 1 || W.dims[1] !== gates * u || R.dims[2] !== u) this.fail(n, `its weights [${W.dims.join(', ')}] and [${R.dims.join(', ')}] do not fit hidden_size ${u}.`);
    const acts = (n.attribute ?? []).find((a) => a.name === 'activations')?.strings?.map((s) => new TextDecoder().decode(s)) ?? [];
    const defaults = op === 'LSTM' ? ['Sigmoid', 'Tanh', 'Tanh'] : op === 'GRU' ? ['Sigmoid', 'Tanh'] : ['Tanh'];
    const [first, second, third] = acts.length > 0 ? acts : defaults;
    if (op === 'LSTM' && second !== third) this.fail(n, `the cell and output activations differ (${second}, ${third}); Netwright's LSTM uses one activation for both.`);
    const act = RNN_ACTIVATIONS[(op === 'RNN' ? first : second) as string];
    const recAct = op === 'RNN' ? undefined : RNN_ACTIVATIONS[first as string];
    if (!act || (op !== 'RNN' && !recAct)) this.fail(n, `activations ${JSON.stringify(acts)} are not supported.`);
    // Keras's gate order (LSTM i, f, c, o; GRU z, r, h) from ONNX's (LSTM i, o, f, c; GRU z, r, h).
    const order = op === 'LSTM' ? [0, 2, 3, 1] : Array.from({ length: gates }, (_, i) => i);
    const kerasMatrix = (m: Constant, cols: number) => {
      const out = new Float32Array(cols * gates * u);
      order.forEach((src, dst) => {
        for (let r = 0; r < u; r++) for (let c = 0; c < cols; c++) out[c * gates * u + dst * u + r] = m.values[(src * u + r) * cols + c] as number;
      });
      return out;
    };
    const weights: ImportedWeight[] = [
      { name: 'kernel', shape: [f, gates * u], data: kerasMatrix(W, f) },
      { name: 'recurrent_kernel', shape: [u, gates * u], data: kerasMatrix(R, u) },
    ];
    const resetAfter = op === 'GRU' && attrInt(n, 'linear_before_reset', 0) === 1;
    const B = inputs[3] ? this.constant(inputs[3], hint) : null;
    if (B) {
      const wb = (k: number, g: number) => B.values[g * u + k] as number;
      const rb = (k: number, g: number) => B.values[gates * u + g * u + k] as number;
      const reordered = (pick: (k: number, g: number) => number) => {
        const out = new Float32Array(gates * u);
        order.forEach((src, dst) => {
          for (let k = 0; k < u; k++) out[dst * u + k] = pick(k, src);
        });
        return out;
      };
      if (resetAfter) {
        const both = new Float32Array(2 * gates * u);
        both.set(reordered(wb), 0);
        both.set(reordered(rb), gates * u);
        weights.push({ name: 'bias', shape: [2, gates * u], data: both });
      } else {
        weights.push({ name: 'bias', shape: [gates * u], data: reordered((k, g) => wb(k, g) + rb(k, g)) });
      }
    }
    const readers = (name: string | undefined) => (name ? (this.consumers.get(name)?.length ?? 0) + ((this.graph.output ?? []).some((o) => o.name === name) ? 1 : 0) : 0);
    const [yName, yhName, ycName] = outputs;
    if (readers(ycName) > 0) this.fail(n, 'its cell state output (Y_c) is used; Netwright\'s LSTM gives its output only.');
    const seq = readers(yName) > 0;
    if (seq && readers(yhName) > 0) this.fail(n, 'both its sequence (Y) and its last state (Y_h) are used; Netwright\'s layer gives one of them.');
    const type = op === 'RNN' ? 'SimpleRNN' : op;
    const params: Record<string, ParamValue> = { units: u, activation: act, returnSequences: seq, useBias: B !== null };
    if (recAct) params['recurrentActivation'] = recAct;
    if (op === 'GRU') params['resetAfter'] = resetAfter;
    const id = this.addNode(hint, type, params, [x.node], weights);
    const [t, batch] = x.shape;
    if (seq && yName) this.values.set(yName, { node: id, layout: { kind: 'rnnSeq' }, shape: [t ?? null, 1, batch ?? null, u] });
    if (!seq && yhName) this.values.set(yhName, { node: id, layout: { kind: 'rnnLast' }, shape: [1, batch ?? null, u] });
  }

  /** A Dense from a weight [K, M] (ONNX's row order) and an optional bias, for a value of any layout. */
  private dense(n: onnx.INodeProto, x: Value, hint: string, kernel: Float32Array, k: number, m: number, bias: Float32Array | null): void {
    let input = x;
    let rows = kernel;
    if (x.layout.kind === 'flat') {
      // The project flattens H,W,C; ONNX flattened C,H,W: reorder the kernel's rows to match.
      rows = gemmWeights(kernel, k, m, flatRowOrder(x.layout.hwc));
      input = { ...x, layout: PLAIN };
    } else if (x.layout.kind === 'pooled') {
      input = { ...x, layout: PLAIN };
    } else {
      input = this.toPlain(x, hint);
    }
    const last = input.shape[input.shape.length - 1];
    if (last !== null && last !== undefined && last !== k) this.fail(n, `the weight has ${k} rows but the input has ${last} features.`);
    const weights: ImportedWeight[] = [{ name: 'kernel', shape: [k, m], data: rows }];
    if (bias) weights.push({ name: 'bias', shape: [m], data: bias });
    const id = this.addNode(hint, 'Dense', { units: m, activation: 'linear', useBias: bias !== null }, [input.node], weights);
    this.set(n, id, PLAIN, [...input.shape.slice(0, -1), m]);
  }

  private gemm(n: onnx.INodeProto, hint: string): void {
    const inputs = n.input ?? [];
    const x = this.value(inputs[0] ?? '', hint);
    if (attrInt(n, 'transA', 0) !== 0) this.fail(n, 'transA is not supported.');
    if (x.shape.length !== 2) this.fail(n, `needs a [batch, features] input, not rank ${x.shape.length}.`);
    const b = this.constant(inputs[1], `Gemm "${hint}"`);
    if (b.dims.length !== 2) this.fail(n, 'its weight B must be a matrix.');
    const transB = attrInt(n, 'transB', 0) === 1;
    const [r, c] = b.dims as [number, number];
    const k = transB ? c : r;
    const m = transB ? r : c;
    const alpha = attrFloat(n, 'alpha', 1);
    const beta = attrFloat(n, 'beta', 1);
    const kernel = new Float32Array(k * m);
    for (let i = 0; i < k; i++) for (let j = 0; j < m; j++) kernel[i * m + j] = alpha * (transB ? (b.values[j * k + i] as number) : (b.values[i * m + j] as number));
    let bias: Float32Array | null = null;
    if (inputs[2]) {
      const cst = this.constant(inputs[2], `Gemm "${hint}"`);
      if (cst.values.length !== m && cst.values.length !== 1) this.fail(n, `its bias C has ${cst.values.length} values, not ${m}.`);
      bias = Float32Array.from({ length: m }, (_, j) => beta * (cst.values.length === 1 ? (cst.values[0] as number) : (cst.values[j] as number)));
    }
    this.dense(n, x, hint, kernel, k, m, bias);
  }

  private matmul(n: onnx.INodeProto, hint: string): void {
    const inputs = n.input ?? [];
    const x = this.value(inputs[0] ?? '', hint);
    const w = this.constant(inputs[1], `MatMul "${hint}"`);
    if (w.dims.length !== 2) this.fail(n, 'only a product with a weight matrix (an initializer [in, out]) is supported.');
    const [k, m] = w.dims as [number, number];
    // MatMul followed by Add of a bias (read by nothing else) is one Dense with a bias.
    const out = n.output?.[0] ?? '';
    const readers = this.consumers.get(out) ?? [];
    const add = readers.length === 1 && readers[0]?.opType === 'Add' ? readers[0] : null;
    const biasName = add ? (add.input ?? []).find((i) => i !== out) : undefined;
    const bias = biasName ? this.constants.get(biasName) : undefined;
    const isOutput = (this.graph.output ?? []).some((o) => o.name === out);
    if (add && bias && bias.values.length === m && !isOutput) {
      this.folded.set(add, out);
      this.dense(n, x, add.name || hint, Float32Array.from(w.values), k, m, Float32Array.from(bias.values));
      this.values.set(add.output?.[0] ?? '', this.values.get(out) as Value);
      return;
    }
    this.dense(n, x, hint, Float32Array.from(w.values), k, m, null);
  }

  private conv(n: onnx.INodeProto, hint: string): void {
    const inputs = n.input ?? [];
    const w = this.constant(inputs[1], `Conv "${hint}"`);
    if (w.dims.length !== 4) this.fail(n, `only 2-D convolutions are supported (the kernel has rank ${w.dims.length}).`);
    const x = this.toCf(this.value(inputs[0] ?? '', hint), hint, n);
    const [o, ig, kh, kw] = w.dims as [number, number, number, number];
    const cin = x.shape[1] ?? null;
    const group = attrInt(n, 'group', 1);
    const strides = attrInts(n, 'strides', [1, 1]);
    const dilations = attrInts(n, 'dilations', [1, 1]);
    const bias = inputs[2] ? Float32Array.from(this.constant(inputs[2], `Conv "${hint}"`).values) : null;
    const pad = windowPadding(n, x.shape, [kh, kw], strides, dilations, 'conv');
    if (typeof pad === 'string') this.fail(n, pad);
    let src = x;
    if (pad.zeroPadding) src = { node: this.addNode(`${hint}/pad`, 'ZeroPadding2D', { padding: pad.zeroPadding }, [x.node]), layout: CF, shape: x.shape };
    const common = { kernelSize: [kh, kw], strides, padding: pad.padding, dilationRate: dilations, activation: 'linear', useBias: bias !== null };
    let id: string;
    if (group === 1) {
      if (cin !== null && cin !== ig) this.fail(n, `the kernel expects ${ig} input channels but the input has ${cin}.`);
      const weights: ImportedWeight[] = [{ name: 'kernel', shape: [kh, kw, ig, o], data: convWeights(w.values, o, ig, kh, kw) }];
      if (bias) weights.push({ name: 'bias', shape: [o], data: bias });
      id = this.addNode(hint, 'Conv2D', { filters: o, ...common }, [src.node], weights);
    } else if (ig === 1 && cin === group && o % group === 0) {
      const mult = o / group;
      const weights: ImportedWeight[] = [{ name: 'depthwise_kernel', shape: [kh, kw, group, mult], data: depthwiseWeights(w.values, group, mult, kh, kw) }];
      if (bias) weights.push({ name: 'bias', shape: [o], data: bias });
      id = this.addNode(hint, 'DepthwiseConv2D', { depthMultiplier: mult, ...common }, [src.node], weights);
    } else {
      this.fail(n, `group ${group} is not supported: Netwright has ordinary (group 1) and depthwise (group = input channels) convolutions.`);
    }
    this.set(n, id, CF, [x.shape[0] ?? null, o, ...pad.out]);
  }

  private pool(n: onnx.INodeProto, hint: string): void {
    const x = this.toCf(this.value(n.input?.[0] ?? '', hint), hint, n);
    const kernel = attrInts(n, 'kernel_shape', []);
    if (kernel.length !== 2) this.fail(n, 'only 2-D pooling is supported.');
    const strides = attrInts(n, 'strides', [1, 1]);
    const dilations = attrInts(n, 'dilations', [1, 1]);
    if (dilations.some((d) => d !== 1)) this.fail(n, 'dilated pooling is not supported.');
    const max = n.opType === 'MaxPool';
    const pad = windowPadding(n, x.shape, kernel, strides, [1, 1], max ? 'max' : attrInt(n, 'count_include_pad', 0) === 1 ? 'avg-include' : 'avg');
    if (typeof pad === 'string') this.fail(n, pad);
    let src = x;
    if (pad.zeroPadding) src = { node: this.addNode(`${hint}/pad`, 'ZeroPadding2D', { padding: pad.zeroPadding }, [x.node]), layout: CF, shape: x.shape };
    const id = this.addNode(hint, max ? 'MaxPooling2D' : 'AveragePooling2D', { poolSize: kernel, strides, padding: pad.padding }, [src.node]);
    this.set(n, id, CF, [x.shape[0] ?? null, x.shape[1] ?? null, ...pad.out]);
  }

  private batchNorm(n: onnx.INodeProto, hint: string): void {
    const inputs = n.input ?? [];
    let x = this.value(inputs[0] ?? '', hint);
    if ((n.output ?? []).filter(Boolean).length > 1) this.fail(n, 'training-mode outputs (running mean and variance) are not supported.');
    if (x.shape.length === 4) x = this.toCf(x, hint, n);
    else if (x.shape.length !== 2) this.fail(n, `normalizing the channels of a rank-${x.shape.length} tensor is not supported (images and feature vectors are).`);
    else if (x.layout.kind === 'flat') x = this.toPlain(x, hint);
    const [scale, bias, mean, variance] = [1, 2, 3, 4].map((i) => Float32Array.from(this.constant(inputs[i], `BatchNormalization "${hint}"`).values)) as [Float32Array, Float32Array, Float32Array, Float32Array];
    const c = scale.length;
    const weights: ImportedWeight[] = [
      { name: 'gamma', shape: [c], data: scale },
      { name: 'beta', shape: [c], data: bias },
      { name: 'moving_mean', shape: [c], data: mean },
      { name: 'moving_variance', shape: [c], data: variance },
    ];
    const id = this.addNode(hint, 'BatchNormalization', { epsilon: attrFloat(n, 'epsilon', 1e-5), center: true, scale: true }, [x.node], weights);
    this.set(n, id, x.layout, x.shape);
  }

  /** Two or more tensors in one layout (converted to plain where they differ). */
  private sameLayout(xs: Value[], hint: string): Value[] {
    const first = xs[0] as Value;
    const same = xs.every((x) => x.layout.kind === first.layout.kind && JSON.stringify(x.layout) === JSON.stringify(first.layout));
    return same ? xs : xs.map((x) => this.toPlain(x, hint));
  }

  private merge(n: onnx.INodeProto, hint: string): void {
    const names = (n.input ?? []).filter(Boolean);
    const constant = names.find((i) => this.constants.has(i));
    if (constant) this.fail(n, `combining a tensor with the constant "${constant}" is not supported; Netwright merges tensors computed by layers.`);
    const xs = this.sameLayout(names.map((i) => this.value(i, hint)), hint);
    const shapes = xs.map((x) => JSON.stringify(x.shape.slice(1)));
    if (shapes.some((s) => s !== shapes[0])) this.fail(n, `its inputs differ in shape (${xs.map((x) => JSON.stringify(x.shape)).join(' and ')}); broadcasting is not supported.`);
    const type = MERGES[n.opType as string] as string;
    const params: Record<string, ParamValue> = type === 'Subtract' ? {} : { inputs: xs.length };
    const first = xs[0] as Value;
    this.set(n, this.addNode(hint, type, params, xs.map((x) => x.node)), first.layout, first.shape);
  }

  /** A Concat of constants (a bias built from parts) is a constant. */
  private foldConcat(n: onnx.INodeProto, names: readonly string[]): void {
    const parts = names.map((i) => this.constants.get(i) as Constant);
    const first = parts[0] as Constant;
    const rank = first.dims.length;
    const raw = attrInt(n, 'axis', 0);
    const axis = raw < 0 ? raw + rank : raw;
    const outer = first.dims.slice(0, axis).reduce((a, b) => a * b, 1);
    const chunk = (c: Constant) => c.dims.slice(axis).reduce((a, b) => a * b, 1);
    const values: number[] = [];
    for (let o = 0; o < outer; o++) for (const c of parts) for (let k = 0; k < chunk(c); k++) values.push(c.values[o * chunk(c) + k] as number);
    const dims = first.dims.map((d, i) => (i === axis ? parts.reduce((a, c) => a + (c.dims[i] as number), 0) : d));
    this.constants.set(n.output?.[0] ?? '', { dims, values: first.values instanceof Float32Array ? Float32Array.from(values) : values });
  }

  private concat(n: onnx.INodeProto, hint: string): void {
    const names = (n.input ?? []).filter(Boolean);
    if (names.length > 0 && names.every((i) => this.constants.has(i))) return this.foldConcat(n, names);
    if (names.length < 2) return this.alias(n, this.value(names[0] ?? '', hint));
    let xs = names.map((i) => this.value(i, hint));
    if (xs.some((x) => !['plain', 'cf', 'pooled'].includes(x.layout.kind))) xs = xs.map((x) => this.toPlain(x, hint));
    xs = this.sameLayout(xs, hint);
    const first = xs[0] as Value;
    const rank = first.shape.length;
    const raw = attrInt(n, 'axis', 1);
    const axis = raw < 0 ? raw + rank : raw;
    if (axis === 0) this.fail(n, 'joining along the batch axis is not supported.');
    // ONNX axis → the project's: channels-first images keep channels last.
    const ours = first.layout.kind === 'cf' ? ({ 1: 3, 2: 1, 3: 2 } as Record<number, number>)[axis] : axis;
    const shape = first.shape.map((d, i) => (i === axis ? prod(xs.map((x) => x.shape[i] ?? null)) === null ? null : xs.reduce((a, x) => a + (x.shape[i] as number), 0) : d));
    this.set(n, this.addNode(hint, 'Concatenate', { axis: ours ?? axis, inputs: xs.length }, xs.map((x) => x.node)), first.layout, shape);
  }
}
