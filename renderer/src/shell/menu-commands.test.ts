import { describe, expect, it, vi } from 'vitest';
import { MENU_COMMANDS, type MenuCommand, type MenuCommandEvent } from '../../../shared/api/contract';
import { runMenuCommand, type MenuActions } from './menu-commands';

const ACTIONS: readonly (keyof MenuActions)[] = [
  'newProject',
  'openProject',
  'openPath',
  'save',
  'saveAs',
  'exportModel',
  'undo',
  'redo',
  'duplicate',
  'deleteSelection',
  'selectAll',
  'zoomToFit',
  'autoLayout',
  'startTraining',
  'togglePause',
  'stopTraining',
  'showShortcuts',
  'showAbout',
];

type Spies = { [K in keyof MenuActions]: ReturnType<typeof vi.fn> };
const spies = (): Spies => Object.fromEntries(ACTIONS.map((a) => [a, vi.fn()])) as unknown as Spies;
const asActions = (s: Spies): MenuActions => s as unknown as MenuActions;

const eventFor = (command: MenuCommand): MenuCommandEvent => (command === 'file.openPath' ? { command, path: '/home/me/m.nwproj' } : { command });

describe('runMenuCommand', () => {
  it('runs exactly one action for every command of the contract, a different one for each', () => {
    const ran = new Map<MenuCommand, string>();
    for (const command of MENU_COMMANDS) {
      const a = spies();
      runMenuCommand(eventFor(command), asActions(a));
      const called = ACTIONS.filter((name) => a[name].mock.calls.length > 0);
      expect(called, command).toHaveLength(1);
      expect(a[called[0] as keyof MenuActions]).toHaveBeenCalledTimes(1);
      ran.set(command, called[0] as string);
    }
    expect(new Set(ran.values()).size).toBe(MENU_COMMANDS.length);
    expect(ran.get('train.pauseResume')).toBe('togglePause');
    expect(ran.get('view.zoomToFit')).toBe('zoomToFit');
  });

  it('opens the path a recent-file item carries', () => {
    const a = spies();
    runMenuCommand({ command: 'file.openPath', path: '/home/me/m.nwproj' }, asActions(a));
    expect(a.openPath).toHaveBeenCalledWith('/home/me/m.nwproj');
  });

  it('refuses a command it does not know (an out-of-date renderer) loudly', () => {
    expect(() => runMenuCommand({ command: 'file.print' } as unknown as MenuCommandEvent, asActions(spies()))).toThrow(/Unhandled menu command/);
  });
});
