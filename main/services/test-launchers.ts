import { loadBestBackend } from '../trainer/backend-loader';
import { createTrainerJob } from '../trainer/trainer-job';
import type { ToTrainer } from '../../shared/training/protocol';
import type { TrainerLauncher, TrainerProcess } from './launcher';

/** For tests: a "process" that runs the real trainer job in this process, messages passed as JSON. */
export function createInProcessLauncher(): TrainerLauncher & { launched: number } {
  const launcher = {
    launched: 0,
    launch(): TrainerProcess {
      launcher.launched++;
      const messageListeners: ((m: unknown) => void)[] = [];
      const exitListeners: ((code: number | null) => void)[] = [];
      let exited = false;
      const exit = (code: number | null) => {
        if (exited) return;
        exited = true;
        exitListeners.forEach((cb) => cb(code));
      };
      const job = createTrainerJob({
        send: (msg) => {
          if (!exited) setImmediate(() => messageListeners.forEach((cb) => cb(JSON.parse(JSON.stringify(msg)))));
        },
        loadBackend: () => loadBestBackend(),
      });
      void job.finished.then(() => setTimeout(() => exit(0), 5));
      return {
        send: (msg: ToTrainer) => job.handle(JSON.parse(JSON.stringify(msg))),
        onMessage: (cb) => messageListeners.push(cb),
        onExit: (cb) => exitListeners.push(cb),
        kill: () => exit(null),
      };
    },
  };
  return launcher;
}

/** For tests: a process that sends scripted messages, then exits with `code`. */
export function createScriptedLauncher(script: (runId: string) => unknown[], code: number | null): TrainerLauncher {
  return {
    launch(): TrainerProcess {
      const messageListeners: ((m: unknown) => void)[] = [];
      const exitListeners: ((code: number | null) => void)[] = [];
      let exited = false;
      const exit = (c: number | null) => {
        if (exited) return;
        exited = true;
        exitListeners.forEach((cb) => cb(c));
      };
      return {
        send: (msg) => {
          if (msg.type !== 'train') return;
          setImmediate(() => {
            if (exited) return;
            for (const m of script(msg.runId)) messageListeners.forEach((cb) => cb(m));
            exit(code);
          });
        },
        onMessage: (cb) => messageListeners.push(cb),
        onExit: (cb) => exitListeners.push(cb),
        // Like a real process: killed, it ends (asynchronously).
        kill: () => setImmediate(() => exit(null)),
      };
    },
  };
}
