import path from 'node:path';
import type { MenuCommandEvent } from '../../shared/api/contract';

/**
 * The desktop app's menu as plain data (no Electron here, so it is unit-tested):
 * main/electron/menu.ts turns it into Electron's menu. An item either sends a
 * `menu.command` event to the app's window (`send`), or is one of Electron's
 * roles (cut, copy, paste, quit, reload, developer tools), or runs in the main
 * process (`main`: the theme).
 *
 * Shortcuts the page already handles on its own keydown (renderer/src/shell/
 * useShortcuts.ts, canvas/useCanvasKeys.ts) are shown in the menu but not
 * registered (`registerAccelerator: false`), so a key press runs once.
 */
export type MainAction = 'toggleTheme';

export type Role = 'cut' | 'copy' | 'paste' | 'quit' | 'reload' | 'toggleDevTools' | 'about' | 'hide' | 'hideOthers' | 'unhide' | 'services' | 'front' | 'minimize' | 'close' | 'zoom' | 'window' | 'appMenu';

export type MenuItemSpec =
  | { readonly kind: 'command'; readonly label: string; readonly send: MenuCommandEvent; readonly accelerator?: string; readonly registerAccelerator?: boolean; readonly enabled?: boolean }
  | { readonly kind: 'role'; readonly role: Role; readonly label?: string; readonly accelerator?: string }
  | { readonly kind: 'main'; readonly label: string; readonly action: MainAction; readonly accelerator?: string }
  | { readonly kind: 'submenu'; readonly label: string; readonly items: readonly MenuItemSpec[]; readonly role?: Role; readonly enabled?: boolean }
  | { readonly kind: 'separator' };

export interface MenuContext {
  /** macOS puts Quit (and About) in the application menu. */
  readonly isMac: boolean;
  /** Developer tools only in development builds. */
  readonly isDev: boolean;
  readonly appName: string;
  /** Recent project files, newest first. */
  readonly recentFiles: readonly string[];
}

/** How many recent files the menu lists. */
export const MENU_RECENT_FILES = 10;

const cmd = (label: string, send: MenuCommandEvent, accelerator?: string, pageHandlesKey = false): MenuItemSpec => ({
  kind: 'command',
  label,
  send,
  ...(accelerator ? { accelerator, ...(pageHandlesKey ? { registerAccelerator: false } : {}) } : {}),
});
const sep: MenuItemSpec = { kind: 'separator' };

/** "model.nwproj — ~/projects" style labels; `&` escaped (it marks mnemonics on Windows and Linux). */
export function recentLabel(file: string): string {
  const base = path.basename(file);
  const dir = path.dirname(file);
  return `${base}  —  ${dir}`.replace(/&/g, '&&');
}

export function buildMenuTemplate(ctx: MenuContext): MenuItemSpec[] {
  const recent = ctx.recentFiles.slice(0, MENU_RECENT_FILES);
  const openRecent: MenuItemSpec = {
    kind: 'submenu',
    label: 'Open Recent',
    enabled: recent.length > 0,
    items: recent.map((file) => cmd(recentLabel(file), { command: 'file.openPath', path: file })),
  };
  const file: MenuItemSpec = {
    kind: 'submenu',
    label: '&File',
    items: [
      cmd('New', { command: 'file.new' }, 'CmdOrCtrl+N', true),
      cmd('Open…', { command: 'file.open' }, 'CmdOrCtrl+O', true),
      openRecent,
      sep,
      cmd('Save', { command: 'file.save' }, 'CmdOrCtrl+S', true),
      cmd('Save As…', { command: 'file.saveAs' }, 'CmdOrCtrl+Shift+S', true),
      sep,
      cmd('Export…', { command: 'file.export' }, 'CmdOrCtrl+E'),
      ...(ctx.isMac ? [] : [sep, { kind: 'role', role: 'quit', label: 'Quit' } as const]),
    ],
  };
  const edit: MenuItemSpec = {
    kind: 'submenu',
    label: '&Edit',
    items: [
      cmd('Undo', { command: 'edit.undo' }, 'CmdOrCtrl+Z', true),
      cmd('Redo', { command: 'edit.redo' }, ctx.isMac ? 'Shift+CmdOrCtrl+Z' : 'CmdOrCtrl+Y', true),
      sep,
      // Electron's roles fire the page's cut/copy/paste events, which copy layers as JSON (useCanvasKeys).
      { kind: 'role', role: 'cut', label: 'Cut' },
      { kind: 'role', role: 'copy', label: 'Copy' },
      { kind: 'role', role: 'paste', label: 'Paste' },
      cmd('Duplicate', { command: 'edit.duplicate' }, 'CmdOrCtrl+D', true),
      cmd('Delete', { command: 'edit.delete' }, 'Delete', true),
      sep,
      cmd('Select All', { command: 'edit.selectAll' }, 'CmdOrCtrl+A', true),
    ],
  };
  const view: MenuItemSpec = {
    kind: 'submenu',
    label: '&View',
    items: [
      cmd('Zoom to Fit', { command: 'view.zoomToFit' }, 'F', true),
      cmd('Auto Layout', { command: 'view.autoLayout' }, 'Shift+L', true),
      sep,
      { kind: 'main', label: 'Toggle Theme', action: 'toggleTheme' },
      sep,
      { kind: 'role', role: 'reload', label: 'Reload' },
      ...(ctx.isDev ? [{ kind: 'role', role: 'toggleDevTools', label: 'Developer Tools' } as const] : []),
    ],
  };
  const train: MenuItemSpec = {
    kind: 'submenu',
    label: '&Train',
    items: [
      cmd('Start Training', { command: 'train.start' }, 'CmdOrCtrl+Enter'),
      cmd('Pause / Resume', { command: 'train.pauseResume' }, 'CmdOrCtrl+P'),
      cmd('Stop Training', { command: 'train.stop' }, 'CmdOrCtrl+.'),
    ],
  };
  const help: MenuItemSpec = {
    kind: 'submenu',
    label: '&Help',
    items: [cmd('Keyboard Shortcuts', { command: 'help.shortcuts' }, '?', true), ...(ctx.isMac ? [] : [cmd(`About ${ctx.appName}`, { command: 'help.about' })])],
  };
  const appMenu: MenuItemSpec[] = ctx.isMac
    ? [
        {
          kind: 'submenu',
          label: ctx.appName,
          items: [
            cmd(`About ${ctx.appName}`, { command: 'help.about' }),
            sep,
            { kind: 'role', role: 'services' },
            sep,
            { kind: 'role', role: 'hide' },
            { kind: 'role', role: 'hideOthers' },
            { kind: 'role', role: 'unhide' },
            sep,
            { kind: 'role', role: 'quit' },
          ],
        },
      ]
    : [];
  return [...appMenu, file, edit, view, train, help];
}

/** Every command event a template can send (for tests and the renderer's exhaustiveness check). */
export function commandsIn(items: readonly MenuItemSpec[]): MenuCommandEvent[] {
  return items.flatMap((item) => (item.kind === 'command' ? [item.send] : item.kind === 'submenu' ? commandsIn(item.items) : []));
}

/**
 * The project file the system asked the app to open (a double-clicked .nwproj:
 * argv on Windows and Linux, also for a second instance), or null.
 */
export function projectFileFromArgv(argv: readonly string[], cwd: string): string | null {
  // argv[0] is the executable; with `electron .` argv[1] is the app folder.
  const file = argv.slice(1).find((a) => !a.startsWith('-') && a.toLowerCase().endsWith('.nwproj'));
  return file ? path.resolve(cwd, file) : null;
}
