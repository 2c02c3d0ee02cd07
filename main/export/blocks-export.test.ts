import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import type { ExportFormat } from '../../shared/export/result';
import type { ProjectDoc } from '../../shared/graph/document';
import { analyzeWithBlocks } from '../../shared/graph/analyze-blocks';
import { TRANSFORMER_ENCODER_BLOCK } from '../../shared/graph/builtin-blocks';
import { expectExportReloads, randomizedExportSource } from './test-support';
import { docWithGraph, edge, node, residualCnnDoc } from '../trainer/test-helpers';

const FORMATS = (process.env['NETWRIGHT_EXPORT_FORMATS'] ?? 'tfjs,pytorch,onnx,keras').split(',') as ExportFormat[];

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'netwright-blocks-export-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A small CNN with two ResidualBlocks (each its own weights). */
const residualCnn = residualCnnDoc();

/** A sequence classifier around the built-in Transformer encoder block (64 features). */
const transformer: ProjectDoc = {
  ...docWithGraph({
    nodes: [
      node('in', 'Input', { shape: [6, 64] }),
      node('enc', 'Block', { block: TRANSFORMER_ENCODER_BLOCK.id, inputs: 1 }),
      node('pool', 'GlobalAveragePooling1D'),
      node('out', 'Dense', { units: 2, activation: 'softmax' }),
    ],
    edges: [edge('in', 'enc', 'in1'), edge('enc', 'pool'), edge('pool', 'out')],
  }),
  blocks: [TRANSFORMER_ENCODER_BLOCK],
};

describe.each([
  { name: 'two ResidualBlocks in a CNN', doc: residualCnn, convs: 5 },
  // Keras counts the block's layers as keras-hub's TransformerEncoder(128, 4) on 64 features: 33,472, plus the head (130).
  { name: 'the TransformerEncoder block', doc: transformer, convs: 0 },
])('export of $name', ({ doc, convs }) => {
  const source = randomizedExportSource(doc);

  it('exports the inlined model: every layer of both blocks, the analysed parameter count', () => {
    expect(source().info.totalParams).toBe(analyzeWithBlocks(doc.graph, doc.blocks).outer.totalParams);
    expect(source().model.layers.filter((l) => l.getClassName() === 'Conv2D')).toHaveLength(convs);
    if (doc === transformer) expect(source().info.totalParams).toBe(33_472 + 64 * 2 + 2);
  });

  it.each(FORMATS)('%s: reloads in its runtime with the same predictions (1e-4) and parameter count', async (format) => {
    await expectExportReloads(source(), format, path.join(tmp, format), 'blocks');
  }, 300_000);
});
