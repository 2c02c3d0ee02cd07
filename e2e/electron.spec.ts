import { test, expect, _electron as electron } from '@playwright/test';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Electron mode: runs where the Electron binary is installed; elsewhere it is
 * skipped and says why (the binary is downloaded at first use and cannot be here offline).
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function electronBinary(): string | null {
  const override = process.env['ELECTRON_OVERRIDE_DIST_PATH'];
  if (override) return existsSync(path.join(override, 'electron')) ? path.join(override, 'electron') : null;
  const pkg = path.join(root, 'node_modules', 'electron');
  const pathFile = path.join(pkg, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const bin = path.join(pkg, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(bin) ? bin : null;
}

const binary = electronBinary();
const hasDisplay = process.platform !== 'linux' || Boolean(process.env['DISPLAY'] || process.env['WAYLAND_DISPLAY']);

test.describe('Electron mode', () => {
  test.skip(!binary, 'SKIPPED: the Electron binary is not installed on this machine (it is downloaded on first use, which needs the network)');
  test.skip(!hasDisplay, 'SKIPPED: no display (DISPLAY is not set) for an Electron window');

  test('opens the window with a sandboxed renderer and the palette', async () => {
    const app = await electron.launch({ executablePath: binary as string, args: [root] });
    const window = await app.firstWindow();
    await expect(window.getByRole('button', { name: 'Train' })).toBeVisible();
    await expect(window.getByLabel('Add Dense')).toBeVisible();
    const exposure = await window.evaluate(() => ({
      require: typeof (globalThis as { require?: unknown }).require,
      process: typeof (globalThis as { process?: unknown }).process,
      api: typeof (globalThis as { api?: unknown }).api,
    }));
    expect(exposure).toEqual({ require: 'undefined', process: 'undefined', api: 'object' });
    await app.close();
  });

  test('the native menu: its menus, and a click runs the UI\'s command (Help > Keyboard Shortcuts)', async () => {
    const app = await electron.launch({ executablePath: binary as string, args: [root] });
    const window = await app.firstWindow();
    await expect(window.getByLabel('Add Dense')).toBeVisible();
    const labels = await app.evaluate(({ Menu }) => Menu.getApplicationMenu()?.items.map((i) => i.label.replace('&', '')) ?? []);
    expect(labels).toEqual(expect.arrayContaining(['File', 'Edit', 'View', 'Train', 'Help']));
    await app.evaluate(({ Menu }) => {
      const help = Menu.getApplicationMenu()?.items.find((i) => i.label.replace('&', '') === 'Help');
      help?.submenu?.items.find((i) => i.label === 'Keyboard Shortcuts')?.click();
    });
    await expect(window.getByRole('dialog', { name: /keyboard shortcuts/i })).toBeVisible();
    await app.close();
  });
});
