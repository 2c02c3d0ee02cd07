import { z } from 'zod';
import { pathPolicyIssue, withPathPolicy } from '../../shared/api/client-path';
import {
  ApiError,
  CALLS,
  EVENTS,
  isCallName,
  type CallName,
  type CallResult,
  type DatasetInfo,
  type EventName,
} from '../../shared/api/contract';
import { DATASETS } from '../../shared/training/datasets';
import { DEFAULT_TRAINING } from '../../shared/graph/document';
import { replayDoc } from './replay';
import { capLaunches, type TrainerLauncher } from './launcher';
import { inProcessHeavyWork, type HeavyWork } from './heavy-work';
import type { Dialogs } from './dialogs';
import { listDirectory, makeDirectory, openProject, saveProject } from '../storage/project-files';
import { adoptRuns, compareRuns, deleteRun, listRuns, readInsight, readRun, renameRun, runDirOf, runsRoot } from '../storage/runs';
import { trainerRequest } from './trainer-request';
import { installTemplateBackbone, templateBackbonesDir } from './template-backbone';
import { inspectDataset } from '../trainer/datasets/load-dataset';
import type { DoctorReport } from '../../shared/training/doctor';
import { assertGraphValid, TrainingManager, type StopTiming } from './training-manager';
import { SweepManager } from './sweep-manager';
import { unrestrictedPaths, type PathPolicy } from './path-policy';
import { existsSync } from 'node:fs';
import path from 'node:path';

export interface BackendDeps {
  readonly mode: 'electron' | 'browser';
  readonly version: string;
  readonly launcher: TrainerLauncher;
  /** Where runs are kept (`<dataDir>/runs/<runId>`). */
  readonly dataDir: string;
  /** A folder to offer first in file pickers. */
  readonly defaultDir: string;
  readonly dialogs?: Dialogs;
  /** Which paths clients may use; the browser mode limits them to chosen folders. Default: any. */
  readonly paths?: PathPolicy;
  /** The UI's recent project files changed (the desktop app rebuilds its menu); absent in the browser mode. */
  readonly onRecentFiles?: (paths: readonly string[]) => void;
  /** Most trainer processes (training, predictions, checks) at once; one more is refused as BUSY. Default MAX_TRAINER_PROCESSES. */
  readonly maxTrainerProcesses?: number;
  /** Where dataset inspection, imports and exports run (default: the calling thread; the apps give a worker with a memory cap). */
  readonly heavy?: HeavyWork;
  /** Stop grace and kill grace of the training manager (tests shorten them). */
  readonly stopTiming?: StopTiming;
}

/** The back end as both transports see it: named calls in, events out. Knows no transport. */
export interface BackendService {
  /** Validates name, params and result against the contract; throws ApiError otherwise. */
  handle(name: string, params: unknown): Promise<unknown>;
  onEvent(listener: (name: EventName, payload: unknown) => void): () => void;
  /** Ends running trainers and drops listeners. */
  dispose(): Promise<void>;
}

type Handlers = { [C in CallName]: (params: z.infer<(typeof CALLS)[C]['params']>) => Promise<CallResult<C>> | CallResult<C> };

function describeZodError(error: z.ZodError): string {
  const first = error.issues[0];
  if (!first) return 'invalid';
  const where = first.path.join('.');
  return where ? `${where}: ${first.message}` : first.message;
}

export function createBackend(deps: BackendDeps): BackendService {
  const paths = deps.paths ?? unrestrictedPaths;
  const launcher = capLaunches(deps.launcher, deps.maxTrainerProcesses);
  const heavy = deps.heavy ?? inProcessHeavyWork;
  const listeners = new Set<(name: EventName, payload: unknown) => void>();
  const emit = (name: EventName, payload: unknown) => {
    const checked = EVENTS[name].parse(payload);
    for (const l of [...listeners]) l(name, checked);
  };
  let doctor: Promise<DoctorReport> | null = null;
  /** Checks a path the back end derived (a run folder, an export's files) by its real path where it is used. */
  const confine = (p: string): string => paths.check(p);
  /**
   * The runs of a saved project live beside it (`x.runs/`): that folder, and the run's own, must be
   * inside the allowed folders by their real paths (a link there may not lead out; a "project" at
   * an allowed root itself would keep its runs beside the root). Unsaved projects' runs are in the
   * app's own data folder.
   */
  const confineRuns = (projectPath: string | null | undefined, runId?: string): void => {
    if (!projectPath) return;
    confine(runsRoot(deps.dataDir, projectPath));
    if (runId !== undefined) confine(runDirOf(deps.dataDir, runId, projectPath));
  };
  /** The folder of an existing run (confined as above); UNKNOWN_RUN or DAMAGED_RUN when it has no readable record. */
  const savedRun = (projectPath: string | null, runId: string): string => {
    confineRuns(projectPath, runId);
    readRun(deps.dataDir, projectPath, runId);
    return runDirOf(deps.dataDir, runId, projectPath);
  };
  const training = new TrainingManager(
    launcher,
    deps.dataDir,
    (event) => {
      emit('training.event', event);
      sweeps.onTrainEvent(event);
    },
    (dir, projectPath) => {
      if (projectPath) confine(dir);
    },
    deps.stopTiming,
  );
  const sweeps: SweepManager = new SweepManager(
    training,
    deps.dataDir,
    (state) => emit('sweep.event', state),
    (draft, projectPath) => adoptRuns(deps.dataDir, draft, projectPath, training.activeRunIds(), confine),
    // A sweep's data set is read off the host's thread, once for all its trials.
    async (settings) => (await heavy.run({ kind: 'inspect', settings })) as DatasetInfo,
  );

  const dialogs = (): Dialogs => {
    if (!deps.dialogs) throw new ApiError('UNSUPPORTED', 'Native dialogs are only available in the desktop app.');
    return deps.dialogs;
  };

  const handlers: Handlers = {
    'app.info': () => ({ version: deps.version, mode: deps.mode, platform: process.platform, defaultDir: deps.defaultDir }),
    'datasets.list': () =>
      DATASETS.map((d) => {
        const info = d.id === 'fashion-mnist' ? inspectDataset({ ...DEFAULT_TRAINING, dataset: 'fashion-mnist' }) : d;
        return { ...info, sampleShape: [...info.sampleShape], classNames: [...info.classNames], options: [...info.options] };
      }),
    'datasets.inspect': async (p) => (await heavy.run({ kind: 'inspect', settings: p.settings })) as CallResult<'datasets.inspect'>,
    'backend.report': () => {
      doctor ??= trainerRequest<DoctorReport>(launcher, { type: 'doctor' }, (r) => (r.type === 'doctor' ? r.report : undefined), 'BACKEND_FAILED');
      // A failed check is not cached: the next call tries again.
      doctor.catch(() => {
        doctor = null;
      });
      return doctor;
    },
    'training.pause': (p) => training.pause(p.runId),
    'training.resume': (p) => training.resume(p.runId),
    'training.current': () => ({ run: training.current() }),
    'sweep.start': (p) => {
      confineRuns(p.projectPath);
      return sweeps.start(p.doc, p.projectPath, p.spec, p.draft);
    },
    'sweep.stop': (p) => {
      confineRuns(p.projectPath);
      return sweeps.stop(p.projectPath, p.sweepId);
    },
    'sweep.resume': (p) => {
      confineRuns(p.projectPath);
      return sweeps.resume(p.projectPath, p.sweepId);
    },
    'sweep.list': (p) => {
      confineRuns(p.projectPath);
      return sweeps.list(p.projectPath, p.draft);
    },
    'runs.list': (p) => {
      confineRuns(p.projectPath);
      return listRuns(deps.dataDir, p.projectPath, p.draft);
    },
    'runs.rename': (p) => {
      confineRuns(p.projectPath, p.runId);
      if (training.activeRunIds().includes(p.runId)) throw new ApiError('RUN_ACTIVE', 'This run is still training; rename it when it has finished.');
      return renameRun(deps.dataDir, p.projectPath, p.runId, p.name);
    },
    'runs.adopt': async (p) => {
      confineRuns(p.projectPath);
      const adopted = await adoptRuns(deps.dataDir, p.draft, p.projectPath, training.activeRunIds(), confine);
      // The draft's sweeps follow its runs (a running sweep's runs still training follow when they end).
      sweeps.adopt(p.draft, p.projectPath);
      return adopted;
    },
    'templates.backbone': (p) => installTemplateBackbone(templateBackbonesDir(), p.name, runsRoot(deps.dataDir, null), { draft: p.draft }),
    'runs.get': (p) => {
      confineRuns(p.projectPath, p.runId);
      return readRun(deps.dataDir, p.projectPath, p.runId);
    },
    'runs.delete': (p) => {
      if (training.activeRunIds().includes(p.runId)) throw new ApiError('RUN_ACTIVE', 'This run is still training; stop it before deleting it.');
      confineRuns(p.projectPath);
      return deleteRun(deps.dataDir, p.projectPath, p.runId, (dir) => (p.projectPath ? confine(dir) : dir));
    },
    'runs.compare': (p) => {
      for (const id of p.runIds) confineRuns(p.projectPath, id);
      return compareRuns(deps.dataDir, p.projectPath, p.runIds);
    },
    'runs.predict': (p) => {
      const runDir = savedRun(p.projectPath, p.runId);
      return trainerRequest(
        launcher,
        { type: 'predict', runDir, input: p.input, weights: p.weights },
        (r) => (r.type === 'predicted' ? r.prediction : undefined),
        'PREDICT_FAILED',
      );
    },
    'runs.predictGrid': (p) => {
      const runDir = savedRun(p.projectPath, p.runId);
      return trainerRequest(
        launcher,
        { type: 'predict-grid', runDir, grid: { xRange: p.xRange, yRange: p.yRange, size: p.size, features: p.features } },
        (r) => (r.type === 'grid' ? r.grid : undefined),
        'PREDICT_FAILED',
      );
    },
    'runs.insight': (p) => {
      confineRuns(p.projectPath, p.runId);
      return readInsight(deps.dataDir, p.projectPath, p.runId);
    },
    'runs.activations': (p) => {
      if ((p.sampleIndex === undefined) === (p.input === undefined)) throw new ApiError('BAD_PARAMS', 'runs.activations needs either sampleIndex or input.');
      const runDir = savedRun(p.projectPath, p.runId);
      return trainerRequest(
        launcher,
        { type: 'activations', runDir, ...(p.input ? { input: p.input } : { sampleIndex: p.sampleIndex }) },
        (r) => (r.type === 'activations' ? r.activations : undefined),
        'ACTIVATIONS_FAILED',
      );
    },
    'runs.explain': (p) => {
      const { projectPath, runId, sampleIndex, input, ...options } = p;
      if ((sampleIndex === undefined) === (input === undefined)) throw new ApiError('BAD_PARAMS', 'runs.explain needs either sampleIndex or input.');
      const runDir = savedRun(projectPath, runId);
      return trainerRequest(
        launcher,
        { type: 'explain', runDir, ...(input ? { input } : { sampleIndex }), options },
        (r) => (r.type === 'explained' ? r.explanation : undefined),
        'EXPLAIN_FAILED',
      );
    },
    'runs.trace': (p) => {
      if ((p.sampleIndex === undefined) === (p.input === undefined)) throw new ApiError('BAD_PARAMS', 'runs.trace needs either sampleIndex or input.');
      const runDir = savedRun(p.projectPath, p.runId);
      return trainerRequest(
        launcher,
        { type: 'trace', runDir, ...(p.input ? { input: p.input } : { sampleIndex: p.sampleIndex }) },
        (r) => (r.type === 'traced' ? r.trace : undefined),
        'TRACE_FAILED',
      );
    },
    'project.open': (p) => openProject(p.path),
    'project.save': (p) => saveProject(p.path, p.doc),
    'files.list': (p) => listDirectory(p.path),
    'files.mkdir': (p) => makeDirectory(p.parent, p.name, confine),
    'project.import': async (p) =>
      (await heavy.run({ kind: 'import', path: p.path, outPath: p.outPath ?? null, dataDir: deps.dataDir, roots: paths.roots })) as CallResult<'project.import'>,
    'training.start': async (p) => {
      confineRuns(p.projectPath);
      // The data set is read off the host's thread; the manager checks the graph against it.
      assertGraphValid(p.doc);
      const dataset = (await heavy.run({ kind: 'inspect', settings: p.doc.training })) as DatasetInfo;
      return training.start(p.doc, p.projectPath ?? null, p.initialWeights, { draft: p.draft, name: p.name, dataset });
    },
    'training.stop': (p) => training.stop(p.runId),
    'training.control': (p) => training.control(p.runId, p.change),
    'training.replay': async (p) => {
      confineRuns(p.projectPath, p.runId);
      const record = readRun(deps.dataDir, p.projectPath, p.runId);
      const doc = replayDoc(record);
      assertGraphValid(doc);
      const dataset = (await heavy.run({ kind: 'inspect', settings: doc.training })) as DatasetInfo;
      return training.start(doc, p.projectPath, undefined, { replay: record.controls ?? [], dataset });
    },
    'export.model': async (p) => {
      if (p.runId) confineRuns(p.projectPath, p.runId);
      const runDir = p.runId ? runDirOf(deps.dataDir, p.runId, p.projectPath ?? null) : null;
      if (runDir && !existsSync(path.join(runDir, 'model.json'))) {
        throw new ApiError('NO_MODEL', `Run "${p.runId}" has no saved model: it failed or was stopped before its first batch.`);
      }
      return (await heavy.run({ kind: 'export', doc: p.doc, format: p.format, outDir: p.outDir, runDir, roots: paths.roots, ...(p.selfCheck === false ? { selfCheck: false } : {}) })) as CallResult<'export.model'>;
    },
    'dialog.open': async (p) => ({ path: await dialogs().open(p.title, p.defaultPath) }),
    'dialog.save': async (p) => ({ path: await dialogs().save(p.title, p.defaultPath) }),
    'dialog.folder': async (p) => ({ path: await dialogs().folder(p.title, p.defaultPath) }),
    'app.recentFiles': (p) => {
      deps.onRecentFiles?.(p.paths);
      return {};
    },
  };

  async function dispatch<C extends CallName>(name: C, rawParams: unknown): Promise<CallResult<C>> {
    // Every client path in the params, at any depth, goes through the path policy as zod meets it.
    const parsed = withPathPolicy(paths.check, () => CALLS[name].params.safeParse(rawParams ?? {}));
    if (!parsed.success) {
      const refused = pathPolicyIssue(parsed.error);
      if (refused) throw new ApiError(refused.code, refused.where ? `${refused.where}: ${refused.message}` : refused.message);
      throw new ApiError('BAD_PARAMS', `Invalid parameters for ${name}: ${describeZodError(parsed.error)}.`);
    }
    const handler = handlers[name] as (p: unknown) => Promise<CallResult<C>> | CallResult<C>;
    const value = await handler(parsed.data);
    const checked = CALLS[name].result.safeParse(value);
    if (!checked.success) throw new ApiError('INTERNAL', `The back end produced an invalid result for ${name}: ${describeZodError(checked.error)}.`);
    return checked.data as CallResult<C>;
  }

  return {
    async handle(name, params) {
      if (!isCallName(name)) throw new ApiError('UNKNOWN_CALL', `Unknown call "${String(name).slice(0, 100)}".`);
      try {
        return await dispatch(name, params);
      } catch (error) {
        if (error instanceof ApiError) throw error;
        throw new ApiError('INTERNAL', `${name} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    async dispose() {
      await heavy.dispose();
      sweeps.dispose();
      training.dispose();
      listeners.clear();
    },
  };
}
