import * as tf from '@tensorflow/tfjs';
import type { LossName, MetricName } from '../../shared/graph/document';
import type { Evaluation, Metrics, SampleView } from '../../shared/training/events';
import type { SampleSet } from './datasets/mnist';
import { contiguousBatch, gatherTargets, targetWidth, type TargetMode } from './batches';
import { perSampleLoss } from './optimizers';

export interface EvaluateOptions {
  readonly inputShape: readonly number[];
  readonly inputDtype?: 'float32' | 'int32';
  readonly mode: TargetMode;
  readonly loss: LossName;
  readonly metrics: readonly MetricName[];
  /** Also build the confusion matrix, per-class stats, wrong examples or regression points. */
  readonly details?: {
    readonly classNames: readonly string[];
    readonly view?: (i: number) => SampleView;
    /** Regression: scales standardized targets back to the data's units. */
    readonly target?: { mean: number; std: number } | null;
  };
  readonly chunkSize?: number;
}

/** How many confidently wrong examples a run keeps. */
const WRONG_EXAMPLES = 12;
const REGRESSION_POINTS = 1000;
/** Test images shown beside their reconstruction. */
const RECONSTRUCTION_EXAMPLES = 8;

/** Loss and metrics of a model on a set, in chunks; optional details for the test set. Leaves no tensors behind. */
export async function evaluateModel(model: tf.LayersModel, set: SampleSet, options: EvaluateOptions): Promise<{ metrics: Metrics; evaluation: Evaluation | null }> {
  const chunkSize = options.chunkSize ?? 256;
  const mode = options.mode;
  const w = targetWidth(mode);
  const regression = mode.kind === 'regression';
  // Reconstruction (the input as target): loss and MAE per value, nothing per class or per point.
  const reconstruction = mode.kind === 'reconstruction';
  const classes = mode.kind === 'onehot' ? mode.classes : mode.kind === 'regression' || reconstruction ? 0 : mode.kind === 'binary' ? 2 : (options.details?.classNames.length ?? 0);
  let lossSum = 0;
  let correct = 0;
  let absErr = 0;
  let sqErr = 0;
  const confusion: number[][] = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  const scores: number[] = [];
  const truths: number[] = [];
  const wrong: { index: number; actual: number; predicted: number; confidence: number }[] = [];
  const points: { actual: number; predicted: number }[] = [];
  const actuals: number[] = [];
  const examples: { index: number; input: SampleView; output: SampleView }[] = [];
  for (let from = 0; from < set.count; from += chunkSize) {
    const to = Math.min(set.count, from + chunkSize);
    const batch = contiguousBatch(set, from, to, 1);
    const yArr = gatherTargets(set, null, from, to, mode);
    const [lossT, predT] = tf.tidy(() => {
      const x = tf.tensor(batch.x, [batch.size, ...options.inputShape], options.inputDtype ?? 'float32');
      const y = tf.tensor2d(yArr, [batch.size, w]);
      const p = model.predict(x) as tf.Tensor;
      const p2 = p.reshape([batch.size, -1]);
      return [tf.sum(perSampleLoss(options.loss, y, p2)), p2];
    });
    lossSum += (await lossT.data())[0] as number;
    const pred = (await predT.data()) as Float32Array;
    const outW = predT.shape[1] as number;
    lossT.dispose();
    predT.dispose();
    for (let i = 0; i < batch.size; i++) {
      const row = pred.subarray(i * outW, (i + 1) * outW);
      if (reconstruction) {
        for (let k = 0; k < w; k++) {
          const err = (row[k] as number) - (yArr[i * w + k] as number);
          absErr += Math.abs(err);
          sqErr += err * err;
        }
        const view = options.details?.view;
        if (view && examples.length < RECONSTRUCTION_EXAMPLES) {
          const input = view(from + i);
          // An image shown as 0..255 pixels of values in 0..1: the output is drawn the same way.
          if (input.kind === 'image' && input.pixels.length === w) {
            examples.push({ index: from + i, input, output: { ...input, pixels: Array.from(row.subarray(0, w), (v) => Math.round(Math.min(1, Math.max(0, v)) * 255)) } });
          }
        }
        continue;
      }
      if (regression) {
        for (let k = 0; k < w; k++) {
          const err = (row[k] as number) - (yArr[i * w + k] as number);
          absErr += Math.abs(err);
          sqErr += err * err;
        }
        const scale = options.details?.target ?? null;
        const unscale = (v: number) => (scale ? v * scale.std + scale.mean : v);
        const actual = unscale(yArr[i * w] as number);
        actuals.push(actual);
        if (points.length < REGRESSION_POINTS) points.push({ actual, predicted: unscale(row[0] as number) });
        continue;
      }
      const actual = set.labels[from + i] as number;
      let predicted: number;
      let confidence: number;
      let positive: number;
      if (outW === 1) {
        positive = row[0] as number;
        predicted = positive >= 0.5 ? 1 : 0;
        confidence = predicted === 1 ? positive : 1 - positive;
      } else {
        predicted = 0;
        for (let k = 1; k < outW; k++) if ((row[k] as number) > (row[predicted] as number)) predicted = k;
        confidence = row[predicted] as number;
        positive = outW === 2 ? (row[1] as number) : 0;
      }
      if (predicted === actual) correct++;
      else if (options.details) {
        wrong.push({ index: from + i, actual, predicted, confidence });
        if (wrong.length > WRONG_EXAMPLES * 8) {
          wrong.sort((a, b) => b.confidence - a.confidence);
          wrong.length = WRONG_EXAMPLES;
        }
      }
      const rowC = confusion[actual];
      if (rowC && predicted < classes) rowC[predicted] = (rowC[predicted] ?? 0) + 1;
      if (classes === 2) {
        scores.push(positive);
        truths.push(actual);
      }
    }
    await yieldToEventLoop();
  }
  const n = set.count;
  const metrics: Metrics = { loss: n > 0 ? lossSum / n : 0, accuracy: regression || reconstruction || n === 0 ? 0 : correct / n };
  const perClass = confusion.map((row, c) => {
    const tp = row[c] ?? 0;
    const support = row.reduce((a, b) => a + b, 0);
    const predictedC = confusion.reduce((a, r) => a + (r[c] ?? 0), 0);
    return { precision: predictedC > 0 ? tp / predictedC : 0, recall: support > 0 ? tp / support : 0, support };
  });
  const want = new Set(options.metrics);
  if (!regression && classes > 0) {
    // Two classes: of the positive class (1); more: macro averages.
    const binaryStats = classes === 2 ? perClass[1] : undefined;
    if (want.has('precision')) metrics.precision = binaryStats ? binaryStats.precision : mean(perClass.map((p) => p.precision));
    if (want.has('recall')) metrics.recall = binaryStats ? binaryStats.recall : mean(perClass.map((p) => p.recall));
    if (want.has('auc') && classes === 2) metrics.auc = rocAuc(scores, truths);
  }
  const scale = options.details?.target?.std ?? 1;
  if (regression && n > 0) metrics.mae = (absErr / (n * w)) * scale;
  if (reconstruction && n > 0) metrics.mae = absErr / (n * w);
  let evaluation: Evaluation | null = null;
  if (options.details) {
    if (reconstruction) {
      evaluation = { task: 'reconstruction', mae: n > 0 ? absErr / (n * w) : 0, rmse: n > 0 ? Math.sqrt(sqErr / (n * w)) : 0, examples };
    } else if (regression) {
      const meanActual = mean(actuals);
      const ssTot = actuals.reduce((a, v) => a + (v - meanActual) ** 2, 0);
      const sse = sqErr * scale * scale;
      evaluation = {
        task: 'regression',
        points,
        mae: n > 0 ? (absErr / (n * w)) * scale : 0,
        rmse: n > 0 ? Math.sqrt(sse / (n * w)) : 0,
        r2: ssTot > 0 ? 1 - sse / ssTot : 0,
      };
    } else {
      wrong.sort((a, b) => b.confidence - a.confidence);
      const view = options.details.view;
      evaluation = {
        task: 'classification',
        classNames: [...options.details.classNames],
        confusion,
        perClass: perClass.map((p, c) => ({ name: options.details?.classNames[c] ?? String(c), ...p })),
        mostConfidentWrong: view ? wrong.slice(0, WRONG_EXAMPLES).map((e) => ({ ...e, sample: view(e.index) })) : [],
      };
    }
  }
  return { metrics, evaluation };
}

function mean(xs: readonly number[]): number {
  return xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** Area under the ROC curve: the chance a random positive scores above a random negative (ties count half). */
export function rocAuc(scores: readonly number[], truths: readonly number[]): number {
  const idx = scores.map((_, i) => i).sort((a, b) => (scores[a] as number) - (scores[b] as number));
  let rankSum = 0;
  let positives = 0;
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j + 1 < idx.length && scores[idx[j + 1] as number] === scores[idx[i] as number]) j++;
    const avgRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) {
      if (truths[idx[k] as number] === 1) {
        rankSum += avgRank;
        positives++;
      }
    }
    i = j + 1;
  }
  const negatives = idx.length - positives;
  if (positives === 0 || negatives === 0) return 0.5;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** Lets queued messages (a stop request) be handled between chunks of work. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
