import { dialog, type BrowserWindow } from 'electron';

/** Native file dialogs for the Electron mode. */
export function createElectronDialogs(window: () => BrowserWindow | null) {
  const filters = [{ name: 'Netwright project', extensions: ['nwproj'] }];
  return {
    async open(title: string, defaultPath?: string): Promise<string | null> {
      const w = window();
      const opts = { title, defaultPath, filters, properties: ['openFile' as const] };
      const r = w ? await dialog.showOpenDialog(w, opts) : await dialog.showOpenDialog(opts);
      return r.canceled ? null : (r.filePaths[0] ?? null);
    },
    async save(title: string, defaultPath?: string): Promise<string | null> {
      const w = window();
      const opts = { title, defaultPath, filters };
      const r = w ? await dialog.showSaveDialog(w, opts) : await dialog.showSaveDialog(opts);
      return r.canceled ? null : (r.filePath ?? null);
    },
    async folder(title: string, defaultPath?: string): Promise<string | null> {
      const w = window();
      const opts = { title, defaultPath, properties: ['openDirectory' as const, 'createDirectory' as const] };
      const r = w ? await dialog.showOpenDialog(w, opts) : await dialog.showOpenDialog(opts);
      return r.canceled ? null : (r.filePaths[0] ?? null);
    },
  };
}
