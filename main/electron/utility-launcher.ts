import { utilityProcess } from 'electron';
import type { TrainerLauncher, TrainerProcess } from '../services/launcher';
import type { ToTrainer } from '../../shared/training/protocol';

/** Trainer processes as Electron utility processes (off the UI and main threads). */
export function createUtilityLauncher(entryPath: string): TrainerLauncher {
  return {
    launch(): TrainerProcess {
      const child = utilityProcess.fork(entryPath, [], { serviceName: 'Netwright trainer', stdio: 'inherit' });
      return {
        send: (msg: ToTrainer) => child.postMessage(msg),
        onMessage: (cb) => child.on('message', (msg: unknown) => cb(msg)),
        onExit: (cb) => child.on('exit', (code: number) => cb(code)),
        kill: () => {
          child.kill();
        },
      };
    },
  };
}
