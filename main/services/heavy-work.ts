import { Worker } from 'node:worker_threads';
import { ApiError } from '../../shared/api/contract';
import { describeTask, runHeavyTask, type HeavyTask } from './heavy-tasks';

/** Where heavy tasks run: worker threads with a memory cap in the apps, the calling thread in tests. */
export interface HeavyWork {
  run(task: HeavyTask): Promise<unknown>;
  /** Ends the idle workers (running tasks end with their calls). */
  dispose(): Promise<void>;
}

/** A task as posted to a worker, and the worker's reply: the task's value, or the ApiError it ended with. */
export interface HeavyRequest {
  readonly id: number;
  readonly task: HeavyTask;
}
export type HeavyReply = { readonly id: number; readonly ok: true; readonly value: unknown } | { readonly id: number; readonly ok: false; readonly code: string; readonly message: string };

/** Runs tasks on the calling thread (tests, the command line). */
export const inProcessHeavyWork: HeavyWork = { run: runHeavyTask, dispose: async () => undefined };

/** Heap a heavy task's worker may use by default (its buffers come on top). */
export const HEAVY_WORKER_MEMORY_MB = 2048;
/** How long an idle worker is kept for the next task (starting one takes a second or two). */
const IDLE_MS = 60_000;

interface PooledWorker {
  readonly worker: Worker;
  idleTimer?: ReturnType<typeof setTimeout>;
}

/**
 * Runs each task in a worker thread (`entry`: the bundled heavy-worker-entry) whose heap is capped
 * at `memoryMb`, so the host's thread keeps answering other calls while it works. A worker runs
 * one task at a time; idle ones are kept a minute for the next task and do not keep the process
 * alive. A task that runs out of memory or crashes ends its worker, not the app: the call fails
 * with a readable WORKER_FAILED error and the next task gets a fresh worker.
 */
export function workerHeavyWork(entry: string, options: { memoryMb?: number } = {}): HeavyWork {
  const memoryMb = options.memoryMb ?? HEAVY_WORKER_MEMORY_MB;
  const idle: PooledWorker[] = [];
  const all = new Set<Worker>();
  let nextId = 1;

  const spawn = (): PooledWorker => {
    const worker = new Worker(entry, {
      resourceLimits: { maxOldGenerationSizeMb: memoryMb, maxYoungGenerationSizeMb: Math.min(64, Math.max(8, Math.floor(memoryMb / 8))) },
    });
    all.add(worker);
    worker.once('exit', () => {
      all.delete(worker);
      const i = idle.findIndex((p) => p.worker === worker);
      if (i >= 0) idle.splice(i, 1);
    });
    return { worker };
  };

  const release = (pooled: PooledWorker) => {
    pooled.worker.removeAllListeners('message');
    pooled.worker.removeAllListeners('error');
    pooled.worker.unref();
    pooled.idleTimer = setTimeout(() => void pooled.worker.terminate(), IDLE_MS);
    pooled.idleTimer.unref();
    idle.push(pooled);
  };

  return {
    run(task) {
      return new Promise((resolve, reject) => {
        const what = describeTask(task);
        const pooled = idle.pop() ?? spawn();
        if (pooled.idleTimer) clearTimeout(pooled.idleTimer);
        const { worker } = pooled;
        worker.ref();
        const id = nextId++;
        let settled = false;
        const onExit = (code: number) => fail(new ApiError('WORKER_FAILED', `${what} stopped unexpectedly (exit code ${code}). The app is unaffected.`));
        const fail = (error: ApiError) => {
          if (settled) return;
          settled = true;
          worker.off('exit', onExit);
          void worker.terminate();
          reject(error);
        };
        worker.on('message', (reply: HeavyReply) => {
          if (settled || reply.id !== id) return;
          settled = true;
          worker.off('exit', onExit);
          release(pooled);
          if (reply.ok) resolve(reply.value);
          else reject(new ApiError(reply.code, reply.message));
        });
        worker.on('error', (error: Error & { code?: string }) =>
          fail(
            new ApiError(
              'WORKER_FAILED',
              error.code === 'ERR_WORKER_OUT_OF_MEMORY'
                ? `${what} needed more than the ${memoryMb} MB of memory it may use and was stopped. The app is unaffected; try a smaller file.`
                : `${what} failed: ${error.message}. The app is unaffected.`,
            ),
          ),
        );
        worker.on('exit', onExit);
        worker.postMessage({ id, task } satisfies HeavyRequest);
      });
    },
    async dispose() {
      for (const p of idle.splice(0)) if (p.idleTimer) clearTimeout(p.idleTimer);
      await Promise.all([...all].map((w) => w.terminate()));
    },
  };
}
