import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { runServe } from './serve';

/**
 * `npm start`: open the desktop window where Electron can run; otherwise say
 * why in one line and serve the same UI in browser mode.
 */
export async function runStart(options: { port?: number } = {}): Promise<number> {
  const reason = electronUnavailableReason();
  if (reason) return runServe({ port: options.port, reason: `${reason}; serving the UI in your browser instead.` });
  const electronPath = resolveElectron();
  if (typeof electronPath !== 'string') {
    return runServe({ port: options.port, reason: `${electronPath.reason}; serving the UI in your browser instead.` });
  }
  const appRoot = path.resolve(__dirname, '..', '..');
  const started = Date.now();
  const child = spawn(electronPath, [appRoot], { stdio: ['ignore', 'inherit', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
    process.stderr.write(d);
  });
  const result = await new Promise<{ code: number | null; error?: Error }>((resolve) => {
    child.once('error', (error) => resolve({ code: null, error }));
    child.once('exit', (code) => resolve({ code }));
  });
  // A window that ran for a while and closed is a normal exit; an instant failure falls back.
  if ((result.error || result.code !== 0) && Date.now() - started < 15_000) {
    const why = result.error?.message ?? lastLine(stderr) ?? `exit code ${result.code}`;
    return runServe({ port: options.port, reason: `Electron could not start (${why}); serving the UI in your browser instead.` });
  }
  return result.code ?? 0;
}

function electronUnavailableReason(): string | null {
  if (process.platform === 'linux' && !process.env['DISPLAY'] && !process.env['WAYLAND_DISPLAY']) {
    return 'No display found (DISPLAY is not set), so the desktop window cannot open';
  }
  return null;
}

/** The Electron binary's path, or why there is none. Never downloads on the UI's time without saying so. */
function resolveElectron(): string | { reason: string } {
  let pkgDir: string;
  try {
    pkgDir = path.dirname(require.resolve('electron/package.json'));
  } catch {
    return { reason: 'Electron is not installed (the electron package is missing)' };
  }
  if (process.env['ELECTRON_OVERRIDE_DIST_PATH']) {
    const p = path.join(process.env['ELECTRON_OVERRIDE_DIST_PATH'], 'electron');
    return existsSync(p) ? p : { reason: `ELECTRON_OVERRIDE_DIST_PATH has no Electron binary (${p})` };
  }
  if (!existsSync(path.join(pkgDir, 'path.txt'))) {
    console.log('Downloading the Electron binary (first start only)...');
  }
  // Resolving may download the binary; run it in a child so its failure stays contained.
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(require("electron"))'], {
    cwd: pkgDir,
    encoding: 'utf8',
    timeout: 10 * 60_000,
  });
  const resolved = r.stdout?.trim();
  if (r.status === 0 && resolved && existsSync(resolved)) return resolved;
  return { reason: 'The Electron binary is not installed (it could not be downloaded)' };
}

function lastLine(text: string): string | null {
  const lines = text.trim().split('\n').filter(Boolean);
  return lines.length > 0 ? (lines[lines.length - 1] as string).slice(0, 200) : null;
}
