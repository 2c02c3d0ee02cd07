import { describe, expect, it } from 'vitest';
import { MENU_COMMANDS, MenuCommandEventSchema } from '../../shared/api/contract';
import { buildMenuTemplate, commandsIn, MENU_RECENT_FILES, projectFileFromArgv, recentLabel, type MenuContext, type MenuItemSpec } from './menu-template';

const LINUX: MenuContext = { isMac: false, isDev: false, appName: 'Netwright', recentFiles: ['/home/me/a.nwproj', '/home/me/R&D/b.nwproj'] };

const labels = (items: readonly MenuItemSpec[]) => items.map((i) => (i.kind === 'separator' ? '—' : i.kind === 'role' ? `role:${i.role}` : i.label));
const submenu = (items: readonly MenuItemSpec[], label: string): readonly MenuItemSpec[] => {
  const found = items.find((i) => i.kind === 'submenu' && i.label.replace('&', '') === label);
  if (!found || found.kind !== 'submenu') throw new Error(`no ${label} menu in ${labels(items).join(', ')}`);
  return found.items;
};

describe('buildMenuTemplate', () => {
  it('has File, Edit, View, Train and Help with the asked-for items (Linux and Windows)', () => {
    const t = buildMenuTemplate(LINUX);
    expect(labels(t)).toEqual(['&File', '&Edit', '&View', '&Train', '&Help']);
    expect(labels(submenu(t, 'File'))).toEqual(['New', 'Open…', 'Open Recent', '—', 'Save', 'Save As…', '—', 'Export…', '—', 'role:quit']);
    expect(labels(submenu(t, 'Edit'))).toEqual(['Undo', 'Redo', '—', 'role:cut', 'role:copy', 'role:paste', 'Duplicate', 'Delete', '—', 'Select All']);
    expect(labels(submenu(t, 'View'))).toEqual(['Zoom to Fit', 'Auto Layout', '—', 'Toggle Theme', '—', 'role:reload']);
    expect(labels(submenu(t, 'Train'))).toEqual(['Start Training', 'Pause / Resume', 'Stop Training']);
    expect(labels(submenu(t, 'Help'))).toEqual(['Keyboard Shortcuts', 'About Netwright']);
  });

  it('shows developer tools only in development', () => {
    expect(labels(submenu(buildMenuTemplate({ ...LINUX, isDev: true }), 'View'))).toContain('role:toggleDevTools');
    expect(labels(submenu(buildMenuTemplate(LINUX), 'View'))).not.toContain('role:toggleDevTools');
  });

  it('puts About and Quit in the application menu on macOS', () => {
    const t = buildMenuTemplate({ ...LINUX, isMac: true });
    expect(labels(t)).toEqual(['Netwright', '&File', '&Edit', '&View', '&Train', '&Help']);
    expect(labels(submenu(t, 'Netwright'))).toEqual(expect.arrayContaining(['About Netwright', 'role:quit']));
    expect(labels(submenu(t, 'File'))).not.toContain('role:quit');
    expect(labels(submenu(t, 'Help'))).toEqual(['Keyboard Shortcuts']);
    expect(labels(submenu(t, 'Edit'))[1]).toBe('Redo');
  });

  it('lists recent files newest first, each opening its path; empty means disabled', () => {
    const recent = submenu(submenu(buildMenuTemplate(LINUX), 'File'), 'Open Recent');
    expect(recent.map((i) => (i.kind === 'command' ? i.send : null))).toEqual([
      { command: 'file.openPath', path: '/home/me/a.nwproj' },
      { command: 'file.openPath', path: '/home/me/R&D/b.nwproj' },
    ]);
    // "&" would be a mnemonic marker in a label.
    expect(recent[1]).toMatchObject({ label: 'b.nwproj  —  /home/me/R&&D' });
    expect(recentLabel('/x/y.nwproj')).toBe('y.nwproj  —  /x');
    const file = submenu(buildMenuTemplate({ ...LINUX, recentFiles: [] }), 'File');
    expect(file.find((i) => i.kind === 'submenu')).toMatchObject({ label: 'Open Recent', enabled: false, items: [] });
    const many = Array.from({ length: 30 }, (_, i) => `/p/${i}.nwproj`);
    expect(submenu(submenu(buildMenuTemplate({ ...LINUX, recentFiles: many }), 'File'), 'Open Recent')).toHaveLength(MENU_RECENT_FILES);
  });

  it('sends every command of the contract, each a valid menu.command event, on every platform', () => {
    for (const isMac of [false, true]) {
      const sent = commandsIn(buildMenuTemplate({ ...LINUX, isMac }));
      for (const e of sent) expect(MenuCommandEventSchema.safeParse(e).success).toBe(true);
      expect([...new Set(sent.map((e) => e.command))].sort()).toEqual([...MENU_COMMANDS].sort());
    }
  });

  it('leaves keys the page already handles unregistered, so one press runs once', () => {
    const all = (list: readonly MenuItemSpec[]): MenuItemSpec[] => list.flatMap((i) => (i.kind === 'submenu' ? all(i.items) : [i]));
    const byLabel = new Map(all(buildMenuTemplate(LINUX)).flatMap((i) => (i.kind === 'command' ? [[i.label, i] as const] : [])));
    for (const label of ['New', 'Open…', 'Save', 'Save As…', 'Undo', 'Redo', 'Duplicate', 'Delete', 'Select All', 'Zoom to Fit', 'Auto Layout', 'Keyboard Shortcuts']) {
      expect(byLabel.get(label), label).toMatchObject({ registerAccelerator: false });
    }
    // Keys only the menu offers are registered.
    for (const label of ['Export…', 'Start Training', 'Pause / Resume', 'Stop Training']) {
      const item = byLabel.get(label);
      expect(item && item.kind === 'command' && item.accelerator && item.registerAccelerator === undefined, label).toBe(true);
    }
  });
});

describe('the menu.command contract', () => {
  it('needs a path exactly for file.openPath', () => {
    expect(MenuCommandEventSchema.safeParse({ command: 'file.openPath', path: '/a.nwproj' }).success).toBe(true);
    expect(MenuCommandEventSchema.safeParse({ command: 'file.openPath' }).success).toBe(false);
    expect(MenuCommandEventSchema.safeParse({ command: 'file.save' }).success).toBe(true);
    expect(MenuCommandEventSchema.safeParse({ command: 'file.delete-everything' }).success).toBe(false);
  });
});

describe('projectFileFromArgv', () => {
  it('finds the .nwproj the system opened the app with', () => {
    expect(projectFileFromArgv(['/opt/Netwright/netwright', '/home/me/m.nwproj'], '/')).toBe('/home/me/m.nwproj');
    expect(projectFileFromArgv(['/opt/Netwright/netwright', '--no-sandbox', 'rel/m.NWPROJ'], '/home/me')).toBe('/home/me/rel/m.NWPROJ');
    expect(projectFileFromArgv(['electron', '.', '--inspect'], '/src')).toBeNull();
    expect(projectFileFromArgv(['/opt/Netwright/netwright'], '/')).toBeNull();
  });
});
