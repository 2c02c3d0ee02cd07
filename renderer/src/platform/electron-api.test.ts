import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../../shared/api/contract';
import type { PreloadApi } from '../../../shared/api/preload-api';
import { createElectronApi } from './electron-api';

function fakePreload(overrides: Partial<Record<string, unknown>>): PreloadApi {
  return { onTrainingEvent: vi.fn(() => () => undefined), ...overrides } as unknown as PreloadApi;
}

describe('Electron bridge', () => {
  it('unwraps ok envelopes', async () => {
    const api = createElectronApi(fakePreload({ 'files.list': async () => ({ ok: true, value: { path: '/', parent: null, entries: [] } }) }));
    await expect(api.call('files.list', { path: '/' })).resolves.toEqual({ path: '/', parent: null, entries: [] });
  });

  it('throws ApiError for error envelopes', async () => {
    const api = createElectronApi(fakePreload({ 'project.open': async () => ({ ok: false, error: { code: 'DAMAGED', message: 'The project file is damaged.' } }) }));
    const err = await api.call('project.open', { path: '/x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ code: 'DAMAGED', message: 'The project file is damaged.' });
  });

  it('subscribes to menu commands through onMenuCommand', () => {
    const off = vi.fn();
    const onMenuCommand = vi.fn(() => off);
    const api = createElectronApi(fakePreload({ onMenuCommand }));
    const listener = vi.fn();
    const unsubscribe = api.on('menu.command', listener);
    expect(onMenuCommand).toHaveBeenCalledWith(listener);
    unsubscribe();
    expect(off).toHaveBeenCalledOnce();
  });

  it('subscribes to training events through onTrainingEvent', () => {
    const off = vi.fn();
    const onTrainingEvent = vi.fn(() => off);
    const api = createElectronApi(fakePreload({ onTrainingEvent }));
    const listener = vi.fn();
    const unsubscribe = api.on('training.event', listener);
    expect(onTrainingEvent).toHaveBeenCalledWith(listener);
    unsubscribe();
    expect(off).toHaveBeenCalled();
  });
});
