import { ipcMain, type WebContents } from 'electron';
import { ApiError, EVENTS, EVENT_NAMES, MAX_MESSAGE_BYTES, isCallName, type EventName, type EventPayload } from '../../shared/api/contract';
import type { Envelope } from '../../shared/api/preload-api';
import type { BackendService } from '../services/backend';
import { toErrorData } from '../host/host';

/** The Electron transport, main side: one invoke channel and one event channel. */
export const CALL_CHANNEL = 'netwright:call';
export const EVENT_CHANNEL = 'netwright:event';

export function bindIpc(backend: BackendService, isTrustedSender: (url: string) => boolean): () => void {
  ipcMain.handle(CALL_CHANNEL, async (event, name: unknown, params: unknown): Promise<Envelope<unknown>> => {
    try {
      const url = event.senderFrame?.url ?? '';
      if (!isTrustedSender(url)) throw new ApiError('FORBIDDEN', 'This window may not call Netwright.');
      if (!isCallName(name)) throw new ApiError('UNKNOWN_CALL', `Unknown call ${String(name)}.`);
      if (JSON.stringify(params ?? null).length > MAX_MESSAGE_BYTES) throw new ApiError('TOO_LARGE', 'The request is too large.');
      return { ok: true, value: await backend.handle(name, params) };
    } catch (err) {
      return { ok: false, error: toErrorData(err) };
    }
  });
  return () => ipcMain.removeHandler(CALL_CHANNEL);
}

export function forwardEvents(backend: BackendService, target: () => WebContents | null): () => void {
  return backend.onEvent((name: EventName, payload: unknown) => {
    if (!EVENT_NAMES.includes(name)) return;
    const wc = target();
    if (wc && !wc.isDestroyed()) wc.send(EVENT_CHANNEL, name, payload);
  });
}

/**
 * Sends one contract event to one window, checked against its schema, and only
 * when that window shows the app's own pages (`isTrusted` of its URL). For
 * events that come from the main process itself (the menu), not the back end.
 */
export function sendEvent<E extends EventName>(target: WebContents | null, name: E, payload: EventPayload<E>, isTrusted: (url: string) => boolean): boolean {
  if (!target || target.isDestroyed() || !isTrusted(target.getURL())) return false;
  target.send(EVENT_CHANNEL, name, EVENTS[name].parse(payload));
  return true;
}
