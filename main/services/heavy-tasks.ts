import { ApiError } from '../../shared/api/contract';
import type { ProjectDoc, TrainingSettings } from '../../shared/graph/document';
import type { ExportFormat } from '../../shared/export/result';
import { inspectDataset } from '../trainer/datasets/load-dataset';
import { exportProject } from '../export/export';
import { ExportError } from '../export/model-info';
import { importModelFile } from '../import/import-model';
import { ImportError } from '../import/keras-json';
import { rootedPaths, unrestrictedPaths } from './path-policy';

/**
 * Work too heavy for the host's thread: reading a data set, importing a model, building a model
 * to export it. Plain data (it crosses to a worker thread); `roots` are the allowed folders
 * (null: any), from which the worker rebuilds the same path policy.
 */
export type HeavyTask =
  | { readonly kind: 'inspect'; readonly settings: TrainingSettings }
  | { readonly kind: 'import'; readonly path: string; readonly outPath: string | null; readonly dataDir: string; readonly roots: readonly string[] | null }
  | {
      readonly kind: 'export';
      readonly doc: ProjectDoc;
      readonly format: ExportFormat;
      readonly outDir: string;
      readonly runDir: string | null;
      readonly roots: readonly string[] | null;
      readonly selfCheck?: boolean;
    };

/** What each task names itself in messages. */
export function describeTask(task: HeavyTask): string {
  switch (task.kind) {
    case 'inspect':
      return `Reading the data set${task.settings.data.path ? ` ${task.settings.data.path}` : ''}`;
    case 'import':
      return `Importing ${task.path}`;
    case 'export':
      return `Exporting to ${task.outDir}`;
  }
}

/** Runs a task where it is called (the worker, or the host in tests); every failure is an ApiError. */
export async function runHeavyTask(task: HeavyTask): Promise<unknown> {
  const policy = (roots: readonly string[] | null) => (roots ? rootedPaths(roots) : unrestrictedPaths);
  switch (task.kind) {
    case 'inspect':
      try {
        return inspectDataset(task.settings);
      } catch (error) {
        if (error instanceof ApiError) throw error;
        throw new ApiError('BAD_DATA', error instanceof Error ? error.message : String(error));
      }
    case 'import':
      try {
        const confine = policy(task.roots).check;
        const r = await importModelFile(task.path, { outPath: task.outPath, dataDir: task.dataDir, confine });
        return { ...r, warnings: [...r.warnings], errors: [...r.errors] };
      } catch (error) {
        if (error instanceof ImportError) throw new ApiError('IMPORT_FAILED', error.message);
        throw error;
      }
    case 'export':
      try {
        return await exportProject(task.doc, { format: task.format, outDir: task.outDir, runDir: task.runDir, selfCheck: task.selfCheck !== false, confine: policy(task.roots).check });
      } catch (error) {
        if (error instanceof ExportError) throw new ApiError('NOT_EXPORTABLE', error.message);
        const code = (error as NodeJS.ErrnoException | null)?.code;
        if (code === 'ENOSPC' || code === 'EDQUOT') {
          throw new ApiError('DISK_FULL', `The disk is full; the export to ${task.outDir} could not be written (${code}). Nothing there was changed: free some space and export again.`);
        }
        throw error;
      }
  }
}
