import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import type { Graph, ProjectDoc } from '../../shared/graph/document';
import { analyzeGraph } from '../../shared/graph/analyze';
import { compileGraph } from '../../shared/graph/compile';
import { buildModel } from '../trainer/build-model';
import { loadModelFromDir } from '../trainer/save-model';
import { ExportError, modelInfo, type ModelInfo } from './model-info';
import { modelGraph } from '../../shared/graph/analyze-blocks';
import { readOwnFile } from '../storage/safe-read';

/** What an export starts from: a built model (fresh or a run's trained weights) and what the run recorded. */
export interface ExportSource {
  readonly model: tf.LayersModel;
  readonly info: ModelInfo;
  readonly name: string;
  readonly runId: string | null;
  /** The run's preprocessing record (normalization, vocabulary, class names, image size), or null. */
  readonly preprocessing: Record<string, unknown> | null;
  /** The training settings (the run's, else the project's). */
  readonly training: Record<string, unknown>;
}

function readRecord(runDir: string): Record<string, unknown> | null {
  try {
    const parsed: unknown = JSON.parse(readOwnFile(path.join(runDir, 'run.json')).toString('utf8'));
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

const isGraph = (g: unknown): g is Graph => Boolean(g && typeof g === 'object' && Array.isArray((g as Graph).nodes) && Array.isArray((g as Graph).edges));
const asRecord = (x: unknown): Record<string, unknown> | null => (x && typeof x === 'object' && !Array.isArray(x) ? (x as Record<string, unknown>) : null);

/** Most parameters an export builds (400 MB of float32 weights; ONNX files stop at 2 GB). */
export const MAX_EXPORT_PARAMS = 100_000_000;

/**
 * Refuses, before any weight is allocated, a model over MAX_EXPORT_PARAMS parameters: the error
 * names the limit, the largest layer and the fix (a Dense 40000 x 40000 would take 6.4 GB).
 */
export function assertExportableSize(totalParams: number, layers: readonly { id: string; name: string; type: string; params: number }[]): void {
  if (totalParams <= MAX_EXPORT_PARAMS) return;
  const largest = layers.reduce((a, b) => (b.params > a.params ? b : a), { id: '', name: '', type: '', params: -1 });
  const millions = (n: number) => `${(n / 1e6).toLocaleString('en-US', { maximumFractionDigits: 1 })} million`;
  throw new ExportError(
    `The model has ${millions(totalParams)} parameters; exports are limited to ${millions(MAX_EXPORT_PARAMS)} (${(MAX_EXPORT_PARAMS * 4) / 1e6} MB of weights). ` +
      `Its largest layer is ${largest.name} (${largest.type}) with ${millions(largest.params)}: reduce its units or filters (or shrink its input with pooling), and export again.`,
    largest.id || null,
  );
}

/**
 * Loads what to export: with `runDir`, the run's trained model (its run.json's graph, settings
 * and preprocessing when present); without, the project's graph with fresh weights.
 * The caller disposes `model`.
 */
export async function loadExportSource(doc: ProjectDoc, runDir: string | null): Promise<ExportSource> {
  const record = runDir ? readRecord(runDir) : null;
  const graph = record && isGraph(record['graph']) ? record['graph'] : modelGraph(doc);
  const analysis = analyzeGraph(graph);
  const plan = compileGraph(graph, analysis);
  assertExportableSize(analysis.totalParams, graph.nodes.map((n) => ({ id: n.id, name: n.name ?? n.id, type: n.type, params: analysis.nodes.get(n.id)?.params ?? 0 })));
  let model: tf.LayersModel;
  if (runDir) {
    if (!fs.existsSync(path.join(runDir, 'model.json'))) throw new ExportError(`${runDir} has no saved model (model.json).`);
    model = await loadModelFromDir(runDir);
  } else {
    model = buildModel(plan);
  }
  try {
    for (const l of plan.layers) {
      try {
        model.getLayer(l.name);
      } catch {
        throw new ExportError(`The run's saved model has no layer "${l.name}": it was trained from a different graph.`, l.nodeId);
      }
    }
    return {
      model,
      info: modelInfo(graph, analysis, plan, model),
      name: doc.name,
      runId: runDir ? path.basename(runDir) : null,
      preprocessing: asRecord(record?.['preprocessing']),
      training: asRecord(record?.['settings']) ?? (doc.training as unknown as Record<string, unknown>),
    };
  } catch (error) {
    model.dispose();
    throw error;
  }
}
