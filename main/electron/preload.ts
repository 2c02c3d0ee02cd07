import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { CALL_NAMES, MenuCommandEventSchema, type CallName } from '../../shared/api/contract';
import { TrainEventSchema } from '../../shared/training/events';
import { SweepStateSchema } from '../../shared/training/sweep';

/**
 * Exposes `window.api`: one named function per contract call and one
 * subscription per event stream. No raw channel reaches the page.
 * (Channel names repeat those in ipc-main.ts: a sandboxed preload bundles alone.)
 */
const CALL_CHANNEL = 'netwright:call';
const EVENT_CHANNEL = 'netwright:event';

const api: Record<string, unknown> = {};
for (const name of CALL_NAMES) {
  api[name] = (params: unknown) => ipcRenderer.invoke(CALL_CHANNEL, name satisfies CallName, params);
}
api['onTrainingEvent'] = (listener: (event: unknown) => void) => {
  const handler = (_e: IpcRendererEvent, name: unknown, payload: unknown) => {
    if (name !== 'training.event') return;
    const parsed = TrainEventSchema.safeParse(payload);
    if (parsed.success) listener(parsed.data);
  };
  ipcRenderer.on(EVENT_CHANNEL, handler);
  return () => ipcRenderer.removeListener(EVENT_CHANNEL, handler);
};

api['onSweepEvent'] = (listener: (event: unknown) => void) => {
  const handler = (_e: IpcRendererEvent, name: unknown, payload: unknown) => {
    if (name !== 'sweep.event') return;
    const parsed = SweepStateSchema.safeParse(payload);
    if (parsed.success) listener(parsed.data);
  };
  ipcRenderer.on(EVENT_CHANNEL, handler);
  return () => ipcRenderer.removeListener(EVENT_CHANNEL, handler);
};

api['onMenuCommand'] = (listener: (event: unknown) => void) => {
  const handler = (_e: IpcRendererEvent, name: unknown, payload: unknown) => {
    if (name !== 'menu.command') return;
    const parsed = MenuCommandEventSchema.safeParse(payload);
    if (parsed.success) listener(parsed.data);
  };
  ipcRenderer.on(EVENT_CHANNEL, handler);
  return () => ipcRenderer.removeListener(EVENT_CHANNEL, handler);
};

contextBridge.exposeInMainWorld('api', Object.freeze(api));
