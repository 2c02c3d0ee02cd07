import { ApiError } from '../../shared/api/contract';
import { FromTrainerSchema, type FromTrainer, type ToTrainer } from '../../shared/training/protocol';
import type { TrainerLauncher } from './launcher';

/**
 * Sends one request to a fresh trainer process and resolves with the first reply
 * `pick` accepts; a `failed` reply, a malformed one or the process ending rejects.
 */
export function trainerRequest<T>(
  launcher: TrainerLauncher,
  msg: ToTrainer,
  pick: (reply: FromTrainer) => T | undefined,
  errorCode: string,
): Promise<T> {
  return new Promise((resolve, reject) => {
    let proc: ReturnType<TrainerLauncher['launch']>;
    try {
      proc = launcher.launch();
    } catch (error) {
      if (error instanceof ApiError) return reject(error);
      reject(new ApiError('TRAINER_ERROR', `The trainer process could not start: ${error instanceof Error ? error.message : String(error)}`));
      return;
    }
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      fn();
      proc.kill();
    };
    proc.onMessage((raw) => {
      const parsed = FromTrainerSchema.safeParse(raw);
      if (!parsed.success) return settle(() => reject(new ApiError('TRAINER_ERROR', 'The trainer sent a malformed message.')));
      const reply = parsed.data;
      if (reply.type === 'failed') return settle(() => reject(new ApiError(errorCode, reply.message)));
      const value = pick(reply);
      if (value !== undefined) settle(() => resolve(value));
    });
    proc.onExit((code) =>
      settle(() => reject(new ApiError('TRAINER_ERROR', `The trainer process ended (${code === null ? 'killed' : `exit code ${code}`}) before it answered.`))),
    );
    proc.send(msg);
  });
}
