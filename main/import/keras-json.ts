import { z } from 'zod';
import type { Graph, GraphEdge, GraphNode, ProjectDoc } from '../../shared/graph/document';
import { ProjectDocSchema, emptyProject } from '../../shared/graph/document';
import { MAX_NODES } from '../../shared/graph/graph-schema';
import type { LayerSpec, ParamSpec, ParamValue } from '../../shared/layers/types';
import { getLayerSpec } from '../../shared/layers/registry';
import { inputPorts } from '../../shared/layers/ports';
import { layeredLayout } from './layout';
import { elkLayout } from './elk-layout';

/**
 * Import of a Keras / TF.js model description into a Netwright project:
 * a TF.js LayersModel `model.json` (its `modelTopology`, with or without
 * `model_config`), or the JSON of Keras's `model.to_json()` (Keras 2 or 3),
 * Sequential or Functional, with snake_case or camelCase configs.
 * Layer types Netwright does not have are an ImportError naming them; nothing
 * is dropped silently. Details that do not change the architecture and that
 * Netwright has no field for (constraints, seeds...) are listed as warnings.
 */

export class ImportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImportError';
  }
}

export interface ImportResult {
  readonly doc: ProjectDoc;
  /** Things in the file that Netwright keeps no record of. */
  readonly warnings: readonly string[];
}

// ---------------------------------------------------------------------------
// The file, validated loosely: only the structure we walk is checked.

type Dict = Record<string, unknown>;

const LayerEntrySchema = z.looseObject({
  class_name: z.string().optional(),
  className: z.string().optional(),
  name: z.string().optional(),
  config: z.record(z.string(), z.unknown()).optional(),
  inbound_nodes: z.array(z.unknown()).optional(),
  inboundNodes: z.array(z.unknown()).optional(),
});
type LayerEntry = z.infer<typeof LayerEntrySchema>;

const ModelSchema = z.looseObject({
  class_name: z.string().optional(),
  className: z.string().optional(),
  config: z.union([z.record(z.string(), z.unknown()), z.array(LayerEntrySchema)]),
});

const isDict = (x: unknown): x is Dict => typeof x === 'object' && x !== null && !Array.isArray(x);

/** Keras snake_case → tfjs camelCase (`kernel_size` → `kernelSize`). */
export const camel = (s: string): string => s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
const snake = (s: string): string => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

const className = (e: { class_name?: string | undefined; className?: string | undefined }): string => e.class_name ?? e.className ?? '';

/** Finds the model object in a model.json or to_json() text. */
function findModel(json: unknown): z.infer<typeof ModelSchema> {
  let node: unknown = json;
  for (let i = 0; i < 3 && isDict(node); i++) {
    if ('modelTopology' in node) node = node['modelTopology'];
    else if ('model_config' in node) node = node['model_config'];
    else if ('modelConfig' in node) node = node['modelConfig'];
    else break;
  }
  const parsed = ModelSchema.safeParse(node);
  if (!parsed.success) {
    throw new ImportError('This is not a Keras or TF.js model: expected a model.json (with modelTopology) or the JSON of Keras\'s model.to_json().');
  }
  return parsed.data;
}

/** A config value by its Netwright (camelCase) name, also under its snake_case spelling. */
function cfg(config: Dict, name: string): unknown {
  if (name in config) return config[name];
  const s = snake(name);
  return s in config ? config[s] : undefined;
}

// ---------------------------------------------------------------------------
// Layer type mapping

/** Keras class names whose Netwright type has another name. */
const TYPE_ALIASES: Readonly<Record<string, string>> = {
  NetwrightGRU: 'GRU',
  TokenAndPositionEmbedding: 'PositionalEmbedding',
};

/** Keras config keys under another name than the Netwright param. */
const KEY_ALIASES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  PositionalEmbedding: { inputDim: 'vocabularySize', outputDim: 'embeddingDim' },
};

/** Keys that carry no architecture (or that we derive), never worth a warning. */
const IGNORED_KEYS = new Set([
  'name', 'trainable', 'dtype', 'batch_input_shape', 'batchInputShape', 'batch_shape', 'batchShape', 'input_shape', 'inputShape',
  'sparse', 'ragged', 'seed', 'axis', 'implementation', 'unroll', 'unit_forget_bias', 'unitForgetBias', 'data_format', 'dataFormat',
  'input_length', 'inputLength', 'noise_shape', 'noiseShape', 'groups', 'layer', 'merge_mode', 'mergeMode', 'time_major',
  'beta_initializer', 'gamma_initializer', 'moving_mean_initializer', 'moving_variance_initializer',
  'betaInitializer', 'gammaInitializer', 'movingMeanInitializer', 'movingVarianceInitializer', 'beta_regularizer', 'gamma_regularizer',
  'synchronized', 'rms_scaling', 'lora_rank', 'lora_alpha', 'quantization_config',
  'kernel_initializer', 'bias_initializer', 'recurrent_initializer', 'embeddings_initializer', 'depthwise_initializer',
  'pointwise_initializer', 'kernel_regularizer', 'bias_regularizer', 'recurrent_regularizer', 'embeddings_regularizer',
  'depthwise_regularizer', 'pointwise_regularizer', 'kernelInitializer', 'biasInitializer', 'recurrentInitializer',
  'embeddingsInitializer', 'kernelRegularizer', 'biasRegularizer', 'embeddingsRegularizer', 'stateful', 'return_state', 'returnState',
  'go_backwards', 'goBackwards', 'use_causal_mask', 'attention_axes', 'query_shape', 'key_shape', 'value_shape', 'keepdims', 'output_shape', 'outputShape', 'value_dim', 'valueDim',
]);

const INITIALIZER_CLASSES: Readonly<Record<string, string>> = {
  GlorotUniform: 'glorotUniform',
  GlorotNormal: 'glorotNormal',
  HeUniform: 'heUniform',
  HeNormal: 'heNormal',
  LecunUniform: 'leCunUniform',
  LecunNormal: 'leCunNormal',
  LeCunUniform: 'leCunUniform',
  LeCunNormal: 'leCunNormal',
  Orthogonal: 'orthogonal',
  RandomNormal: 'randomNormal',
  RandomUniform: 'randomUniform',
  TruncatedNormal: 'truncatedNormal',
  Zeros: 'zeros',
  Ones: 'ones',
};

/** tfjs writes glorot/he/lecun initializers as VarianceScaling; name them back. */
function varianceScalingName(c: Dict): string | null {
  const scale = c['scale'];
  const mode = camel(String(c['mode'] ?? ''));
  const dist = camel(String(c['distribution'] ?? ''));
  const normal = dist === 'normal' || dist === 'truncatedNormal' || dist === 'untruncatedNormal';
  const kind = dist === 'uniform' ? 'Uniform' : normal ? 'Normal' : null;
  if (!kind) return null;
  if (scale === 1 && mode === 'fanAvg') return `glorot${kind}`;
  if (scale === 2 && mode === 'fanIn') return `he${kind}`;
  if (scale === 1 && mode === 'fanIn') return `leCun${kind}`;
  return null;
}

function initializerName(value: unknown): string | null {
  if (typeof value === 'string') {
    const c = camel(value);
    return c.replace(/^lecun/, 'leCun');
  }
  if (isDict(value)) {
    const cls = className(value as LayerEntry);
    const inner = isDict(value['config']) ? value['config'] : {};
    if (cls === 'VarianceScaling') return varianceScalingName(inner);
    return INITIALIZER_CLASSES[cls] ?? null;
  }
  return null;
}

/** Keras activation names that tfjs spells differently. */
const ACTIVATION_ALIASES: Readonly<Record<string, string>> = { silu: 'swish', leakyRelu: 'leakyRelu', hardSigmoid: 'hardSigmoid' };

function activationName(value: unknown): string | null {
  let name: unknown = value;
  if (isDict(value)) name = value['class_name'] ?? value['className'] ?? (isDict(value['config']) ? value['config']['name'] : undefined);
  if (typeof name !== 'string') return null;
  const c = camel(name.charAt(0).toLowerCase() + name.slice(1));
  return ACTIVATION_ALIASES[c] ?? c;
}

// ---------------------------------------------------------------------------
// Params

interface LayerContext {
  readonly layerName: string;
  readonly kerasClass: string;
  readonly warnings: string[];
}

function fail(ctx: LayerContext, what: string): never {
  throw new ImportError(`Layer "${ctx.layerName}" (${ctx.kerasClass}): ${what}`);
}

/** Flattens nested number lists ([[1, 1], [2, 2]] → [1, 1, 2, 2]). */
function flatNumbers(value: unknown): (number | null)[] | null {
  if (typeof value === 'number' || value === null) return [value];
  if (!Array.isArray(value)) return null;
  const out: (number | null)[] = [];
  for (const v of value) {
    const inner = flatNumbers(v);
    if (!inner) return null;
    out.push(...inner);
  }
  return out;
}

function convertParam(spec: ParamSpec, raw: unknown, ctx: LayerContext): ParamValue | undefined {
  if (raw === undefined || raw === null) return undefined;
  switch (spec.kind) {
    case 'int':
    case 'float': {
      let v: unknown = raw;
      if (Array.isArray(v)) {
        const nums = flatNumbers(v);
        if (!nums || nums.length === 0 || nums.some((n) => n !== nums[0])) fail(ctx, `${spec.label} ${JSON.stringify(raw)} has different values per axis, which Netwright's ${spec.label} cannot hold.`);
        v = nums[0];
      }
      if (typeof v !== 'number') fail(ctx, `${spec.label} must be a number, not ${JSON.stringify(raw)}.`);
      return v;
    }
    case 'bool':
      if (typeof raw !== 'boolean') fail(ctx, `${spec.label} must be true or false, not ${JSON.stringify(raw)}.`);
      return raw;
    case 'enum': {
      const v = spec.name === 'activation' || spec.name === 'recurrentActivation' ? activationName(raw) : typeof raw === 'string' ? raw : null;
      const candidates = v === null ? [] : [v, camel(v), v.toLowerCase()];
      const hit = candidates.find((c) => spec.options.includes(c));
      if (hit === undefined) fail(ctx, `${spec.label} "${typeof raw === 'string' ? raw : JSON.stringify(raw)}" is not supported (Netwright has ${spec.options.join(', ')}).`);
      return hit;
    }
    case 'shape': {
      const nums = flatNumbers(raw);
      if (!nums) fail(ctx, `${spec.label} must be a list of numbers, not ${JSON.stringify(raw)}.`);
      // One number for a 2-D size: Keras repeats it per axis.
      if (typeof raw === 'number' && spec.default.length > 1 && spec.name !== 'padding' && spec.name !== 'cropping') {
        return spec.default.map(() => raw);
      }
      return nums;
    }
    default:
      return undefined;
  }
}

/** Fills the initializer/regularizer params (`<w>Initializer`, `<w>Regularizer`, `<w>L1`, `<w>L2`). */
function weightParam(spec: ParamSpec, config: Dict, params: Record<string, ParamValue>, ctx: LayerContext): boolean {
  const init = /^(\w+)Initializer$/.exec(spec.name);
  if (init && spec.kind === 'enum') {
    const raw = cfg(config, spec.name);
    if (raw === undefined || raw === null) return true;
    const name = initializerName(raw);
    if (name && spec.options.includes(name)) params[spec.name] = name;
    else ctx.warnings.push(`Layer "${ctx.layerName}": initializer ${JSON.stringify(raw)} is not one Netwright offers; ${spec.label} stays ${String(spec.default)}.`);
    return true;
  }
  const reg = /^(\w+)Regularizer$/.exec(spec.name);
  if (reg && spec.kind === 'enum') {
    const raw = cfg(config, spec.name);
    if (!isDict(raw)) return true;
    const inner = isDict(raw['config']) ? raw['config'] : {};
    const l1 = typeof inner['l1'] === 'number' ? inner['l1'] : 0;
    const l2 = typeof inner['l2'] === 'number' ? inner['l2'] : 0;
    const cls = className(raw as LayerEntry);
    if (!['L1L2', 'L1', 'L2', 'l1_l2', 'l1', 'l2'].includes(cls)) fail(ctx, `regularizer ${cls} is not supported (Netwright has l1, l2, l1l2).`);
    const w = reg[1] as string;
    params[spec.name] = l1 > 0 && l2 > 0 ? 'l1l2' : l1 > 0 ? 'l1' : l2 > 0 ? 'l2' : 'none';
    if (l1 > 0) params[`${w}L1`] = l1;
    if (l2 > 0) params[`${w}L2`] = l2;
    return true;
  }
  return /^\w+L[12]$/.test(spec.name) && spec.kind === 'float';
}

function paramsFromConfig(spec: LayerSpec, config: Dict, ctx: LayerContext, skip: readonly string[] = []): Record<string, ParamValue> {
  const params: Record<string, ParamValue> = {};
  const aliases = KEY_ALIASES[spec.type] ?? {};
  for (const p of spec.params) {
    if (skip.includes(p.name)) continue;
    if (weightParam(p, config, params, ctx)) continue;
    let raw = cfg(config, p.name);
    if (raw === undefined && aliases[p.name]) raw = cfg(config, aliases[p.name] as string);
    const value = convertParam(p, raw, ctx);
    if (value !== undefined) params[p.name] = value;
  }
  return params;
}

/** Warns about config entries that matter but have no Netwright param. */
function warnUnused(spec: LayerSpec, config: Dict, ctx: LayerContext): void {
  const known = new Set(spec.params.flatMap((p) => [p.name, snake(p.name)]));
  for (const alias of Object.values(KEY_ALIASES[spec.type] ?? {})) known.add(snake(alias)).add(alias);
  for (const [key, value] of Object.entries(config)) {
    if (known.has(key) || known.has(camel(key)) || IGNORED_KEYS.has(key) || value === null || value === false) continue;
    if (key === 'dilation_rate' || key === 'dilationRate') {
      const nums = flatNumbers(value);
      if (nums?.every((n) => n === 1)) continue;
    }
    ctx.warnings.push(`Layer "${ctx.layerName}" (${ctx.kerasClass}): ${key} = ${JSON.stringify(value)} has no Netwright setting and was left out.`);
  }
  for (const key of ['return_state', 'returnState', 'go_backwards', 'goBackwards', 'stateful', 'use_causal_mask']) {
    if (config[key] === true) fail(ctx, `${key} is not supported.`);
  }
  const out = cfg(config, 'outputShape');
  if (spec.type !== 'MultiHeadAttention' && out !== undefined && out !== null) fail(ctx, `output_shape ${JSON.stringify(out)} is not supported.`);
}

/** Netwright type and params of one Keras layer (InputLayer excluded). */
function convertLayer(entry: LayerEntry, ctx: LayerContext): { type: string; params: Record<string, ParamValue> } {
  const kerasClass = className(entry);
  const config: Dict = isDict(entry.config) ? entry.config : {};

  if (kerasClass === 'ReLU' || kerasClass === 'Softmax') {
    const extra = Object.entries(config).filter(([k, v]) => !IGNORED_KEYS.has(k) && v !== null && !(k === 'negative_slope' && v === 0) && !(k === 'threshold' && v === 0));
    if (extra.length > 0) fail(ctx, `${extra.map(([k]) => k).join(', ')} is not supported; use a plain ${kerasClass}.`);
    return { type: 'Activation', params: { activation: kerasClass.toLowerCase() } };
  }
  if (kerasClass === 'Bidirectional' || kerasClass === 'TimeDistributed') {
    const inner = config['layer'];
    if (!isDict(inner)) fail(ctx, 'the wrapped layer is missing.');
    const innerClass = className(inner as LayerEntry);
    const innerType = TYPE_ALIASES[innerClass] ?? innerClass;
    const innerConfig = isDict(inner['config']) ? inner['config'] : {};
    const spec = getLayerSpec(kerasClass) as LayerSpec;
    if (kerasClass === 'TimeDistributed') {
      if (innerType !== 'Dense') fail(ctx, `TimeDistributed wraps ${innerClass}; Netwright's TimeDistributed wraps Dense only.`);
      warnUnused(spec, innerConfig, ctx);
      return { type: kerasClass, params: paramsFromConfig(spec, innerConfig, ctx) };
    }
    if (!['SimpleRNN', 'LSTM', 'GRU'].includes(innerType)) fail(ctx, `Bidirectional wraps ${innerClass}; Netwright wraps SimpleRNN, LSTM or GRU.`);
    const params = paramsFromConfig(spec, innerConfig, ctx, ['layer', 'mergeMode']);
    params['layer'] = innerType;
    const merge = cfg(config, 'mergeMode');
    if (merge !== undefined && merge !== null) params['mergeMode'] = convertParam(spec.params.find((p) => p.name === 'mergeMode') as ParamSpec, merge, ctx) as string;
    else if (merge === null) fail(ctx, 'merge_mode None (two outputs) is not supported.');
    if (innerType === 'GRU' && cfg(innerConfig, 'resetAfter') === undefined) params['resetAfter'] = innerClass === 'NetwrightGRU';
    warnUnused(spec, innerConfig, ctx);
    return { type: kerasClass, params };
  }

  const type = TYPE_ALIASES[kerasClass] ?? kerasClass;
  const spec = getLayerSpec(type);
  if (!spec || type === 'Input') fail(ctx, `Netwright has no ${kerasClass} layer, so this model cannot be imported.`);
  const params = paramsFromConfig(spec, config, ctx);
  if (type === 'MultiHeadAttention') {
    const out = cfg(config, 'outputShape');
    if (out !== undefined && out !== null) {
      const nums = flatNumbers(out);
      if (!nums || nums.length !== 1 || typeof nums[0] !== 'number') fail(ctx, `output_shape ${JSON.stringify(out)} is not supported (one size only).`);
      params['outputShape'] = nums[0];
    }
    const axes = cfg(config, 'attentionAxes');
    if (axes !== undefined && axes !== null && !(Array.isArray(axes) && axes.length === 1 && (axes[0] === 1 || axes[0] === -2))) {
      fail(ctx, `attention_axes ${JSON.stringify(axes)} is not supported (Netwright attends over the time axis).`);
    }
  }
  if (type === 'GRU' && cfg(config, 'resetAfter') === undefined) params['resetAfter'] = kerasClass === 'NetwrightGRU';
  // Keras (and tfjs) write pooling strides equal to the pool size; ours leave them at "same as the pool".
  if (/Pooling[12]D$/.test(type) && JSON.stringify(params['strides']) === JSON.stringify(params['poolSize'] ?? spec.params.find((p) => p.name === 'poolSize')?.default)) {
    delete params['strides'];
  }
  if (type === 'Dot') {
    const axes = cfg(config, 'axes');
    const nums = flatNumbers(axes);
    if (nums && nums.length > 1 && nums.some((n) => n !== nums[0])) fail(ctx, `axes ${JSON.stringify(axes)} differ per input; Netwright's Dot uses one axis for both.`);
  }
  warnUnused(spec, config, ctx);
  return { type, params };
}

function inputParams(config: Dict, ctx: LayerContext): Record<string, ParamValue> {
  const batchShape = cfg(config, 'batchInputShape') ?? cfg(config, 'batchShape');
  const plainShape = cfg(config, 'inputShape') ?? cfg(config, 'shape');
  let shape: (number | null)[] | null = null;
  if (Array.isArray(batchShape)) shape = (batchShape as (number | null)[]).slice(1);
  else if (Array.isArray(plainShape)) shape = plainShape as (number | null)[];
  if (!shape || shape.some((d) => d !== null && typeof d !== 'number')) fail(ctx, 'its input shape is missing or not a list of sizes.');
  const dtype = cfg(config, 'dtype');
  const dtypeName = typeof dtype === 'string' ? dtype : isDict(dtype) && isDict(dtype['config']) ? String(dtype['config']['name']) : 'float32';
  return { shape, dtype: /^u?int/.test(dtypeName) ? 'int32' : 'float32' };
}

// ---------------------------------------------------------------------------
// Graph

interface Inbound {
  readonly source: string;
  /** Keyword the tensor was passed under (Keras 3 kwargs / Keras 2 call kwargs), if any. */
  readonly keyword?: string;
}

/** A `__keras_tensor__` (Keras 3) or `[name, node, tensor, kwargs]` (Keras 2 / tfjs) reference. */
function tensorRef(x: unknown, ctx: LayerContext): Inbound | null {
  if (isDict(x) && className(x as LayerEntry) === '__keras_tensor__') {
    const history = isDict(x['config']) ? x['config']['keras_history'] : undefined;
    if (Array.isArray(history) && typeof history[0] === 'string') {
      if (history[2] !== 0) fail(ctx, `it reads output ${String(history[2])} of "${history[0]}"; layers with several outputs are not supported.`);
      return { source: history[0] };
    }
  }
  if (Array.isArray(x) && typeof x[0] === 'string' && typeof x[1] === 'number') {
    if (typeof x[2] === 'number' && x[2] !== 0) fail(ctx, `it reads output ${x[2]} of "${x[0]}"; layers with several outputs are not supported.`);
    return { source: x[0] };
  }
  return null;
}

function collectTensors(x: unknown, ctx: LayerContext, out: Inbound[], keyword?: string): void {
  const ref = tensorRef(x, ctx);
  if (ref) {
    out.push(keyword ? { ...ref, keyword } : ref);
    if (Array.isArray(x) && isDict(x[3])) {
      for (const [k, v] of Object.entries(x[3])) collectTensors(v, ctx, out, k);
    }
    return;
  }
  if (Array.isArray(x)) for (const item of x) collectTensors(item, ctx, out, keyword);
}

function inboundOf(entry: LayerEntry, ctx: LayerContext): Inbound[] {
  const nodes = entry.inbound_nodes ?? entry.inboundNodes ?? [];
  if (nodes.length > 1) fail(ctx, 'it is called more than once (a shared layer); Netwright has no shared weights.');
  const node = nodes[0];
  if (node === undefined) return [];
  const out: Inbound[] = [];
  if (isDict(node) && ('args' in node || 'kwargs' in node)) {
    collectTensors(node['args'], ctx, out);
    if (isDict(node['kwargs'])) for (const [k, v] of Object.entries(node['kwargs'])) collectTensors(v, ctx, out, k);
  } else {
    collectTensors(node, ctx, out);
  }
  return out;
}

/** Assigns inbound tensors to the node's ports: by keyword where given, else in order. */
function assignPorts(spec: LayerSpec, params: Record<string, ParamValue>, inbound: readonly Inbound[], ctx: LayerContext): { port: string; source: string }[] {
  const ports = inputPorts(spec, params);
  const taken = new Map<string, string>();
  const positional: Inbound[] = [];
  for (const t of inbound) {
    const port = t.keyword && ports.find((p) => p.name === camel(t.keyword as string));
    if (port) taken.set(port.name, t.source);
    else if (t.keyword && ['mask', 'attentionMask', 'attention_mask', 'initial_state', 'initialState'].includes(t.keyword)) {
      fail(ctx, `it is given a tensor as ${t.keyword}, which is not supported.`);
    } else positional.push(t);
  }
  for (const port of ports) {
    if (taken.has(port.name)) continue;
    const next = positional.shift();
    if (next) taken.set(port.name, next.source);
  }
  if (positional.length > 0) fail(ctx, `it has ${inbound.length} inputs but Netwright's ${spec.type} takes ${ports.length}.`);
  const missing = ports.filter((p) => !p.optional && !taken.has(p.name));
  if (missing.length > 0) fail(ctx, `its ${missing.map((p) => p.label).join(', ')} input is not connected.`);
  return [...taken].map(([port, source]) => ({ port, source }));
}

const MERGE_TYPES = new Set(['Add', 'Multiply', 'Average', 'Maximum', 'Minimum', 'Concatenate']);

/** Converts a parsed Keras/TF.js model description to a Netwright project. */
export function importKerasModel(json: unknown, options: { name?: string } = {}): ImportResult {
  const model = findModel(json);
  const kind = className(model);
  const warnings: string[] = [];
  const rawLayers = Array.isArray(model.config) ? model.config : (model.config['layers'] ?? []);
  if (Array.isArray(rawLayers) && rawLayers.length > MAX_NODES) {
    throw new ImportError(`The model lists ${rawLayers.length.toLocaleString('en-US')} layers; a project holds at most ${MAX_NODES.toLocaleString('en-US')}. Nothing was imported.`);
  }
  const parsedLayers = z.array(LayerEntrySchema).safeParse(rawLayers);
  if (!parsedLayers.success || parsedLayers.data.length === 0) throw new ImportError('The model lists no layers.');
  const layers = parsedLayers.data;
  const modelName = options.name ?? (isDict(model.config) && typeof model.config['name'] === 'string' ? model.config['name'] : 'Imported model');

  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const ids = new Set<string>();
  const addNode = (name: string, type: string, params: Record<string, ParamValue>): string => {
    let id = name || type.toLowerCase();
    for (let i = 2; ids.has(id); i++) id = `${name}_${i}`;
    ids.add(id);
    nodes.push({ id, type, name, position: { x: 0, y: 0 }, params: params as GraphNode['params'] });
    return id;
  };
  const connect = (source: string, target: string, port: string) => {
    edges.push({ id: `e${edges.length + 1}`, source, target, targetPort: port });
  };

  if (kind === 'Sequential') {
    let previous: string | null = null;
    layers.forEach((entry, i) => {
      const layerName = (entry.config?.['name'] as string | undefined) ?? entry.name ?? `layer_${i + 1}`;
      const ctx: LayerContext = { layerName, kerasClass: className(entry), warnings };
      const config: Dict = entry.config ?? {};
      if (className(entry) === 'InputLayer') {
        previous = addNode(layerName, 'Input', inputParams(config, ctx));
        return;
      }
      if (previous === null) {
        // Keras 2 style: the first layer carries the input shape.
        previous = addNode('input', 'Input', inputParams(config, ctx));
      }
      const { type, params } = convertLayer(entry, ctx);
      const spec = getLayerSpec(type) as LayerSpec;
      const ports = inputPorts(spec, params);
      if (ports.length !== 1 && MERGE_TYPES.has(type)) fail(ctx, 'a merge layer cannot be part of a Sequential model.');
      const id = addNode(layerName, type, params);
      connect(previous, id, ports[0]?.name ?? 'in');
      previous = id;
    });
  } else if (kind === 'Functional' || kind === 'Model') {
    const idByLayer = new Map<string, string>();
    const pending: { id: string; inbound: Inbound[]; spec: LayerSpec; params: Record<string, ParamValue>; ctx: LayerContext }[] = [];
    for (const [i, entry] of layers.entries()) {
      const layerName = entry.name ?? (entry.config?.['name'] as string | undefined) ?? `layer_${i + 1}`;
      const ctx: LayerContext = { layerName, kerasClass: className(entry), warnings };
      if (className(entry) === 'InputLayer') {
        idByLayer.set(layerName, addNode(layerName, 'Input', inputParams(entry.config ?? {}, ctx)));
        continue;
      }
      const { type, params } = convertLayer(entry, ctx);
      const inbound = inboundOf(entry, ctx);
      if (MERGE_TYPES.has(type) && getLayerSpec(type)?.variadicInputs) params['inputs'] = inbound.length;
      const id = addNode(layerName, type, params);
      idByLayer.set(layerName, id);
      pending.push({ id, inbound, spec: getLayerSpec(type) as LayerSpec, params, ctx });
    }
    for (const p of pending) {
      for (const { port, source } of assignPorts(p.spec, p.params, p.inbound, p.ctx)) {
        const from = idByLayer.get(source);
        if (!from) fail(p.ctx, `it is fed by "${source}", which is not in the model.`);
        connect(from, p.id, port);
      }
    }
  } else {
    throw new ImportError(`A ${kind || 'model without class_name'} cannot be imported: expected Sequential or Functional (Model).`);
  }

  const graph: Graph = { nodes: layeredLayout(nodes, edges), edges };
  const doc = ProjectDocSchema.safeParse({ ...emptyProject(modelName), graph });
  if (!doc.success) {
    const first = doc.error.issues[0];
    throw new ImportError(`The imported project is not valid: ${first?.path.join('.') ?? ''} ${first?.message ?? ''}`.trim());
  }
  return { doc: doc.data, warnings };
}

/** Parses model.json / to_json() text and converts it. */
export function importKerasJson(text: string, options: { name?: string } = {}): ImportResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ImportError(`The file is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  return importKerasModel(json, options);
}

/** `importKerasJson` with the nodes placed by ELK's layered layout (what the CLI and the app use). */
export async function importKerasJsonWithLayout(text: string, options: { name?: string } = {}): Promise<ImportResult> {
  const result = importKerasJson(text, options);
  const { nodes } = await elkLayout(result.doc.graph.nodes, result.doc.graph.edges);
  return { ...result, doc: { ...result.doc, graph: { ...result.doc.graph, nodes } } };
}
