import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ProjectDoc } from '../../shared/graph/document';
import { EXPORT_TOLERANCE, type ExportFormat, type ExportResult } from '../../shared/export/result';
import { writeOut, type ExportContext, type FormatOutput } from './context';
import { heldOutExamples, predictTfjs } from './examples';
import { loadExportSource, type ExportSource } from './source';
import { readme } from './readme';
import { writeTfjs } from './tfjs';
import { writePytorch } from './pytorch';
import { writeOnnx } from './onnx';
import { writeKeras } from './keras';
import { writeTorchrun } from './torchrun';
import { quietCpuBanner } from '../trainer/backend-loader';
import { noConfinement, writeStaged, type Confine } from '../storage/staged-dir';

export interface ExportOptions {
  readonly format: ExportFormat;
  readonly outDir: string;
  /** A run's folder (its trained weights); null exports the architecture with fresh weights. */
  readonly runDir?: string | null;
  /** Held-out examples for the self-check (default 8). */
  readonly examples?: number;
  /** Skip the self-checks (they need the target runtimes). Default: run them. */
  readonly selfCheck?: boolean;
  /** Checks the export folder's real path where it is written (the browser mode's allowed folders). */
  readonly confine?: Confine;
}

const WRITERS: Record<ExportFormat, (ctx: ExportContext) => Promise<FormatOutput>> = {
  tfjs: writeTfjs,
  onnx: writeOnnx,
  keras: writeKeras,
  pytorch: writePytorch,
  torchrun: writeTorchrun,
};

/**
 * Exports an already loaded source (tests reuse one model for several formats). The files are
 * written and checked in a staging folder, then renamed into `outDir` (writeStaged): a failed
 * export leaves the previous one, never a truncated file.
 */
export async function exportFromSource(source: ExportSource, options: ExportOptions): Promise<ExportResult> {
  const finalDir = path.resolve(options.outDir);
  return writeStaged(
    finalDir,
    options.confine ?? noConfinement,
    async (stage) => {
      const result = await exportInto(source, options, stage);
      // The report names the export's own folder, not the staging one.
      const report = { ...result, outDir: finalDir, files: result.files.map((f) => path.relative(stage, f)) };
      fs.writeFileSync(path.join(stage, 'netwright-export.json'), `${JSON.stringify(report, null, 2)}\n`);
      return { ...result, files: [...result.files, path.join(stage, 'netwright-export.json')] };
    },
    (result, toFinal) => ({ ...result, outDir: finalDir, files: result.files.map(toFinal) }),
  );
}

async function exportInto(source: ExportSource, options: ExportOptions, outDir: string): Promise<ExportResult> {
  const examples = heldOutExamples(source.info, options.examples ?? 8);
  const ctx: ExportContext = {
    model: source.model,
    info: source.info,
    title: source.name,
    outDir,
    runId: source.runId,
    preprocessing: source.preprocessing,
    training: source.training,
    examples,
    expected: predictTfjs(source.model, examples),
    selfCheck: options.selfCheck !== false,
  };
  const out = await WRITERS[options.format](ctx);
  const files = [...out.files];
  if (source.preprocessing) files.push(writeOut(ctx, 'preprocessing.json', `${JSON.stringify(source.preprocessing, null, 2)}\n`));
  const names = [...files.map((f) => path.relative(outDir, f)), 'README.md', 'netwright-export.json'];
  files.push(writeOut(ctx, 'README.md', readme(options.format, source.name, source.info, source.runId, source.preprocessing, names)));
  const diffs = out.checks.map((c) => c.maxDifference).filter((d): d is number => d !== null);
  const result: ExportResult = {
    format: options.format,
    outDir,
    files,
    runId: source.runId,
    examples: examples[0]?.shape[0] ?? 0,
    tolerance: EXPORT_TOLERANCE,
    maxDifference: diffs.length ? Math.max(...diffs) : null,
    checks: out.checks,
    params: { netwright: source.info.totalParams, exported: out.exportedParams },
    ok: out.checks.every((c) => c.status !== 'failed'),
  };
  return result;
}

/**
 * Exports a project (fresh weights) or one of its runs (trained weights) to `format` in
 * `outDir`, then checks the export in its target runtime where one is available here.
 * Throws ExportError (naming the node) when the graph cannot be expressed in the format.
 */
export async function exportProject(doc: ProjectDoc, options: ExportOptions): Promise<ExportResult> {
  await quietCpuBanner();
  const source = await loadExportSource(doc, options.runDir ?? null);
  try {
    return await exportFromSource(source, options);
  } finally {
    source.model.dispose();
  }
}
