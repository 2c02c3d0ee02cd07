import type { ProjectDoc } from '../../shared/graph/document';
import { analyzeWithBlocks } from '../../shared/graph/analyze-blocks';
import { formatShape } from '../../shared/layers/params';
import { ApiError } from '../../shared/api/contract';

export interface LayerSummary {
  readonly id: string;
  readonly name?: string;
  readonly type: string;
  /** With null for the batch dimension. */
  readonly outputShape: (number | null)[];
  readonly params: number;
  /** False when the user froze the layer (`params.trainable: false`). */
  readonly trainable: boolean;
  /** Multiply-accumulates per sample; null when a size is unknown (a ? sequence length). */
  readonly macs: number | null;
}

export interface ModelSummary {
  readonly layers: LayerSummary[];
  readonly totalParams: number;
  /** Keras's summary(): weights the optimizer updates, and the rest (frozen layers, BatchNormalization's moving statistics). */
  readonly trainableParams: number;
  readonly nonTrainableParams: number;
  /** Per sample; null when some layer's count depends on an unknown size. */
  readonly totalMacs: number | null;
}

/**
 * Per-layer output shapes and parameter counts in data-flow order; ApiError when the graph is invalid.
 * Blocks are listed as the layers they hold (ids `<block node>/<inner>`), as Keras lists the model it trains.
 */
export function summarizeModel(doc: ProjectDoc): ModelSummary {
  const { model, expanded: analysis, outer } = analyzeWithBlocks(doc.graph, doc.blocks);
  if (!outer.valid) {
    const first = outer.issues.find((i) => i.severity === 'error');
    throw new ApiError('INVALID_GRAPH', first ? `${first.message} ${first.fix}` : 'The graph is empty.');
  }
  const names = new Map(model.nodes.map((n) => [n.id, n.name]));
  const layers = analysis.order.map((id) => {
    const node = analysis.nodes.get(id);
    if (!node?.outputShape) throw new ApiError('INVALID_GRAPH', `The shape of ${id} could not be inferred.`);
    const name = names.get(id);
    return { id, ...(name ? { name } : {}), type: node.type, outputShape: [...node.outputShape], params: node.params, trainable: node.trainable, macs: node.macs };
  });
  return {
    layers,
    totalParams: analysis.totalParams,
    trainableParams: analysis.trainableParams,
    nonTrainableParams: analysis.nonTrainableParams,
    totalMacs: analysis.totalMacs,
  };
}

/** A fixed-width table like Keras' `model.summary()`. */
export function formatSummaryTable(summary: ModelSummary): string {
  const n = (x: number) => x.toLocaleString('en-US');
  const macs = (x: number | null) => (x === null ? '?' : n(x));
  const rows = summary.layers.map((l) => [`${l.name ? `${l.name} (${l.id})` : l.id}${l.trainable ? '' : ' (frozen)'}`, l.type, formatShape(l.outputShape), n(l.params), macs(l.macs)]);
  const header = ['Layer', 'Type', 'Output shape', 'Params', 'MACs'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i >= 3 ? c.padStart(widths[i] as number) : c.padEnd(widths[i] as number))).join('  ');
  const rule = '-'.repeat(widths.reduce((a, b) => a + b, 0) + 2 * (widths.length - 1));
  const macsLine = `Total MACs per sample: ${summary.totalMacs === null ? '? (depends on a sequence length known only at run time)' : n(summary.totalMacs)}`;
  return [
    line(header),
    rule,
    ...rows.map(line),
    rule,
    macsLine,
    `Total params: ${n(summary.totalParams)}`,
    `Trainable params: ${n(summary.trainableParams)}`,
    `Non-trainable params: ${n(summary.nonTrainableParams)}`,
  ].join('\n');
}
