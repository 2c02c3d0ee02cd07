import { fork } from 'node:child_process';
import type { ToTrainer } from '../../shared/training/protocol';
import type { TrainerLauncher, TrainerProcess } from './launcher';

/**
 * Trainer processes as Node child processes (`child_process.fork`) of the
 * built entry (`dist/main/trainer.cjs`). The child's stdout goes to our stderr
 * so a headless `--json` run keeps stdout for its own lines.
 */
export function createForkLauncher(entryPath: string): TrainerLauncher {
  return {
    launch(): TrainerProcess {
      const child = fork(entryPath, [], { stdio: ['ignore', 2, 2, 'ipc'], execArgv: [], serialization: 'json' });
      const exitListeners: ((code: number | null, signal?: string | null) => void)[] = [];
      let exited = false;
      const exit = (code: number | null, signal: string | null = null) => {
        if (exited) return;
        exited = true;
        for (const cb of exitListeners) cb(code, signal);
      };
      child.on('exit', (code, signal) => exit(code, signal));
      // A process that cannot start emits 'error' and may never emit 'exit'.
      child.on('error', () => exit(null));
      return {
        send: (msg: ToTrainer) => {
          if (exited || !child.connected) return;
          child.send(msg, (err) => {
            if (err && !exited) child.kill();
          });
        },
        onMessage: (cb) => {
          child.on('message', (msg: unknown) => cb(msg));
        },
        onExit: (cb) => {
          exitListeners.push(cb);
        },
        kill: (signal = 'SIGTERM') => {
          if (!exited) child.kill(signal);
        },
        pid: child.pid,
      };
    },
  };
}
