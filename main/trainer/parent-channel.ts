import type { FromTrainer } from '../../shared/training/protocol';

/** The link to the process that started this trainer, whichever API started it. */
export interface ParentChannel {
  onMessage(cb: (data: unknown) => void): void;
  send(msg: FromTrainer): void;
  /** Stops listening so the process can exit on its own. */
  close(): void;
}

interface ParentPort {
  on(event: 'message', cb: (e: { data: unknown }) => void): void;
  postMessage(msg: unknown): void;
  removeAllListeners?(event?: string): void;
}

/**
 * Electron's utilityProcess exposes `process.parentPort`; Node's
 * `child_process.fork` gives `process.send` and `process.on('message')`.
 */
export function connectToParent(proc: NodeJS.Process = process): ParentChannel | null {
  const port = (proc as unknown as { parentPort?: ParentPort }).parentPort;
  if (port) {
    return {
      onMessage: (cb) => port.on('message', (e) => cb(e.data)),
      send: (msg) => port.postMessage(msg),
      close: () => port.removeAllListeners?.('message'),
    };
  }
  if (typeof proc.send === 'function') {
    const listeners: ((m: unknown) => void)[] = [];
    return {
      onMessage: (cb) => {
        listeners.push(cb);
        proc.on('message', cb);
      },
      send: (msg) => {
        proc.send?.(msg);
      },
      close: () => {
        for (const l of listeners) proc.off('message', l);
        proc.disconnect?.();
      },
    };
  }
  return null;
}
