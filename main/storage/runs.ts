import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { ApiError } from '../../shared/api/contract';
import type { GraphNode, ProjectDoc } from '../../shared/graph/document';
import { modelGraph } from '../../shared/graph/analyze-blocks';
import { graphHash } from '../trainer/graph-hash';
import { RunRecordSchema, type RunComparison, type RunRecordData, type RunSummary } from '../../shared/training/runs';
import { INSIGHT_FILE, parseInsightLines, type InsightFile } from '../../shared/training/insight';
import { fileError } from './project-files';
import { noConfinement, type Confine } from './staged-dir';
import { MAX_HISTORY_BYTES, readOwnFile, UnsafeFileError } from './safe-read';

const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/;
export const MODEL_FILES = ['model.json', 'weights.bin'] as const;

/** Unsaved projects' runs: `<dataDir>/runs`. */
export function runsDir(dataDir: string): string {
  return path.join(dataDir, 'runs');
}

/** Where a project's runs are kept: beside it (`/p/mnist.nwproj` → `/p/mnist.runs/`), or the data folder's for unsaved projects. */
export function runsRoot(dataDir: string, projectPath: string | null | undefined): string {
  if (!projectPath) return runsDir(dataDir);
  const full = path.resolve(projectPath);
  return path.join(path.dirname(full), `${path.basename(full).replace(/\.nwproj$/i, '')}.runs`);
}

/**
 * A sortable, unique id: `20261126-225400-1f41a2`, the UTC second, then its milliseconds as three
 * hex digits (so two runs started in the same second sort in the order they started: "latest"
 * and the runs table rely on it), then three random hex digits.
 */
export function newRunId(now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/\.\d+Z$/, '').replace(/[-:]/g, '').replace('T', '-');
  const ms = now.getUTCMilliseconds().toString(16).padStart(3, '0');
  return `${stamp}-${ms}${Math.random().toString(16).slice(2, 5).padEnd(3, '0')}`;
}

/** The folder of a run; refuses ids that could point outside the runs folder. */
export function runDirOf(dataDir: string, runId: string, projectPath: string | null = null): string {
  if (!RUN_ID.test(runId)) throw new ApiError('UNKNOWN_RUN', `"${runId}" is not a run id.`);
  return path.join(runsRoot(dataDir, projectPath), runId);
}

/** The newest run that saved a trained model, or null. */
export function latestRunWithModel(dataDir: string, projectPath: string | null = null): string | null {
  const root = runsRoot(dataDir, projectPath);
  let names: string[];
  try {
    names = fs.readdirSync(root);
  } catch {
    return null;
  }
  const withModel = names.filter((n) => RUN_ID.test(n) && fs.existsSync(path.join(root, n, 'model.json')));
  withModel.sort();
  return withModel.at(-1) ?? null;
}

/** Reads a run's record; a run folder without a readable run.json is reported as damaged. */
export function readRun(dataDir: string, projectPath: string | null, runId: string): RunRecordData {
  const json = parseOwnJson(readRunFile(dataDir, projectPath, runId, 'run.json', { missing: 'unknown' }) as string, runId, 'run.json');
  const parsed = RunRecordSchema.safeParse(json);
  if (!parsed.success) throw new ApiError('DAMAGED_RUN', `Run "${runId}" has a damaged run.json (${parsed.error.issues[0]?.path.join('.') ?? ''}).`);
  return parsed.data;
}

/**
 * The text of a file in a run's folder, read as readOwnFile reads (safe-read.ts): a FIFO, a device,
 * a symbolic link or an oversized file is DAMAGED_RUN, never a blocked or ballooning thread. A
 * missing file is UNKNOWN_RUN (`missing: 'unknown'`) or null.
 */
function readRunFile(dataDir: string, projectPath: string | null, runId: string, name: string, options: { missing: 'unknown' | 'null'; maxBytes?: number }): string | null {
  const file = path.join(runDirOf(dataDir, runId, projectPath), name);
  try {
    return readOwnFile(file, options.maxBytes).toString('utf8');
  } catch (error) {
    if (error instanceof UnsafeFileError) throw new ApiError('DAMAGED_RUN', `Run "${runId}" has a damaged ${name}: ${error.message}`);
    if (options.missing === 'null' && (error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    if (options.missing === 'unknown') throw new ApiError('UNKNOWN_RUN', `There is no run "${runId}" in ${runsRoot(dataDir, projectPath)}.`);
    throw new ApiError('DAMAGED_RUN', `Run "${runId}" has a ${name} that cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}).`);
  }
}

/** The JSON a run's file holds; a parse error never repeats the file's text (it may not be Netwright's). */
function parseOwnJson(text: string, runId: string, name: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError('DAMAGED_RUN', `Run "${runId}" has a damaged ${name} (not JSON).`);
  }
}

/** A run's per-layer histograms (`insight.jsonl`); none for runs from before they were kept. */
export function readInsight(dataDir: string, projectPath: string | null, runId: string): InsightFile {
  readRun(dataDir, projectPath, runId);
  const text = readRunFile(dataDir, projectPath, runId, INSIGHT_FILE, { missing: 'null', maxBytes: MAX_HISTORY_BYTES });
  if (text === null) return { version: 1, probeSamples: 0, epochs: [] };
  try {
    return parseInsightLines(text);
  } catch (error) {
    throw new ApiError('DAMAGED_RUN', `Run "${runId}" has a damaged ${INSIGHT_FILE}: ${error instanceof Error ? error.message : String(error)}.`);
  }
}

/** Writes run.json (whole, via a rename). */
/**
 * The record of a run of `doc` before anything is measured: the graph that trains (blocks
 * inlined, so exports and comparisons need no block definitions), no epochs, no results.
 * Callers override what they know (status, finish time, files, origin).
 */
export function newRunRecord(runId: string, doc: ProjectDoc, projectPath: string | null, startedAt: string): RunRecordData {
  const graph = modelGraph(doc);
  return {
    runId,
    name: doc.name,
    status: 'running',
    projectPath,
    settings: doc.training,
    graph,
    graphHash: graphHash(graph),
    backend: null,
    startedAt,
    finishedAt: null,
    seconds: 0,
    trainSeconds: 0,
    samplesPerSec: 0,
    stopped: false,
    earlyStoppedAt: null,
    bestEpoch: null,
    epochs: [],
    test: null,
    evaluation: null,
    preprocessing: null,
    totalParams: 0,
    modelFiles: [],
    bestModelFiles: [],
    error: null,
  };
}

export function writeRun(dir: string, record: RunRecordData): void {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'run.json');
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(RunRecordSchema.parse(record), null, 2)}\n`);
  fs.renameSync(tmp, file);
}

export function summarize(record: RunRecordData, dir: string): RunSummary {
  return {
    runId: record.runId,
    name: record.name,
    status: record.status,
    dataset: record.settings.dataset,
    startedAt: record.startedAt,
    seconds: record.seconds,
    epochsDone: record.epochs.length,
    test: record.test,
    backend: record.backend?.label ?? null,
    graphHash: record.graphHash,
    hasModel: fs.existsSync(path.join(dir, 'model.json')),
    hasBest: fs.existsSync(path.join(dir, 'best', 'model.json')),
    ...(record.origin ? { origin: record.origin } : {}),
    ...(record.sweep ? { sweep: record.sweep } : {}),
    ...(record.controls?.length ? { controls: record.controls.length } : {}),
  };
}

/** The file in an unsaved project's run folder naming the project (its draft id), beside run.json. */
export const DRAFT_FILE = 'draft';

/** Marks a run of an unsaved project as that project's (runs.list filters by it, runs.adopt moves by it). */
export function writeDraftMark(runDir: string, draft: string): void {
  fs.writeFileSync(path.join(runDir, DRAFT_FILE), `${draft}\n`);
}

function draftOf(runDir: string): string | null {
  try {
    return readOwnFile(path.join(runDir, DRAFT_FILE), 1024).toString('utf8').trim() || null;
  } catch {
    return null;
  }
}

/** Run ids in a runs folder, oldest first; with `draft`, only that unsaved project's. */
function runIdsIn(root: string, draft?: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(root);
  } catch {
    return [];
  }
  return names.filter((n) => RUN_ID.test(n) && (draft === undefined || draftOf(path.join(root, n)) === draft)).sort();
}

/**
 * The project's runs, newest first; folders without a readable record are skipped. `draft` (for
 * unsaved projects, `projectPath` null) lists only that project's runs, not every unsaved one.
 */
export function listRuns(dataDir: string, projectPath: string | null, draft?: string): RunSummary[] {
  const root = runsRoot(dataDir, projectPath);
  const out: RunSummary[] = [];
  for (const n of runIdsIn(root, projectPath ? undefined : draft).reverse()) {
    try {
      out.push(summarize(readRun(dataDir, projectPath, n), path.join(root, n)));
    } catch {
      // A run still starting, or damaged: not listed.
    }
  }
  return out;
}

/** The project's newest readable run and how many runs it has (for the next run's default name). */
export function previousRun(dataDir: string, projectPath: string | null, draft?: string): { previous: RunRecordData | null; count: number } {
  const ids = runIdsIn(runsRoot(dataDir, projectPath), projectPath ? undefined : draft);
  for (const id of [...ids].reverse()) {
    try {
      return { previous: readRun(dataDir, projectPath, id), count: ids.length };
    } catch {
      // Damaged or still starting: try an older one.
    }
  }
  return { previous: null, count: ids.length };
}

/** Renames a finished run (its run.json). */
export function renameRun(dataDir: string, projectPath: string | null, runId: string, name: string): { name: string } {
  const record = readRun(dataDir, projectPath, runId);
  writeRun(runDirOf(dataDir, runId, projectPath), { ...record, name });
  return { name };
}

async function moveFolder(from: string, to: string): Promise<void> {
  try {
    await fsp.rename(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    // Another file system: copy, then remove the original.
    await fsp.cp(from, to, { recursive: true, errorOnExist: true, force: false });
    await fsp.rm(from, { recursive: true, force: true });
  }
}

/**
 * Moves an unsaved project's finished runs (by `draft`) beside the project it was saved as, with
 * their records pointing at it. Runs in `active` (still training) stay; they are returned apart.
 */
export async function adoptRuns(
  dataDir: string,
  draft: string,
  projectPath: string,
  active: readonly string[],
  confine: Confine = noConfinement,
): Promise<{ moved: string[]; training: string[] }> {
  const from = runsDir(dataDir);
  const to = runsRoot(dataDir, projectPath);
  const moved: string[] = [];
  const training: string[] = [];
  for (const id of runIdsIn(from, draft)) {
    if (active.includes(id)) {
      training.push(id);
      continue;
    }
    const dir = path.join(from, id);
    const target = path.join(to, id);
    try {
      await fsp.mkdir(to, { recursive: true });
      // The project's runs folder is checked by its real path (a link there may not lead out).
      confine(to);
      if (fs.existsSync(target)) continue;
      try {
        await moveFolder(dir, target);
      } catch (error) {
        // Moved meanwhile by another adoption of the same draft (a sweep's run that ended): not an error.
        if ((error as NodeJS.ErrnoException).code === 'ENOENT' && !fs.existsSync(dir)) continue;
        throw error;
      }
      await fsp.rm(path.join(target, DRAFT_FILE), { force: true });
    } catch (error) {
      throw fileError(error, target);
    }
    try {
      const record = readRun(dataDir, projectPath, id);
      writeRun(target, { ...record, projectPath });
    } catch {
      // A damaged record moves as it is.
    }
    moved.push(id);
  }
  return { moved, training };
}

/** Deletes a run's folder; `confine` checks its real path just before (a link is never followed out). */
export async function deleteRun(dataDir: string, projectPath: string | null, runId: string, confine: Confine = noConfinement): Promise<{ deleted: boolean }> {
  const dir = runDirOf(dataDir, runId, projectPath);
  if (!fs.existsSync(dir)) return { deleted: false };
  confine(dir);
  try {
    await fsp.rm(dir, { recursive: true, force: true });
  } catch (error) {
    throw fileError(error, dir);
  }
  return { deleted: true };
}

/** Dotted paths of leaves that differ between objects, with each one's value as JSON. */
function leafDiffs(values: readonly unknown[], prefix = ''): { path: string; values: string[] }[] {
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (values.every(isObj)) {
    const keys = [...new Set(values.flatMap((v) => Object.keys(v)))].sort();
    return keys.flatMap((k) => leafDiffs(values.map((v) => v[k]), prefix ? `${prefix}.${k}` : k));
  }
  const texts = values.map((v) => (v === undefined ? '—' : JSON.stringify(v)));
  return texts.every((t) => t === texts[0]) ? [] : [{ path: prefix, values: texts }];
}

export function compareRuns(dataDir: string, projectPath: string | null, runIds: readonly string[]): RunComparison {
  const records = runIds.map((id) => readRun(dataDir, projectPath, id));
  const first = records[0] as RunRecordData;
  const byId = (nodes: readonly GraphNode[]) => new Map(nodes.map((n) => [n.id, n]));
  const base = byId(first.graph.nodes);
  const edgeKey = (r: RunRecordData) => r.graph.edges.map((e) => `${e.source}>${e.target}:${e.targetPort}`).sort().join('|');
  const differences = records.slice(1).map((r) => {
    const other = byId(r.graph.nodes);
    const added = [...other.keys()].filter((id) => !base.has(id));
    const removed = [...base.keys()].filter((id) => !other.has(id));
    const changed: RunComparison['graph']['differences'][number]['changed'] = [];
    for (const [id, node] of other) {
      const was = base.get(id);
      if (!was) continue;
      if (was.type !== node.type) changed.push({ nodeId: id, param: 'type', from: was.type, to: node.type });
      for (const k of new Set([...Object.keys(was.params), ...Object.keys(node.params)])) {
        const a = JSON.stringify(was.params[k] ?? null);
        const b = JSON.stringify(node.params[k] ?? null);
        if (a !== b) changed.push({ nodeId: id, param: k, from: a, to: b });
      }
    }
    return { runId: r.runId, added, removed, changed, edgesChanged: edgeKey(r) !== edgeKey(first) };
  });
  return {
    runs: records.map((r) => summarize(r, runDirOf(dataDir, r.runId, projectPath))),
    settings: leafDiffs(records.map((r) => r.settings)),
    graph: { same: records.every((r) => r.graphHash === first.graphHash), differences },
    curves: records.map((r) => ({ runId: r.runId, epochs: r.epochs })),
    controls: records.map((r) => ({ runId: r.runId, changes: r.controls ?? [] })),
  };
}

