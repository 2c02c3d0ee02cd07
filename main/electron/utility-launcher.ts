import { utilityProcess } from 'electron';
import type { TrainerLauncher, TrainerProcess } from '../services/launcher';
import type { ToTrainer } from '../../shared/training/protocol';
import { trainerCwd } from '../app-paths';

/**
 * Trainer processes as Electron utility processes (off the UI and main threads).
 * `entryPath` may lie inside app.asar (installed app): the utility process reads
 * it through Electron's asar support; its cwd is a real folder beside the archive,
 * and native add-ons load from app.asar.unpacked (see app-paths.ts).
 */
export function createUtilityLauncher(entryPath: string): TrainerLauncher {
  return {
    launch(): TrainerProcess {
      const child = utilityProcess.fork(entryPath, [], { serviceName: 'Netwright trainer', stdio: 'inherit', cwd: trainerCwd(entryPath) });
      return {
        send: (msg: ToTrainer) => child.postMessage(msg),
        onMessage: (cb) => child.on('message', (msg: unknown) => cb(msg)),
        onExit: (cb) => child.on('exit', (code: number) => cb(code)),
        kill: (signal = 'SIGTERM') => {
          // utilityProcess.kill() sends SIGTERM; a trainer that does not listen is ended through its pid.
          if (signal === 'SIGKILL' && child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
          else child.kill();
        },
        get pid() {
          return child.pid;
        },
      };
    },
  };
}
