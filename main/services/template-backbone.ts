import * as fs from 'node:fs';
import * as path from 'node:path';
import { ApiError } from '../../shared/api/contract';
import { TEMPLATE_BACKBONE_NAME } from '../../shared/training/template-backbone';
import { RunRecordSchema } from '../../shared/training/runs';
import { MODEL_FILES, newRunId, writeDraftMark } from '../storage/runs';
import { MAX_SAVED_WEIGHTS_BYTES, readOwnFile, UnsafeFileError } from '../storage/safe-read';

/**
 * A template that starts from trained weights ships them as a run of Netwright's own trainer:
 * `resources/templates/backbones/<name>/` holds its run.json, model.json and weights.bin (made by
 * scripts/make-transfer-backbone.mjs), and the template names it in its top-level `backbone`.
 * Opening the template copies that run into the project's runs, where it is the backbone as a run
 * chosen with "Use as backbone" is: training loads every layer that still matches.
 */

/** The folder of the shipped backbones (found from the source tree or the bundle). */
export function templateBackbonesDir(): string {
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    const candidate = path.join(dir, 'resources', 'templates', 'backbones');
    if (fs.existsSync(candidate)) return candidate;
    dir = path.dirname(dir);
  }
  throw new ApiError('NOT_FOUND', 'The templates\' backbones (resources/templates/backbones) were not found.');
}

/** The backbone a template file's JSON names, or null; a malformed name is refused. */
export function templateBackboneOf(raw: unknown): string | null {
  if (typeof raw !== 'object' || raw === null || !('backbone' in raw)) return null;
  const name = (raw as { backbone: unknown }).backbone;
  if (typeof name !== 'string' || !TEMPLATE_BACKBONE_NAME.test(name)) {
    throw new ApiError('INVALID_PROJECT', 'The template\'s "backbone" is not the name of a shipped backbone.');
  }
  return name;
}

export interface InstalledBackbone {
  readonly runId: string;
  readonly name: string;
}

/**
 * Copies backbone `name` from `backbonesDir` into the runs folder `runsRoot` as a new run, or with
 * `keepRunId` as the run it was (the CLI installs it once beside the project: a run of that id
 * already there is kept as it is); `draft` marks it as an unsaved project's.
 */
export function installTemplateBackbone(
  backbonesDir: string,
  name: string,
  runsRoot: string,
  options: { readonly keepRunId?: boolean; readonly draft?: string } = {},
): InstalledBackbone {
  if (!TEMPLATE_BACKBONE_NAME.test(name)) throw new ApiError('NOT_FOUND', `"${name}" is not the name of a shipped backbone.`);
  const source = path.join(backbonesDir, name);
  // The CLI takes a backbone from beside a template it was given, so its files are read as any
  // run's are (safe-read.ts): regular files only, no link followed.
  let record;
  let files: Buffer[];
  try {
    record = RunRecordSchema.parse(JSON.parse(readOwnFile(path.join(source, 'run.json')).toString('utf8')));
    files = MODEL_FILES.map((file) => readOwnFile(path.join(source, file), file === 'weights.bin' ? MAX_SAVED_WEIGHTS_BYTES : undefined));
  } catch (error) {
    const why = error instanceof UnsafeFileError ? `: ${error.message}` : '';
    throw new ApiError('NOT_FOUND', `The template's backbone "${name}" is missing or damaged (${source})${why || '.'}`);
  }
  const runId = options.keepRunId ? record.runId : newRunId();
  const runName = record.name;
  const target = path.join(runsRoot, runId);
  if (fs.existsSync(path.join(target, 'run.json'))) return { runId, name: runName };
  fs.mkdirSync(target, { recursive: true });
  MODEL_FILES.forEach((file, i) => fs.writeFileSync(path.join(target, file), files[i] as Buffer));
  fs.writeFileSync(path.join(target, 'run.json'), `${JSON.stringify({ ...record, runId, name: runName, projectPath: null }, null, 2)}\n`);
  if (options.draft) writeDraftMark(target, options.draft);
  return { runId, name: runName };
}
