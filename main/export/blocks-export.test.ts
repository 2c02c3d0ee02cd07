import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import type { ExportFormat } from '../../shared/export/result';
import type { GraphEdge, GraphNode, ProjectDoc } from '../../shared/graph/document';
import { analyzeWithBlocks } from '../../shared/graph/analyze-blocks';
import { RESIDUAL_BLOCK, TRANSFORMER_ENCODER_BLOCK } from '../../shared/graph/builtin-blocks';
import { exportFromSource } from './export';
import { loadExportSource, type ExportSource } from './source';
import { randomizedRun } from './test-support';
import { docWithGraph } from '../trainer/test-helpers';

const FORMATS = (process.env['NETWRIGHT_EXPORT_FORMATS'] ?? 'tfjs,pytorch,onnx,keras').split(',') as ExportFormat[];

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'netwright-blocks-export-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const at = { x: 0, y: 0 };
const node = (id: string, type: string, params: GraphNode['params'] = {}): GraphNode => ({ id, type, position: at, params });
const edge = (source: string, target: string, targetPort = 'in'): GraphEdge => ({ id: `${source}-${target}-${targetPort}`, source, target, targetPort });

/** A small CNN with two ResidualBlocks (each its own weights). */
const residualCnn: ProjectDoc = {
  ...docWithGraph({
    nodes: [
      node('in', 'Input', { shape: [8, 8, 1] }),
      node('stem', 'Conv2D', { filters: 32, kernelSize: [3, 3], padding: 'same' }),
      node('r1', 'Block', { block: RESIDUAL_BLOCK.id, inputs: 1 }),
      node('r2', 'Block', { block: RESIDUAL_BLOCK.id, inputs: 1 }),
      node('pool', 'GlobalAveragePooling2D'),
      node('out', 'Dense', { units: 10, activation: 'softmax' }),
    ],
    edges: [edge('in', 'stem'), edge('stem', 'r1', 'in1'), edge('r1', 'r2', 'in1'), edge('r2', 'pool'), edge('pool', 'out')],
  }),
  blocks: [RESIDUAL_BLOCK],
};

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
  let source: ExportSource;
  let runDir: string;
  beforeAll(async () => {
    runDir = await randomizedRun(doc);
    source = await loadExportSource(doc, runDir);
  }, 120_000);
  afterAll(() => {
    source.model.dispose();
    fs.rmSync(runDir, { recursive: true, force: true });
  });

  it('exports the inlined model: every layer of both blocks, the analysed parameter count', () => {
    expect(source.info.totalParams).toBe(analyzeWithBlocks(doc.graph, doc.blocks).outer.totalParams);
    expect(source.model.layers.filter((l) => l.getClassName() === 'Conv2D')).toHaveLength(convs);
    if (doc === transformer) expect(source.info.totalParams).toBe(33_472 + 64 * 2 + 2);
  });

  it.each(FORMATS)('%s: reloads in its runtime with the same predictions (1e-4) and parameter count', async (format) => {
    const result = await exportFromSource(source, { format, outDir: path.join(tmp, format) });
    const report = result.checks.map((c) => `${c.status} ${c.name}: ${c.detail}`).join('\n');
    console.log(`blocks ${format}:\n${report}`);
    expect(result.ok, report).toBe(true);
    for (const c of result.checks) if (c.maxDifference !== null) expect(c.maxDifference).toBeLessThanOrEqual(1e-4);
    if (result.params.exported !== null) expect(result.params.exported).toBe(source.info.totalParams);
  }, 300_000);
});
