import { nodeLabel, type Graph } from '../graph/document';
import type { GraphAnalysis } from '../graph/analyze';
import type { GraphIssue } from '../graph/issues';
import type { DatasetInfo } from './dataset-info';
import { product, formatShape } from '../layers/params';
import type { LossName, TrainingSettings } from '../graph/document';
import { notTrainableReason } from './backend-limits';
import { isReconstruction } from './reconstruction';

const CLASSIFICATION_LOSSES: ReadonlySet<LossName> = new Set(['categoricalCrossentropy', 'sparseCategoricalCrossentropy', 'binaryCrossentropy', 'hinge']);

/**
 * Checks that a valid graph fits the chosen data set before training starts,
 * so a mismatch is a readable error rather than a tfjs exception.
 */
export function checkTrainable(
  graph: Graph,
  analysis: GraphAnalysis,
  dataset: DatasetInfo,
  settings?: Pick<TrainingSettings, 'loss'>,
): GraphIssue[] {
  return [...untrainableLayers(graph), ...checkDataFit(graph, analysis, dataset, settings)];
}

/** Layers TensorFlow.js can run but not train (no gradient), named before training starts. */
function untrainableLayers(graph: Graph): GraphIssue[] {
  return graph.nodes.flatMap((node) => {
    const reason = notTrainableReason(node.type, node.params);
    return reason ? [{ code: reason.code, severity: 'error' as const, nodeId: node.id, message: `${nodeLabel(node)}: ${reason.message}`, fix: reason.fix }] : [];
  });
}

/**
 * Images of the same height and width whose channel count differs (a grey backbone on colour
 * photos, or the other way round): says so, since the shapes alone make the reader compare them.
 * A rank-2 image counts as one channel.
 */
export function channelNote(graphShape: readonly (number | null)[], sampleShape: readonly number[]): string {
  const image = (s: readonly (number | null)[]) => (s.length === 2 ? [...s, 1] : s);
  const g = image(graphShape);
  const d = image(sampleShape);
  if (g.length !== 3 || d.length !== 3 || g[0] !== d[0] || g[1] !== d[1] || g[2] === d[2]) return '';
  const channels = (n: number | null) => (n === 1 ? '1 channel (grey)' : n === 3 ? '3 channels (RGB)' : `${String(n)} channels`);
  return `: the samples have ${channels(d[2] ?? null)}, the graph takes ${channels(g[2] ?? null)}`;
}

function checkDataFit(
  graph: Graph,
  analysis: GraphAnalysis,
  dataset: DatasetInfo,
  settings?: Pick<TrainingSettings, 'loss'>,
): GraphIssue[] {
  const issues: GraphIssue[] = [];
  if (!dataset.available) {
    issues.push({
      code: 'DATA_MISSING',
      severity: 'error',
      message: `${dataset.name} is not installed${dataset.unavailableReason ? `: ${dataset.unavailableReason}` : '.'}`,
      fix: dataset.unavailableReason ?? 'Choose another data set.',
    });
    return issues;
  }
  if (dataset.source === 'import' && dataset.sampleShape.length === 0) {
    issues.push({
      code: 'DATA_MISSING',
      severity: 'error',
      message: `${dataset.name}: no file or folder has been read yet.`,
      fix: 'Choose the file or folder to import in the training settings.',
    });
    return issues;
  }
  const loss = settings?.loss;
  if (loss && dataset.task === 'regression' && CLASSIFICATION_LOSSES.has(loss)) {
    issues.push({
      code: 'LOSS_MISMATCH',
      severity: 'error',
      message: `${dataset.name} is a regression data set (numbers to predict), but the loss ${loss} compares class probabilities.`,
      fix: 'Use meanSquaredError, meanAbsoluteError or huber.',
    });
  }
  if (analysis.inputs.length !== 1) {
    issues.push({
      code: 'DATA_MISMATCH',
      severity: 'error',
      message: `Training on ${dataset.name} needs exactly one Input layer; the graph has ${analysis.inputs.length}.`,
      fix: 'Keep one Input node.',
    });
  }
  if (analysis.outputs.length !== 1) {
    issues.push({
      code: 'DATA_MISMATCH',
      severity: 'error',
      message: `Training on ${dataset.name} needs exactly one output layer; the graph has ${analysis.outputs.length}.`,
      fix: 'Make every branch end in one final layer.',
    });
  }
  if (issues.length > 0) return issues;
  const inputId = analysis.inputs[0] as string;
  const outputId = analysis.outputs[0] as string;
  const inNode = graph.nodes.find((n) => n.id === inputId);
  const outNode = graph.nodes.find((n) => n.id === outputId);
  const inShape = analysis.nodes.get(inputId)?.outputShape;
  const sampleSize = product(dataset.sampleShape);
  if (inShape && product(inShape.slice(1)) !== sampleSize) {
    issues.push({
      code: 'DATA_MISMATCH',
      severity: 'error',
      nodeId: inputId,
      message: `${inNode ? nodeLabel(inNode) : 'Input'}: its shape ${formatShape(inShape)} does not fit ${dataset.name} samples of shape ${formatShape([null, ...dataset.sampleShape])}${channelNote(inShape.slice(1), dataset.sampleShape)}.`,
      fix: `Set the Input shape to ${dataset.sampleShape.join(', ')}.`,
    });
  }
  const outShape = analysis.nodes.get(outputId)?.outputShape;
  // An output as large as a sample (an autoencoder) trains with the input itself as the target.
  if (outShape && sampleSize !== null && isReconstruction(outShape, sampleSize, dataset)) return issues;
  const regression = dataset.task === 'regression';
  // Two classes with binary cross-entropy: one sigmoid output, or two softmax ones.
  const binaryOne = !regression && dataset.numClasses === 2 && loss === 'binaryCrossentropy';
  const wanted = regression ? dataset.outputSize : dataset.numClasses;
  const outUnits = outShape && outShape.length === 2 ? outShape[1] : undefined;
  const outputFits = outUnits === wanted || (binaryOne && outUnits === 1);
  if (outShape && !outputFits) {
    issues.push({
      code: 'DATA_MISMATCH',
      severity: 'error',
      nodeId: outputId,
      message: regression
        ? `${outNode ? nodeLabel(outNode) : 'The output layer'}: its output ${formatShape(outShape)} must be [?, ${wanted}]: the value${wanted === 1 ? '' : 's'} to predict of ${dataset.name}.`
        : `${outNode ? nodeLabel(outNode) : 'The output layer'}: its output ${formatShape(outShape)} must be [?, ${wanted}]: one score per class of ${dataset.name}.`,
      fix: regression
        ? `End with a Dense layer of ${wanted} unit${wanted === 1 ? '' : 's'} and linear activation.`
        : binaryOne
          ? 'End with a Dense layer of 1 unit and sigmoid activation (or 2 units and softmax).'
          : `End with a Dense layer of ${dataset.numClasses} units and softmax activation.`,
    });
  }
  const activation = outNode?.params['activation'];
  if (outNode && !regression && binaryOne && outUnits === 1) {
    if (activation !== 'sigmoid') {
      issues.push({
        code: 'OUTPUT_NOT_SOFTMAX',
        severity: 'warning',
        nodeId: outputId,
        message: `${nodeLabel(outNode)} is the single output for binary cross-entropy but is not a sigmoid, so its value is not a probability.`,
        fix: "Set the last layer's activation to sigmoid.",
      });
    }
  } else if (outNode && !regression && activation !== 'softmax' && loss !== 'hinge' && loss !== 'meanSquaredError' && loss !== 'meanAbsoluteError' && loss !== 'huber') {
    issues.push({
      code: 'OUTPUT_NOT_SOFTMAX',
      severity: 'warning',
      nodeId: outputId,
      message: `${nodeLabel(outNode)} is the output but is not a softmax, so its values are not class probabilities; the loss expects probabilities.`,
      fix: 'Set the last layer\'s activation to softmax.',
    });
  }
  return issues;
}
