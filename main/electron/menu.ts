import { Menu, nativeTheme, type MenuItemConstructorOptions } from 'electron';
import type { MenuCommandEvent } from '../../shared/api/contract';
import { assertNever } from '../../shared/layers/params';
import { buildMenuTemplate, type MainAction, type MenuContext, type MenuItemSpec } from './menu-template';

/**
 * The application menu, built from the pure template (menu-template.ts). A
 * command item sends a `menu.command` event through `send`, which delivers it
 * only to the app's own window (ipc-main.ts sendEvent).
 */
export function toElectronItems(items: readonly MenuItemSpec[], send: (event: MenuCommandEvent) => void): MenuItemConstructorOptions[] {
  return items.map((item): MenuItemConstructorOptions => {
    switch (item.kind) {
      case 'command':
        return {
          label: item.label,
          accelerator: item.accelerator,
          registerAccelerator: item.registerAccelerator ?? true,
          enabled: item.enabled ?? true,
          click: () => send(item.send),
        };
      case 'role':
        return { role: item.role, label: item.label, accelerator: item.accelerator };
      case 'main':
        return { label: item.label, accelerator: item.accelerator, click: () => runMainAction(item.action) };
      case 'submenu':
        return { label: item.label, role: item.role, enabled: item.enabled ?? true, submenu: toElectronItems(item.items, send) };
      case 'separator':
        return { type: 'separator' };
      default:
        return assertNever(item);
    }
  });
}

function runMainAction(action: MainAction): void {
  switch (action) {
    case 'toggleTheme':
      // Sets the page's prefers-color-scheme, which the stylesheets follow.
      nativeTheme.themeSource = nativeTheme.shouldUseDarkColors ? 'light' : 'dark';
      return;
    default:
      assertNever(action);
  }
}

/** Installs (or rebuilds, when the recent files change) the application menu. */
export function installAppMenu(ctx: MenuContext, send: (event: MenuCommandEvent) => void): void {
  Menu.setApplicationMenu(Menu.buildFromTemplate(toElectronItems(buildMenuTemplate(ctx), send)));
}
