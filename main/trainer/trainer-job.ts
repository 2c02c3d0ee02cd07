import { ToTrainerSchema, type FromTrainer, type ToTrainer } from '../../shared/training/protocol';
import type { BackendReport } from '../../shared/training/events';
import { assertNever } from '../../shared/layers/params';
import { exportFresh } from './export-fresh';
import { readableError, runTraining } from './train';

export interface TrainerDeps {
  readonly send: (msg: FromTrainer) => void;
  readonly loadBackend: () => Promise<BackendReport>;
}

/**
 * The trainer's message handling: one job per process. `handle` returns at once
 * so a later `stop` is seen while training runs; `finished` resolves when the job ends.
 */
export function createTrainerJob(deps: TrainerDeps): { handle(data: unknown): void; finished: Promise<void> } {
  let stopRequested = false;
  let started = false;
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });

  async function run(msg: Exclude<ToTrainer, { type: 'stop' }>): Promise<void> {
    switch (msg.type) {
      case 'train': {
        let backend: BackendReport;
        try {
          backend = await deps.loadBackend();
        } catch (error) {
          deps.send({ type: 'event', event: { type: 'error', runId: msg.runId, message: readableError(error) } });
          return;
        }
        await runTraining({
          runId: msg.runId,
          doc: msg.doc,
          runDir: msg.runDir,
          backend,
          shouldStop: () => stopRequested,
          emit: (event) => deps.send({ type: 'event', event }),
        });
        return;
      }
      case 'export-fresh': {
        try {
          await deps.loadBackend();
          const files = await exportFresh(msg.doc, msg.outDir);
          deps.send({ type: 'exported', files });
        } catch (error) {
          deps.send({ type: 'failed', message: readableError(error).replace(/^Training failed: /, 'Export failed: ') });
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
    if (msg.type === 'stop') {
      stopRequested = true;
      if (!started) finish();
      return;
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
