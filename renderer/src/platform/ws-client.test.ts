import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../../shared/api/contract';
import { emptyProject } from '../../../shared/graph/document';
import { createWsApi, socketUrlFor, type SocketHandlers, type SocketLike } from './ws-client';

class FakeSocket implements SocketLike {
  readonly sent: unknown[] = [];
  closed = false;
  constructor(
    readonly url: string,
    readonly handlers: SocketHandlers,
  ) {}
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close() {
    this.closed = true;
  }
  open() {
    this.handlers.onOpen();
  }
  receive(msg: unknown) {
    this.handlers.onMessage(typeof msg === 'string' ? msg : JSON.stringify(msg));
  }
  drop() {
    this.handlers.onClose();
  }
}

function setup() {
  const sockets: FakeSocket[] = [];
  const api = createWsApi({
    url: 'ws://host/api/ws?token=t',
    createSocket: (url, handlers) => {
      const s = new FakeSocket(url, handlers);
      sockets.push(s);
      return s;
    },
    initialDelayMs: 100,
    maxDelayMs: 1000,
  });
  const last = () => sockets[sockets.length - 1] as FakeSocket;
  return { api, sockets, last };
}

const INFO = { version: '0.1.0', mode: 'browser', platform: 'linux', defaultDir: '/home/u' };

describe('WebSocket client', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('builds the socket address from the page location and token', () => {
    expect(socketUrlFor({ protocol: 'http:', host: 'localhost:5000', search: '?token=a%2Bb' })).toBe('ws://localhost:5000/api/ws?token=a%2Bb');
    expect(socketUrlFor({ protocol: 'https:', host: 'h', search: '' })).toBe('wss://h/api/ws');
  });

  it('queues calls until open, then sends them and resolves validated results', async () => {
    const { api, last } = setup();
    const p = api.call('app.info', {});
    expect(last().sent).toEqual([]);
    last().open();
    expect(last().sent).toEqual([{ kind: 'call', id: 1, name: 'app.info', params: {} }]);
    last().receive({ kind: 'result', id: 1, ok: true, value: INFO });
    await expect(p).resolves.toEqual(INFO);
    expect(api.connection.get().status).toBe('open');
  });

  it('turns error results into ApiError with the code and message', async () => {
    const { api, last } = setup();
    last().open();
    const p = api.call('project.open', { path: '/x.nwproj' });
    last().receive({ kind: 'result', id: 1, ok: false, error: { code: 'NEWER_VERSION', message: 'Saved by a newer Netwright.' } });
    const err = await p.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ code: 'NEWER_VERSION', message: 'Saved by a newer Netwright.' });
  });

  it('rejects results that do not match the contract', async () => {
    const { api, last } = setup();
    last().open();
    const p = api.call('app.info', {});
    last().receive({ kind: 'result', id: 1, ok: true, value: { version: 3 } });
    await expect(p).rejects.toMatchObject({ code: 'BAD_RESULT' });
  });

  it('refuses invalid params without sending', async () => {
    const { api, last } = setup();
    last().open();
    await expect(api.call('project.open', { path: '' })).rejects.toMatchObject({ code: 'BAD_PARAMS' });
    expect(last().sent).toEqual([]);
  });

  it('ignores malformed messages and unknown ids', async () => {
    const { api, last } = setup();
    last().open();
    const p = api.call('datasets.list', {});
    last().receive('not json');
    last().receive({ kind: 'nope' });
    last().receive({ kind: 'result', id: 99, ok: true, value: [] });
    last().receive({ kind: 'result', id: 1, ok: true, value: [] });
    await expect(p).resolves.toEqual([]);
  });

  it('delivers validated events to subscribers until they unsubscribe', () => {
    const { api, last } = setup();
    last().open();
    const seen: unknown[] = [];
    const off = api.on('training.event', (e) => seen.push(e));
    const ev = { type: 'evaluating', runId: 'r1' };
    last().receive({ kind: 'event', name: 'training.event', payload: ev });
    last().receive({ kind: 'event', name: 'training.event', payload: { type: 'bogus' } });
    last().receive({ kind: 'event', name: 'other.event', payload: {} });
    off();
    last().receive({ kind: 'event', name: 'training.event', payload: ev });
    expect(seen).toEqual([ev]);
  });

  it('rejects in-flight calls on disconnect, reconnects with backoff and resends queued calls', async () => {
    const { api, sockets, last } = setup();
    last().open();
    const inflight = api.call('training.start', { doc: emptyProject() });
    last().drop();
    await expect(inflight).rejects.toMatchObject({ code: 'DISCONNECTED' });
    expect(api.connection.get()).toMatchObject({ status: 'closed', retryInMs: 100, everConnected: true });

    const queued = api.call('app.info', {});
    vi.advanceTimersByTime(100);
    expect(sockets).toHaveLength(2);
    expect(api.connection.get().status).toBe('connecting');
    last().drop(); // the second attempt fails too
    expect(api.connection.get().retryInMs).toBe(200);
    vi.advanceTimersByTime(199);
    expect(sockets).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(sockets).toHaveLength(3);
    last().open();
    expect(last().sent).toEqual([{ kind: 'call', id: 2, name: 'app.info', params: {} }]);
    last().receive({ kind: 'result', id: 2, ok: true, value: INFO });
    await expect(queued).resolves.toEqual(INFO);
    expect(api.connection.get()).toMatchObject({ status: 'open', attempts: 0 });
  });

  it('keeps event subscriptions across reconnects', () => {
    const { api, last } = setup();
    last().open();
    const seen: unknown[] = [];
    api.on('training.event', (e) => seen.push(e));
    last().drop();
    vi.advanceTimersByTime(100);
    last().open();
    last().receive({ kind: 'event', name: 'training.event', payload: { type: 'evaluating', runId: 'r' } });
    expect(seen).toHaveLength(1);
  });

  it('caps the backoff delay', () => {
    const { api, last } = setup();
    for (let i = 0; i < 8; i++) {
      last().drop();
      vi.advanceTimersByTime(api.connection.get().retryInMs ?? 0);
    }
    last().drop();
    expect(api.connection.get().retryInMs).toBe(1000);
  });

  it('dispose closes the socket, rejects pending calls and stops reconnecting', async () => {
    const { api, sockets, last } = setup();
    last().open();
    const p = api.call('app.info', {});
    api.dispose();
    await expect(p).rejects.toMatchObject({ code: 'DISPOSED' });
    expect(last().closed).toBe(true);
    vi.advanceTimersByTime(10_000);
    expect(sockets).toHaveLength(1);
  });
});
