import * as tf from '@tensorflow/tfjs';
import type { ConvLayer, ExplainOptions, Explanation, ExplanationDetail } from '../../shared/training/explain';
import { MAX_EXPLAIN_SIDE, MAX_EXPLAIN_TOKENS } from '../../shared/training/explain';
import type { Preprocessing } from '../../shared/training/runs';
import type { SampleView } from '../../shared/training/events';
import { layerNames } from '../../shared/graph/compile';
import type { Graph } from '../../shared/graph/document';
import { gradCam, inputGradient, resizeMap, saliencyMap, scaleToMax, scoreKind, sequenceAttributions, type ScoreTarget } from './attribution';
import { predictionOf } from './predict';
import { loadRunExample, type ExampleRequest } from './run-example';
import { PAD_ID, sequencePlacement, tokenize } from './datasets/text';

/** tfjs layer name -> the graph node it was built from, for a run's graph (names are made from nodes as the compiler makes them). */
export function nodeIdsByLayer(graph: Graph): Map<string, string> {
  return new Map([...layerNames(graph.nodes)].map(([id, name]) => [name, id]));
}

/**
 * Layers whose output is a grid of feature maps with more than one cell, computed by
 * some weights (a Reshape of the input is the input again): what Grad-CAM can look at.
 */
export function convLayers(model: tf.LayersModel, nodeIds: ReadonlyMap<string, string>): ConvLayer[] {
  const learned = new Set<string>();
  for (const l of model.layers) {
    if (l.weights.length > 0 || l.inboundNodes.some((n) => n.inboundLayers.some((i) => learned.has(i.name)))) learned.add(l.name);
  }
  return model.layers.flatMap((l) => {
    if (l.getClassName() === 'InputLayer' || !learned.has(l.name)) return [];
    let shape: (number | null)[];
    try {
      shape = l.outputShape as (number | null)[];
    } catch {
      return [];
    }
    if (!Array.isArray(shape) || shape.length !== 4 || Array.isArray(shape[0])) return [];
    const [, h, w, c] = shape as [null, number, number, number];
    if (!(h * w > 1)) return [];
    return [{ layer: l.name, className: l.getClassName(), nodeId: nodeIds.get(l.name) ?? null, shape: [h, w, c] }];
  });
}

/** The input as an image people can look at: 0..1 values to 0..255 (other ranges stretched from their min and max). */
function displayPixels(x: Float32Array): number[] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of x) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const unit = lo >= 0 && hi <= 1;
  const span = hi - lo || 1;
  return Array.from(x, (v) => Math.round(unit ? v * 255 : ((v - lo) / span) * 255));
}

/** The text the example came from, where it is known: its words line up with the model's positions. */
function sourceText(request: ExampleRequest, sample: SampleView | null): string | null {
  if (request.input?.kind === 'text') return request.input.text;
  return sample?.kind === 'text' ? sample.text : null;
}

/** Per input column: one-hot slots summed, numeric values shown in the data's units. */
export function featureAttributions(
  x: ArrayLike<number>,
  gradient: ArrayLike<number>,
  pre: Preprocessing | null,
  names: readonly string[] | null,
): Extract<ExplanationDetail, { kind: 'features' }>['features'] {
  const at = (i: number) => ({ input: x[i] as number, gradient: gradient[i] as number, attribution: (x[i] as number) * (gradient[i] as number) });
  if (pre?.kind === 'tabular') {
    let k = 0;
    return pre.columns.map((c) => {
      if (c.type === 'numeric') {
        const one = at(k++);
        return { name: c.name, value: String(Number((one.input * c.std + c.mean).toPrecision(6))), ...one };
      }
      const slots = c.categories.map((_, j) => at(k + j));
      k += c.categories.length;
      const hot = slots.findIndex((s) => s.input === 1);
      return {
        name: c.name,
        value: hot >= 0 ? (c.categories[hot] as string) : '(missing)',
        input: hot >= 0 ? 1 : 0,
        gradient: hot >= 0 ? (slots[hot] as { gradient: number }).gradient : 0,
        attribution: slots.reduce((s, v) => s + v.attribution, 0),
      };
    });
  }
  return Array.from({ length: x.length }, (_, i) => ({ name: names?.[i] ?? `feature ${i + 1}`, value: String(Number((x[i] as number).toPrecision(6))), ...at(i) }));
}

/**
 * Why a run's model predicts what it does for one example: a saliency map and
 * Grad-CAM (images), gradient × input per token (token sequences) or per feature
 * (feature vectors), for the predicted class or `options.targetClass`.
 */
export async function explainWithRun(runDir: string, request: ExampleRequest, options: ExplainOptions = {}): Promise<Explanation> {
  const ex = await loadRunExample(runDir, request);
  const x = tf.tensor(ex.x, [1, ...ex.shape], ex.dtype);
  try {
    const model = ex.model;
    const values = tf.tidy(() => Array.from((model.predict(x) as tf.Tensor).dataSync()));
    const prediction = predictionOf(values, ex.record);
    const regression = prediction.task === 'regression';
    const outputs = regression ? prediction.values.length : prediction.probabilities.length;
    const index = options.targetClass ?? (prediction.task === 'classification' ? prediction.predicted : 0);
    if (index >= outputs) throw new Error(regression ? `The model has ${outputs} outputs; there is no output ${index}.` : `There is no class ${index}; the model has ${outputs} classes.`);
    const target: ScoreTarget = { index, regression };
    const name = prediction.task === 'classification' ? (prediction.classNames[index] ?? String(index)) : (ex.record.preprocessing?.kind === 'tabular' ? (ex.record.preprocessing.target?.name ?? `output ${index + 1}`) : `output ${index + 1}`);
    const nodeIds = nodeIdsByLayer(ex.record.graph);
    let score: number;
    let detail: ExplanationDetail;
    if (ex.dtype === 'int32') {
      const embedding = model.layers.find((l) => l.getClassName() !== 'InputLayer' && l.inboundNodes[0]?.inboundLayers.some((i) => i.getClassName() === 'InputLayer'));
      if (!embedding) throw new Error('Token attributions need a layer right after the Input (an Embedding).');
      const r = sequenceAttributions(model, x, target, embedding.name);
      score = r.score;
      const pre = ex.record.preprocessing?.kind === 'text' ? ex.record.preprocessing : null;
      const text = sourceText(request, ex.sample);
      const placed = pre && text !== null ? sequencePlacement(tokenize(text), pre) : null;
      const tokens = Array.from(ex.x, (id, position) => {
        const word = placed ? placed.kept[position - placed.start] : undefined;
        return { position, id, token: word ?? pre?.vocabulary[id] ?? `#${id}`, attribution: r.attributions[position] as number };
      }).filter((t) => t.id !== PAD_ID);
      detail = { kind: 'text', tokens: tokens.slice(-MAX_EXPLAIN_TOKENS), layer: embedding.name };
    } else if (ex.record.preprocessing?.kind === 'image' || ex.shape.length === 3) {
      // An image model may take its pixels flat or as [height, width] and reshape them itself.
      const pre = ex.record.preprocessing?.kind === 'image' ? ex.record.preprocessing : null;
      const [h, w, c] = pre ? [pre.height, pre.width, pre.channels] : (ex.shape as [number, number, number]);
      if (h * w * c !== ex.x.length) throw new Error(`The model takes ${ex.x.length} values, not a ${w}x${h} image with ${c} channel(s).`);
      if (h > MAX_EXPLAIN_SIDE || w > MAX_EXPLAIN_SIDE) throw new Error(`Explanations cover images up to ${MAX_EXPLAIN_SIDE}x${MAX_EXPLAIN_SIDE} pixels; this model takes ${w}x${h}.`);
      const g = inputGradient(model, x, target);
      score = g.score;
      const sal = scaleToMax(saliencyMap(g.gradient, h, w, c));
      const candidates = convLayers(model, nodeIds);
      const camLayer = options.camLayer ?? candidates.at(-1)?.layer;
      if (options.camLayer !== undefined && !candidates.some((l) => l.layer === options.camLayer)) {
        throw new Error(`Grad-CAM needs a layer with feature maps; "${options.camLayer}" is not one of this model's (${candidates.map((l) => l.layer).join(', ') || 'none'}).`);
      }
      let cam: Extract<ExplanationDetail, { kind: 'image' }>['gradCam'] = null;
      if (camLayer !== undefined) {
        const r = gradCam(model, x, target, camLayer);
        const raw = scaleToMax(r.map);
        cam = { layer: camLayer, mapWidth: r.width, mapHeight: r.height, raw: raw.scaled, map: scaleToMax(resizeMap(r.map, r.height, r.width, h, w)).scaled, max: raw.max };
      }
      detail = { kind: 'image', width: w, height: h, channels: c, pixels: displayPixels(ex.x), saliency: sal.scaled, saliencyMax: sal.max, convLayers: candidates, gradCam: cam };
    } else if (ex.shape.length === 1) {
      const g = inputGradient(model, x, target);
      score = g.score;
      const names = ex.sample?.kind === 'values' && ex.sample.names.length === ex.x.length ? ex.sample.names : null;
      detail = { kind: 'features', features: featureAttributions(ex.x, g.gradient, ex.record.preprocessing, names) };
    } else {
      throw new Error(`Explanations cover images, token sequences and feature vectors; this model's input has shape [${ex.shape.join(', ')}].`);
    }
    return {
      sampleIndex: ex.sampleIndex,
      testSize: ex.testSize,
      label: ex.label?.name ?? null,
      prediction,
      target: { index, name },
      score: { kind: scoreKind(model, regression), value: score },
      detail,
    };
  } finally {
    x.dispose();
    ex.model.dispose();
  }
}
