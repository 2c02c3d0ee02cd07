import type { ToTrainer } from '../../shared/training/protocol';

/** One trainer process, whatever started it (Node fork or Electron utilityProcess). */
export interface TrainerProcess {
  send(msg: ToTrainer): void;
  /** Raw messages from the trainer; the service validates them. */
  onMessage(cb: (msg: unknown) => void): void;
  /** Called once when the process ends; `code` is null when it was killed by a signal (named where known). */
  onExit(cb: (code: number | null, signal?: string | null) => void): void;
  kill(): void;
  /** The operating system's process id, where there is a real process. */
  readonly pid?: number | undefined;
}

/** Starts trainer processes; one process per job. */
export interface TrainerLauncher {
  launch(): TrainerProcess;
}
