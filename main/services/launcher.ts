import { ApiError } from '../../shared/api/contract';
import type { ToTrainer } from '../../shared/training/protocol';

/** One trainer process, whatever started it (Node fork or Electron utilityProcess). */
export interface TrainerProcess {
  send(msg: ToTrainer): void;
  /** Raw messages from the trainer; the service validates them. */
  onMessage(cb: (msg: unknown) => void): void;
  /** Called once when the process ends; `code` is null when it was killed by a signal (named where known). */
  onExit(cb: (code: number | null, signal?: string | null) => void): void;
  /** Asks the process to end (SIGTERM); `SIGKILL` ends one that does not listen. */
  kill(signal?: 'SIGTERM' | 'SIGKILL'): void;
  /** The operating system's process id, where there is a real process. */
  readonly pid?: number | undefined;
}

/** Starts trainer processes; one process per job. */
export interface TrainerLauncher {
  launch(): TrainerProcess;
}

/** Trainer processes (training, predictions, explanations, checks) that may run at once by default. */
export const MAX_TRAINER_PROCESSES = 8;

/**
 * A launcher that starts at most `max` processes at a time: one more is refused with
 * ApiError('BUSY') saying what to do, before anything is started. A process counts until it exits.
 */
export function capLaunches(launcher: TrainerLauncher, max = MAX_TRAINER_PROCESSES): TrainerLauncher & { readonly running: () => number } {
  let running = 0;
  return {
    running: () => running,
    launch() {
      if (running >= max) {
        throw new ApiError(
          'BUSY',
          `Netwright is busy: ${max} trainer processes (training runs, predictions or checks) are already running, the most it runs at once. Wait for one to finish or stop a run, then try again.`,
        );
      }
      const proc = launcher.launch();
      running++;
      let counted = true;
      proc.onExit(() => {
        if (!counted) return;
        counted = false;
        running--;
      });
      return proc;
    },
  };
}
