/**
 * The platform layer: the only code that touches `window.api` or opens a
 * socket. Everything else gets a `NetwrightApi` from `getApi()`.
 */
import { useSyncExternalStore } from 'react';
import type { NetwrightApi } from '../../../shared/api/contract';
import type { PreloadApi } from '../../../shared/api/preload-api';
import { ALWAYS_OPEN, type ConnectionSource, type ConnectionState } from './connection';
import { createElectronApi } from './electron-api';
import { createWsApi, socketUrlFor } from './ws-client';
import { currentPick, requestPick, subscribePick, type PickOptions, type PickRequest } from './browser-dialog';

declare global {
  interface Window {
    api?: PreloadApi;
  }
}

export type PlatformMode = 'electron' | 'browser';

interface Platform {
  readonly mode: PlatformMode;
  readonly api: NetwrightApi;
  readonly connection: ConnectionSource;
}

let platform: Platform | null = null;

function detect(): Platform {
  if (typeof window !== 'undefined' && window.api) {
    return { mode: 'electron', api: createElectronApi(window.api), connection: ALWAYS_OPEN };
  }
  const ws = createWsApi({ url: socketUrlFor(window.location) });
  return { mode: 'browser', api: ws, connection: ws.connection };
}

function current(): Platform {
  platform ??= detect();
  return platform;
}

/** Replaces the transport (tests). */
export function installPlatform(api: NetwrightApi, mode: PlatformMode = 'browser', connection: ConnectionSource = ALWAYS_OPEN): void {
  platform = { mode, api, connection };
}

export function getApi(): NetwrightApi {
  return current().api;
}

export function useConnection(): ConnectionState {
  const source = current().connection;
  return useSyncExternalStore(source.subscribe, source.get);
}

export type { PickOptions, PickRequest };

async function pick(kind: 'open' | 'save' | 'folder', options: PickOptions): Promise<string | null> {
  if (current().mode === 'electron') {
    const name = kind === 'open' ? 'dialog.open' : kind === 'save' ? 'dialog.save' : 'dialog.folder';
    const result = await getApi().call(name, { title: options.title, defaultPath: options.defaultPath });
    return result.path;
  }
  return requestPick(kind, options);
}

/** A file to open, or null when cancelled. */
export const pickOpenPath = (options: PickOptions) => pick('open', options);
/** A file path to save to, or null when cancelled. */
export const pickSavePath = (options: PickOptions) => pick('save', options);
/** A folder, or null when cancelled. */
export const pickFolder = (options: PickOptions) => pick('folder', options);

/** The browser mode's pending picker request, for the in-app dialog. */
export function usePickRequest(): PickRequest | null {
  return useSyncExternalStore(subscribePick, currentPick);
}
export { answerPick } from './browser-dialog';

/** Whether an in-app file dialog is open (global shortcuts pause meanwhile). */
export function isPicking(): boolean {
  return currentPick() !== null;
}

/** Whether the page is being asked to leave with unsaved changes matters only in a browser tab. */
export function warnBeforeUnload(dirty: () => boolean): () => void {
  if (current().mode !== 'browser') return () => undefined;
  const handler = (e: BeforeUnloadEvent) => {
    if (!dirty()) return;
    e.preventDefault();
  };
  window.addEventListener('beforeunload', handler);
  return () => window.removeEventListener('beforeunload', handler);
}
