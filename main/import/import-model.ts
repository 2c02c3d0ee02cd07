import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ProjectDoc } from '../../shared/graph/document';
import { analyzeGraph } from '../../shared/graph/analyze';
import { saveProject } from '../storage/project-files';
import { runsRoot } from '../storage/runs';
import { noConfinement, type Confine } from '../storage/staged-dir';
import { readRegularFile, UnsafeFileError } from '../storage/safe-read';
import { elkLayout } from './elk-layout';
import { ImportError, importKerasJson } from './keras-json';
import { importOnnx } from './onnx';
import { kerasWeightsByNode, missingShards, readManifestWeights, saveImportedRun, weightsManifest, type WeightsByNode } from './weights';

/** Largest model file `import` reads: a model.json (weights live in its shards) or an .onnx with its weights. */
export const MAX_IMPORT_BYTES = 512 * 1024 * 1024;

export interface ImportedModel {
  /** The saved project. */
  readonly path: string;
  readonly doc: ProjectDoc;
  readonly format: 'tfjs' | 'onnx';
  /** The run holding the imported weights, or null where the file had none (topology only). */
  readonly runId: string | null;
  readonly totalParams: number;
  readonly warnings: readonly string[];
  /** Problems the canvas will show (the graph imports, but needs fixing before training). */
  readonly errors: readonly string[];
}

/** `model.nwproj` beside the model file, or `model-2.nwproj`... where that exists. */
export function defaultProjectPath(modelFile: string): string {
  const dir = path.dirname(modelFile);
  const base = path.basename(modelFile).replace(/\.(onnx|json)$/i, '') || 'model';
  for (let i = 1; ; i++) {
    const candidate = path.join(dir, `${base}${i === 1 ? '' : `-${i}`}.nwproj`);
    if (!fs.existsSync(candidate) && !fs.existsSync(candidate.replace(/\.nwproj$/, '.runs'))) return candidate;
  }
}

/** By the extension; otherwise JSON is text starting with `{` (after a BOM or spaces), anything else is taken for ONNX. */
function isOnnx(file: string, bytes: Buffer): boolean {
  if (/\.onnx$/i.test(file)) return true;
  if (/\.json$/i.test(file)) return false;
  const head = bytes.subarray(0, 64).toString('utf8').replace(/^\uFEFF/, '').trimStart();
  return !head.startsWith('{');
}

/**
 * Imports a TF.js/Keras model.json (weights from its shards where they are beside it) or an ONNX
 * model into a new project at `outPath` (default: beside the model), laid out, with the weights
 * saved as an `imported` run of that project. Nothing is written when the model or its weights
 * do not fit (ImportError).
 */
export async function importModelFile(
  file: string,
  options: { outPath?: string | null; dataDir: string; name?: string; /** Checks where the project and its run are written (real paths). */ confine?: Confine },
): Promise<ImportedModel> {
  const confine = options.confine ?? noConfinement;
  const source = path.resolve(file);
  let bytes: Buffer;
  try {
    bytes = readRegularFile(source, MAX_IMPORT_BYTES);
  } catch (error) {
    if (error instanceof UnsafeFileError && error.code === 'TOO_LARGE') throw new ImportError(`${error.message} Netwright imports models of at most ${MAX_IMPORT_BYTES / 1e6} MB.`);
    if (error instanceof UnsafeFileError) throw new ImportError(error.message);
    throw new ImportError(`Cannot read ${source}: ${error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error)}`);
  }
  const outRaw = options.outPath ? path.resolve(options.outPath) : defaultProjectPath(source);
  const out = /\.nwproj$/i.test(outRaw) ? outRaw : `${outRaw}.nwproj`;
  const name = options.name ?? path.basename(out).replace(/\.nwproj$/i, '');
  const warnings: string[] = [];
  let doc: ProjectDoc;
  let weights: WeightsByNode | null = null;
  let format: 'tfjs' | 'onnx';
  if (isOnnx(source, bytes)) {
    format = 'onnx';
    const result = importOnnx(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), { name });
    doc = result.doc;
    weights = result.weights;
    warnings.push(...result.warnings);
  } else {
    format = 'tfjs';
    const text = bytes.toString('utf8');
    const result = importKerasJson(text, { name });
    doc = result.doc;
    warnings.push(...result.warnings);
    const manifest = weightsManifest(JSON.parse(text));
    if (manifest && manifest.some((g) => g.weights.length > 0)) {
      const missing = missingShards(source, manifest);
      if (missing.length > 0) warnings.push(`The weights were not imported: ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not beside ${path.basename(source)}.`);
      else weights = kerasWeightsByNode(doc, readManifestWeights(source, manifest));
    }
  }
  const laidOut = await elkLayout(doc.graph.nodes, doc.graph.edges);
  doc = { ...doc, graph: { ...doc.graph, nodes: laidOut.nodes } };
  const analysis = analyzeGraph(doc.graph);
  let runId: string | null = null;
  let runDir: string | null = null;
  if (weights) {
    // The weights are checked (and saved) before the project is written, so a misfit writes nothing.
    const root = runsRoot(options.dataDir, out);
    confine(root);
    const run = await saveImportedRun({ doc, weights, runsRoot: root, projectPath: out, origin: { kind: 'imported', file: source, format } });
    runId = run.runId;
    runDir = run.runDir;
  }
  let saved: { path: string };
  try {
    confine(out);
    saved = await saveProject(out, doc);
  } catch (error) {
    if (runDir) fs.rmSync(runDir, { recursive: true, force: true });
    throw error;
  }
  return {
    path: saved.path,
    doc,
    format,
    runId,
    totalParams: analysis.totalParams,
    warnings,
    errors: analysis.issues.filter((i) => i.severity === 'error').map((i) => i.message),
  };
}
