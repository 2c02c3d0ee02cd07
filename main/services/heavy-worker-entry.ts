import { parentPort } from 'node:worker_threads';
import { ApiError } from '../../shared/api/contract';
import { runHeavyTask } from './heavy-tasks';
import type { HeavyReply, HeavyRequest } from './heavy-work';

/** A worker thread's entry (dist/main/heavy-worker.cjs): runs the tasks it is sent, one at a time, and posts each reply. */
parentPort?.on('message', (request: HeavyRequest) => {
  void (async () => {
    let reply: HeavyReply;
    try {
      reply = { id: request.id, ok: true, value: await runHeavyTask(request.task) };
    } catch (error) {
      reply =
        error instanceof ApiError
          ? { id: request.id, ok: false, code: error.code, message: error.message }
          : { id: request.id, ok: false, code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) };
    }
    parentPort?.postMessage(reply);
  })();
});
