import {
  ApiError,
  CALLS,
  EVENTS,
  type CallName,
  type CallParams,
  type CallResult,
  type EventName,
  type EventPayload,
  type NetwrightApi,
} from '../../../shared/api/contract';
import { ClientMessageSchema, ServerMessageSchema, type ClientMessage } from '../../../shared/api/wire';
import { createConnectionSource, type ConnectionSource } from './connection';

/** What the client needs from a socket; the real one wraps `WebSocket`, tests pass a fake. */
export interface SocketHandlers {
  onOpen(): void;
  onMessage(data: unknown): void;
  onClose(): void;
}
export interface SocketLike {
  send(data: string): void;
  close(): void;
}
export type SocketFactory = (url: string, handlers: SocketHandlers) => SocketLike;

export interface WsApiOptions {
  readonly url: string;
  readonly createSocket?: SocketFactory;
  /** First reconnect delay; doubles per failed attempt up to `maxDelayMs`. */
  readonly initialDelayMs?: number;
  readonly maxDelayMs?: number;
}

export interface WsApi extends NetwrightApi {
  readonly connection: ConnectionSource;
  /** Closes the socket for good (no reconnect); pending calls are rejected. */
  dispose(): void;
}

interface Pending {
  readonly name: CallName;
  readonly message: ClientMessage;
  sent: boolean;
  resolve(value: unknown): void;
  reject(error: Error): void;
}

type AnyListener = (payload: unknown) => void;

export const browserSocketFactory: SocketFactory = (url, handlers) => {
  const ws = new WebSocket(url);
  ws.onopen = () => handlers.onOpen();
  ws.onmessage = (ev: MessageEvent) => handlers.onMessage(ev.data);
  ws.onclose = () => handlers.onClose();
  // An error is always followed by close; nothing to do here.
  ws.onerror = () => undefined;
  return { send: (data) => ws.send(data), close: () => ws.close() };
};

/** The `ws(s)://host/api/ws?token=...` address for the page at `location`. */
export function socketUrlFor(location: { protocol: string; host: string; search: string }): string {
  const token = new URLSearchParams(location.search).get('token');
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  // Without a token in the address the host falls back to its cookie.
  return `${scheme}//${location.host}/api/ws${token ? `?token=${encodeURIComponent(token)}` : ''}`;
}

/** The WebSocket transport of the contract, with validation both ways and reconnects. */
export function createWsApi(options: WsApiOptions): WsApi {
  const createSocket = options.createSocket ?? browserSocketFactory;
  const initialDelay = options.initialDelayMs ?? 500;
  const maxDelay = options.maxDelayMs ?? 10_000;
  const connection = createConnectionSource({ status: 'connecting', attempts: 0, everConnected: false });
  const pending = new Map<number, Pending>();
  const listeners = new Map<EventName, Set<AnyListener>>();
  let nextId = 1;
  let socket: SocketLike | null = null;
  let open = false;
  let disposed = false;
  let attempts = 0;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;

  const send = (p: Pending) => {
    if (!socket || !open) return;
    try {
      socket.send(JSON.stringify(p.message));
      p.sent = true;
    } catch {
      // The close handler will reject or resend.
    }
  };

  const connect = () => {
    retryTimer = null;
    if (disposed) return;
    connection.set({ ...connection.get(), status: 'connecting', retryInMs: undefined });
    let current: SocketLike | null = null;
    const handlers: SocketHandlers = {
      onOpen: () => {
        if (socket !== current) return;
        open = true;
        attempts = 0;
        connection.set({ status: 'open', attempts: 0, everConnected: true });
        for (const p of pending.values()) if (!p.sent) send(p);
      },
      onMessage: (data) => {
        if (socket === current) handleMessage(data);
      },
      onClose: () => {
        if (socket !== current) return;
        socket = null;
        open = false;
        for (const [id, p] of pending) {
          if (!p.sent) continue; // never left this machine: sent again after reconnecting
          pending.delete(id);
          p.reject(new ApiError('DISCONNECTED', 'The connection to the Netwright host was lost before it answered.'));
        }
        if (disposed) return;
        const delay = Math.min(maxDelay, initialDelay * 2 ** attempts);
        attempts += 1;
        connection.set({ status: 'closed', attempts, everConnected: connection.get().everConnected, retryInMs: delay });
        retryTimer = setTimeout(connect, delay);
      },
    };
    try {
      current = createSocket(options.url, handlers);
      socket = current;
    } catch {
      socket = null;
      const delay = Math.min(maxDelay, initialDelay * 2 ** attempts);
      attempts += 1;
      connection.set({ status: 'closed', attempts, everConnected: connection.get().everConnected, retryInMs: delay });
      retryTimer = setTimeout(connect, delay);
    }
  };

  const handleMessage = (data: unknown) => {
    if (typeof data !== 'string') return;
    let raw: unknown;
    try {
      raw = JSON.parse(data);
    } catch {
      console.warn('netwright: ignored a message that is not JSON');
      return;
    }
    const parsed = ServerMessageSchema.safeParse(raw);
    if (!parsed.success) {
      console.warn('netwright: ignored a malformed message from the host');
      return;
    }
    const msg = parsed.data;
    if (msg.kind === 'event') {
      const schema = (EVENTS as Record<string, (typeof EVENTS)[EventName]>)[msg.name];
      if (!schema) return;
      const payload = schema.safeParse(msg.payload);
      if (!payload.success) {
        console.warn(`netwright: ignored a malformed ${msg.name} event`);
        return;
      }
      for (const l of listeners.get(msg.name as EventName) ?? []) l(payload.data);
      return;
    }
    const p = pending.get(msg.id);
    if (!p) return;
    pending.delete(msg.id);
    if (!msg.ok) {
      p.reject(new ApiError(msg.error.code, msg.error.message));
      return;
    }
    const result = CALLS[p.name].result.safeParse(msg.value);
    if (result.success) p.resolve(result.data);
    else p.reject(new ApiError('BAD_RESULT', `The host sent an unexpected answer to ${p.name}.`));
  };

  connect();

  return {
    connection,
    call<C extends CallName>(name: C, params: CallParams<C>): Promise<CallResult<C>> {
      if (disposed) return Promise.reject(new ApiError('DISPOSED', 'The connection is closed.'));
      const checked = CALLS[name].params.safeParse(params);
      if (!checked.success) {
        const first = checked.error.issues[0];
        return Promise.reject(new ApiError('BAD_PARAMS', `Invalid ${name} request: ${first ? `${first.path.join('.')} ${first.message}` : 'invalid'}`));
      }
      const message = ClientMessageSchema.parse({ kind: 'call', id: nextId++, name, params: checked.data });
      return new Promise<CallResult<C>>((resolve, reject) => {
        const p: Pending = { name, message, sent: false, resolve: resolve as (v: unknown) => void, reject };
        pending.set(message.id, p);
        send(p);
      });
    },
    on<E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void): () => void {
      const set = listeners.get(name) ?? new Set<AnyListener>();
      listeners.set(name, set);
      const l = listener as AnyListener;
      set.add(l);
      return () => set.delete(l);
    },
    dispose() {
      disposed = true;
      if (retryTimer) clearTimeout(retryTimer);
      const s = socket;
      socket = null;
      open = false;
      s?.close();
      for (const p of pending.values()) p.reject(new ApiError('DISPOSED', 'The connection is closed.'));
      pending.clear();
    },
  };
}
