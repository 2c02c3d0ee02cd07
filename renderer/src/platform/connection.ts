/** Whether the UI can reach its back end; drives the "disconnected" banner. */
export interface ConnectionState {
  readonly status: 'connecting' | 'open' | 'closed';
  /** Failed attempts since the last successful connection. */
  readonly attempts: number;
  readonly everConnected: boolean;
  /** When closed: milliseconds until the next attempt. */
  readonly retryInMs?: number;
}

export interface ConnectionSource {
  get(): ConnectionState;
  subscribe(listener: () => void): () => void;
}

export function createConnectionSource(initial: ConnectionState): ConnectionSource & { set(s: ConnectionState): void } {
  let state = initial;
  const listeners = new Set<() => void>();
  return {
    get: () => state,
    set(s) {
      state = s;
      for (const l of listeners) l();
    },
    subscribe(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  };
}

/** Electron's bridge never disconnects. */
export const ALWAYS_OPEN: ConnectionSource = {
  get: () => ({ status: 'open', attempts: 0, everConnected: true }),
  subscribe: () => () => undefined,
};
