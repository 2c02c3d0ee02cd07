import { test as base } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface NetwrightServer {
  /** The URL the server printed, token included. */
  readonly url: string;
  /** NETWRIGHT_HOME of this server: runs are kept here. */
  readonly home: string;
  /** A scratch folder for files the test saves and exports. */
  readonly scratch: string;
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Starts `netwright serve` (the browser mode) once per worker, the way a user would. */
export const test = base.extend<object, { server: NetwrightServer }>({
  server: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const home = mkdtempSync(path.join(os.tmpdir(), 'netwright-e2e-home-'));
      const scratch = mkdtempSync(path.join(os.tmpdir(), 'netwright-e2e-files-'));
      const child: ChildProcess = spawn(process.execPath, [path.join(root, 'bin', 'netwright.cjs'), 'serve', '--port', '0', '--root', scratch], {
        cwd: root,
        env: { ...process.env, NETWRIGHT_HOME: home },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 120_000);
        const onData = (d: Buffer) => {
          output += d.toString();
          const m = /Netwright is serving at (\S+)/.exec(output);
          if (m) {
            clearTimeout(timer);
            resolve(m[1] as string);
          }
        };
        child.stdout?.on('data', onData);
        child.stderr?.on('data', onData);
        child.once('exit', (code) => reject(new Error(`server exited (${code}):\n${output}`)));
      });
      await use({ url, home, scratch });
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
    { scope: 'worker' },
  ],
});

export { expect } from '@playwright/test';
