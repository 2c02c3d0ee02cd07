import { nodeLabel, type Graph } from '../graph/document';
import type { GraphAnalysis } from '../graph/analyze';
import type { GraphIssue } from '../graph/issues';
import type { DatasetInfo } from '../api/contract';
import { product, formatShape } from '../layers/params';

/**
 * Checks that a valid graph fits the chosen data set before training starts,
 * so a mismatch is a readable error rather than a tfjs exception.
 */
export function checkTrainable(graph: Graph, analysis: GraphAnalysis, dataset: DatasetInfo): GraphIssue[] {
  const issues: GraphIssue[] = [];
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
      message: `${inNode ? nodeLabel(inNode) : 'Input'}: its shape ${formatShape(inShape)} does not fit ${dataset.name} samples of shape ${formatShape([null, ...dataset.sampleShape])}.`,
      fix: `Set the Input shape to ${dataset.sampleShape.join(', ')}.`,
    });
  }
  const outShape = analysis.nodes.get(outputId)?.outputShape;
  if (outShape && (outShape.length !== 2 || outShape[1] !== dataset.numClasses)) {
    issues.push({
      code: 'DATA_MISMATCH',
      severity: 'error',
      nodeId: outputId,
      message: `${outNode ? nodeLabel(outNode) : 'The output layer'}: its output ${formatShape(outShape)} must be [?, ${dataset.numClasses}]: one score per class of ${dataset.name}.`,
      fix: `End with a Dense layer of ${dataset.numClasses} units and softmax activation.`,
    });
  }
  const activation = outNode?.params['activation'];
  if (outNode && activation !== 'softmax') {
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
