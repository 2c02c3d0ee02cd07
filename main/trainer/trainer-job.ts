import { ToTrainerSchema, type FromTrainer, type ToTrainer } from '../../shared/training/protocol';
import type { BackendReport } from '../../shared/training/events';
import { assertNever } from '../../shared/layers/params';
import { readableError, runTraining } from './train';
import { predictWithRun } from './predict';
import { predictGridWithRun } from './predict-grid';
import { doctorReport } from './doctor';
import { activationsWithRun } from './activations';
import { explainWithRun } from './explain';
import { traceWithRun } from './trace';
import type { RunChange } from '../../shared/training/control';

export interface TrainerDeps {
  readonly send: (msg: FromTrainer) => void;
  readonly loadBackend: () => Promise<BackendReport>;
}

type Job = Exclude<ToTrainer, { type: 'stop' | 'pause' | 'resume' | 'control' }>;

/**
 * The trainer's message handling: one job per process. `handle` returns at once
 * so a later `stop`, `pause` or `resume` is seen while training runs; `finished`
 * resolves when the job ends.
 */
export function createTrainerJob(deps: TrainerDeps): { handle(data: unknown): void; finished: Promise<void> } {
  let stopRequested = false;
  let started = false;
  let paused = false;
  let wake: (() => void) | null = null;
  const changes: RunChange[] = [];
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const resume = () => {
    paused = false;
    wake?.();
    wake = null;
  };
  const waitWhilePaused = (): Promise<void> =>
    paused && !stopRequested
      ? new Promise<void>((resolve) => {
          wake = resolve;
        })
      : Promise.resolve();

  async function run(msg: Job): Promise<void> {
    switch (msg.type) {
      case 'train': {
        let backend: BackendReport;
        try {
          backend = await deps.loadBackend();
        } catch (error) {
          deps.send({ type: 'event', event: { type: 'error', runId: msg.runId, message: readableError(error), kind: 'failed' } });
          return;
        }
        await runTraining({
          runId: msg.runId,
          ...(msg.name ? { name: msg.name } : {}),
          doc: msg.doc,
          runDir: msg.runDir,
          backend,
          projectPath: msg.projectPath ?? null,
          ...(msg.initialWeights ? { initialWeights: msg.initialWeights } : {}),
          ...(msg.replay ? { replay: msg.replay } : {}),
          takeChanges: () => changes.splice(0),
          shouldStop: () => stopRequested,
          waitWhilePaused,
          emit: (event) => deps.send({ type: 'event', event }),
        });
        return;
      }
      case 'predict': {
        try {
          await deps.loadBackend();
          deps.send({ type: 'predicted', prediction: await predictWithRun(msg.runDir, msg.input, msg.weights) });
        } catch (error) {
          deps.send({ type: 'failed', message: readableError(error).replace(/^Training failed: /, 'Prediction failed: ') });
        }
        return;
      }
      case 'predict-grid': {
        try {
          await deps.loadBackend();
          deps.send({ type: 'grid', grid: await predictGridWithRun(msg.runDir, msg.grid) });
        } catch (error) {
          deps.send({ type: 'failed', message: readableError(error).replace(/^Training failed: /, 'Prediction failed: ') });
        }
        return;
      }
      case 'activations': {
        try {
          await deps.loadBackend();
          const request = msg.input ? { input: msg.input } : { sampleIndex: msg.sampleIndex ?? 0 };
          deps.send({ type: 'activations', activations: await activationsWithRun(msg.runDir, request) });
        } catch (error) {
          deps.send({ type: 'failed', message: readableError(error).replace(/^Training failed: /, 'Activations failed: ') });
        }
        return;
      }
      case 'explain': {
        try {
          await deps.loadBackend();
          const request = msg.input ? { input: msg.input } : { sampleIndex: msg.sampleIndex ?? 0 };
          deps.send({ type: 'explained', explanation: await explainWithRun(msg.runDir, request, msg.options) });
        } catch (error) {
          deps.send({ type: 'failed', message: readableError(error).replace(/^Training failed: /, 'Explanation failed: ') });
        }
        return;
      }
      case 'trace': {
        try {
          await deps.loadBackend();
          const request = msg.input ? { input: msg.input } : { sampleIndex: msg.sampleIndex ?? 0 };
          deps.send({ type: 'traced', trace: await traceWithRun(msg.runDir, request) });
        } catch (error) {
          deps.send({ type: 'failed', message: readableError(error).replace(/^Training failed: /, 'Stepping through failed: ') });
        }
        return;
      }
      case 'doctor': {
        try {
          deps.send({ type: 'doctor', report: doctorReport(await deps.loadBackend()) });
        } catch (error) {
          deps.send({ type: 'failed', message: readableError(error).replace(/^Training failed: /, '') });
        }
        return;
      }
      default:
        assertNever(msg);
    }
  }

  function handle(data: unknown): void {
    const parsed = ToTrainerSchema.safeParse(data);
    if (!parsed.success) {
      deps.send({ type: 'failed', message: `The trainer received a malformed message: ${parsed.error.issues[0]?.message ?? 'invalid'}.` });
      return;
    }
    const msg = parsed.data;
    switch (msg.type) {
      case 'stop':
        stopRequested = true;
        resume();
        if (!started) finish();
        return;
      case 'pause':
        paused = true;
        return;
      case 'resume':
        resume();
        return;
      case 'control':
        changes.push(msg.change);
        return;
      default:
        break;
    }
    if (started) {
      deps.send({ type: 'failed', message: 'This trainer already runs a job; start a new process for another.' });
      return;
    }
    started = true;
    void run(msg).finally(finish);
  }

  return { handle, finished };
}
