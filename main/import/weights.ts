import * as fs from 'node:fs';
import * as path from 'node:path';
import { isInside, readRegularFile } from '../storage/safe-read';
import * as tf from '@tensorflow/tfjs';
import type { ProjectDoc } from '../../shared/graph/document';
import type { RunOrigin, RunRecordData } from '../../shared/training/runs';
import { buildModelFromDoc } from '../trainer/build-model';
import { saveModelToDir } from '../trainer/save-model';
import { newRunRecord, writeRun } from '../storage/runs';
import { ImportError } from './keras-json';

/**
 * Weights of an imported model: read (TF.js weight shards, ONNX initializers), assigned to the
 * nodes of the imported project, loaded into the model Netwright builds from it (every shape
 * checked), and saved as a run of the new project so evaluate, predict, export and fine-tuning
 * work on it like on a trained run.
 */

/** One weight array in the layout our tfjs layer holds it (Keras's). */
export interface ImportedWeight {
  /** Its name inside the layer (`kernel`, `bias`, `moving_mean`...), or where it came from. */
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/** Weights per project node id, in the order the node's tfjs layer holds them. */
export type WeightsByNode = ReadonlyMap<string, readonly ImportedWeight[]>;

const fmt = (shape: readonly number[]) => `[${shape.join(', ')}]`;

const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2, string: 0 };

/** Bytes a manifest entry takes in its shard (quantized entries by their stored type); an ImportError for a shape or type that cannot be read. */
function declaredBytes(w: ManifestEntry & { quantization?: { dtype?: string } }): number {
  const shape = Array.isArray(w.shape) ? w.shape : null;
  if (!shape || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) throw new ImportError(`Weight ${String(w.name).slice(0, 200)} has an invalid shape in the manifest.`);
  const stored = w.quantization?.dtype ?? w.dtype ?? 'float32';
  const per = DTYPE_BYTES[stored];
  if (!per) throw new ImportError(`Weight ${String(w.name).slice(0, 200)} has a type (${String(stored).slice(0, 40)}) Netwright cannot import.`);
  return shape.reduce((n, d) => n * d, 1) * per;
}

interface ManifestEntry {
  readonly name: string;
  readonly shape: number[];
  readonly dtype?: string;
}
interface ManifestGroup {
  readonly paths: string[];
  readonly weights: ManifestEntry[];
}

const isDict = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** The weightsManifest of a parsed model.json, or null where it has none. */
export function weightsManifest(json: unknown): ManifestGroup[] | null {
  if (!isDict(json) || !Array.isArray(json['weightsManifest'])) return null;
  const groups = json['weightsManifest'] as unknown[];
  const ok = groups.every((g) => isDict(g) && Array.isArray(g['paths']) && Array.isArray(g['weights']));
  if (!ok) throw new ImportError('The weightsManifest of this model.json is malformed: each group needs "paths" and "weights".');
  return groups as ManifestGroup[];
}

/** Largest weight shard read (tfjs writes 4 MB shards; a whole model's weights fit in one this size). */
export const MAX_SHARD_BYTES = 512 * 1024 * 1024;

/**
 * Where a manifest's shard is: a relative path that stays inside the model.json's folder after
 * every symbolic link is resolved. An absolute path, a `..` that leaves the folder or a link that
 * leads out is an ImportError naming the shard (else `../../etc/passwd` would be imported as
 * weights, then exported and shared).
 */
export function shardPath(modelJsonPath: string, shard: unknown): string {
  if (typeof shard !== 'string' || shard === '' || shard.includes('\0') || path.isAbsolute(shard) || /^[a-z][a-z0-9+.-]*:/i.test(shard)) {
    throw new ImportError(`Weight shard "${String(shard).slice(0, 200)}" is not a file name beside the model.json; the import was refused.`);
  }
  const dir = fs.realpathSync(path.dirname(path.resolve(modelJsonPath)));
  const file = path.resolve(dir, shard);
  let real = file;
  try {
    real = fs.realpathSync(file);
  } catch {
    // Missing: reported as missing, as long as the name itself stays inside the folder.
  }
  if (!isInside(dir, file) || !isInside(dir, real)) {
    throw new ImportError(`Weight shard "${shard.slice(0, 200)}" is outside the model's folder (${dir}); shards must be files beside the model.json, so the import was refused.`);
  }
  return real;
}

/** Shard files the manifest names that are not beside the model.json (one outside its folder is an ImportError). */
export function missingShards(modelJsonPath: string, manifest: readonly ManifestGroup[]): string[] {
  return manifest.flatMap((g) => g.paths).filter((p) => !fs.existsSync(shardPath(modelJsonPath, p)));
}

/**
 * Reads the weight shards named by a model.json's manifest (beside the file) and decodes every
 * weight (float32, int32, and the converter's quantized uint8/uint16/float16) to float32.
 * Weights keep the manifest's order and names.
 */
export function readManifestWeights(modelJsonPath: string, manifest: readonly ManifestGroup[]): ImportedWeight[] {
  const out: ImportedWeight[] = [];
  for (const group of manifest) {
    const files = group.paths.map((p) => shardPath(modelJsonPath, p));
    const declared = group.weights.reduce((sum, w) => sum + declaredBytes(w), 0);
    const buffers = files.map((file, i) => {
      try {
        return readRegularFile(file, MAX_SHARD_BYTES);
      } catch (error) {
        throw new ImportError(`Weight shard ${group.paths[i]} cannot be read: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
      }
    });
    const total = buffers.reduce((sum, b) => sum + b.byteLength, 0);
    if (declared > total) {
      throw new ImportError(`The manifest declares ${declared.toLocaleString('en-US')} bytes of weights but its shards (${group.paths.join(', ')}) hold ${total.toLocaleString('en-US')}; the import was refused.`);
    }
    const all = Buffer.concat(buffers);
    const data = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength);
    let named: tf.NamedTensorMap;
    try {
      named = tf.io.decodeWeights(data, group.weights as tf.io.WeightsManifestEntry[]);
    } catch (error) {
      throw new ImportError(`The weight shards do not match the manifest (${group.paths.join(', ')}): ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
    }
    try {
      for (const w of group.weights) {
        const t = named[w.name];
        if (!t) throw new ImportError(`Weight ${w.name} is in the manifest but not in its shards.`);
        out.push({ name: w.name, shape: [...t.shape], data: Float32Array.from(t.dataSync() as ArrayLike<number>) });
      }
    } finally {
      for (const t of Object.values(named)) t.dispose();
    }
  }
  return out;
}

/**
 * Assigns TF.js/Keras weights (named `layer/kernel`, `model/layer/kernel`,
 * `bidirectional/forward_lstm/lstm_cell/kernel`...) to the imported project's nodes: a weight
 * belongs to the first part of its name that is a layer of the model. Weights of no layer are
 * an ImportError naming them.
 */
export function kerasWeightsByNode(doc: ProjectDoc, weights: readonly ImportedWeight[]): Map<string, ImportedWeight[]> {
  const nodeByName = new Map(doc.graph.nodes.filter((n) => n.type !== 'Input').map((n) => [n.name ?? n.id, n.id]));
  const out = new Map<string, ImportedWeight[]>();
  const orphans: string[] = [];
  for (const w of weights) {
    const parts = w.name.split('/');
    const at = parts.slice(0, -1).findIndex((p) => nodeByName.has(p));
    if (at < 0) {
      orphans.push(w.name);
      continue;
    }
    const id = nodeByName.get(parts[at] as string) as string;
    const list = out.get(id) ?? [];
    list.push({ ...w, name: parts.slice(at + 1).join('/') });
    out.set(id, list);
  }
  if (orphans.length > 0) {
    throw new ImportError(`These weights belong to no layer of the model: ${orphans.slice(0, 5).join(', ')}${orphans.length > 5 ? ` and ${orphans.length - 5} more` : ''}.`);
  }
  return out;
}

/** Strips everything up to the layer's own name: `dense_1/kernel` → `kernel`, `mha/query/kernel` → `query/kernel`. */
function localName(variableName: string, layerName: string): string {
  const parts = variableName.replace(/_\d+$/, '').split('/');
  const at = parts.indexOf(layerName);
  return (at >= 0 ? parts.slice(at + 1) : parts.slice(1)).join('/');
}

/** Puts the given weights in the layer's order: by name where all names match, else as given. */
function ordered(layer: tf.layers.Layer, given: readonly ImportedWeight[]): readonly ImportedWeight[] {
  const wanted = layer.weights.map((v) => localName(v.originalName ?? v.name, layer.name));
  const byName = new Map(given.map((g) => [g.name, g]));
  if (byName.size === given.length && wanted.every((n) => byName.has(n))) return wanted.map((n) => byName.get(n) as ImportedWeight);
  return given;
}

/**
 * Builds the project's model and loads the imported weights into it, checking every count and
 * shape; the first misfit is an ImportError naming the layer, the weight and both shapes.
 * The caller disposes the model.
 */
export function modelWithWeights(doc: ProjectDoc, weights: WeightsByNode): tf.LayersModel {
  const { model, plan } = buildModelFromDoc(doc);
  try {
    const nodeName = new Map(doc.graph.nodes.map((n) => [n.id, n.name ?? n.id]));
    const known = new Set(plan.layers.map((l) => l.nodeId));
    const stray = [...weights.keys()].filter((id) => !known.has(id));
    if (stray.length > 0) throw new ImportError(`Weights were read for ${stray.map((id) => `"${nodeName.get(id) ?? id}"`).join(', ')}, which the model does not build.`);
    for (const pl of plan.layers) {
      const layer = model.getLayer(pl.name);
      const label = `Layer "${nodeName.get(pl.nodeId) ?? pl.nodeId}"`;
      const given = ordered(layer, weights.get(pl.nodeId) ?? []);
      const expected = layer.weights.map((v) => ({ name: localName(v.originalName ?? v.name, layer.name), shape: v.shape as number[] }));
      if (expected.length !== given.length) {
        const list = (ws: readonly { name: string; shape: readonly number[] }[]) => (ws.length === 0 ? 'none' : ws.map((w) => `${w.name} ${fmt(w.shape)}`).join(', '));
        throw new ImportError(`${label} (${layer.getClassName()}): Netwright's layer has ${expected.length} weight(s) (${list(expected)}) but the file has ${given.length} (${list(given)}).`);
      }
      if (given.length === 0) continue;
      expected.forEach((e, i) => {
        const g = given[i] as ImportedWeight;
        if (g.shape.length !== e.shape.length || g.shape.some((d, j) => d !== e.shape[j])) {
          throw new ImportError(`${label}: weight ${e.name} must be ${fmt(e.shape)} but the file's ${g.name} is ${fmt(g.shape)}.`);
        }
        if (g.data.length !== e.shape.reduce((a, b) => a * b, 1)) throw new ImportError(`${label}: weight ${g.name} holds ${g.data.length} values, not ${fmt(e.shape)}.`);
      });
      const tensors = given.map((g) => tf.tensor(g.data, [...g.shape]));
      try {
        layer.setWeights(tensors);
      } finally {
        for (const t of tensors) t.dispose();
      }
    }
    return model;
  } catch (error) {
    model.dispose();
    throw error;
  }
}

/** A sortable run id that says what it is: `20261127-011800-imported-1a2b3c`. */
export function importedRunId(now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/\.\d+Z$/, '').replace(/[-:]/g, '').replace('T', '-');
  return `${stamp}-imported-${Math.random().toString(16).slice(2, 8).padEnd(6, '0')}`;
}

/**
 * Saves the model with the imported weights as a run in `runsRoot` (model.json, weights.bin and a
 * run.json marked as imported from `origin.file`, with no epochs and no test result yet).
 */
export async function saveImportedRun(options: {
  doc: ProjectDoc;
  weights: WeightsByNode;
  runsRoot: string;
  projectPath: string | null;
  origin: Extract<RunOrigin, { kind: 'imported' }>;
  runId?: string;
}): Promise<{ runId: string; runDir: string; totalParams: number }> {
  const model = modelWithWeights(options.doc, options.weights);
  try {
    const runId = options.runId ?? importedRunId();
    const runDir = path.join(options.runsRoot, runId);
    const files = await saveModelToDir(model, runDir);
    const now = new Date().toISOString();
    const record: RunRecordData = {
      ...newRunRecord(runId, options.doc, options.projectPath, now),
      name: `${options.doc.name} (imported from ${path.basename(options.origin.file)})`,
      status: 'done',
      finishedAt: now,
      totalParams: model.countParams(),
      modelFiles: files.map((f) => path.basename(f)),
      origin: options.origin,
    };
    writeRun(runDir, record);
    return { runId, runDir, totalParams: record.totalParams };
  } finally {
    model.dispose();
  }
}
