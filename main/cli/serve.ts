import os from 'node:os';
import path from 'node:path';
import { createBackend } from '../services/backend';
import { createForkLauncher } from '../services/fork-launcher';
import { startHost, type RunningHost } from '../host/host';
import { rootedPaths, type PathPolicy } from '../services/path-policy';
import { appVersion, dataDir, defaultDocumentsDir, heavyWorkerEntry, rendererDir, trainerEntry } from '../app-paths';
import { workerHeavyWork } from '../services/heavy-work';

export interface ServeOptions {
  readonly port?: number;
  /** Printed before the URL line (e.g. why the desktop window could not open). */
  readonly reason?: string;
  /** Folders the browser may read and write (default: NETWRIGHT_ROOTS, else the home folder). */
  readonly roots?: readonly string[];
}

/** Starts the browser mode and serves until SIGINT/SIGTERM. Returns the exit code. */
export async function runServe(options: ServeOptions = {}): Promise<number> {
  const roots = allowedRoots(options.roots);
  const paths = rootedPaths(roots);
  const home = defaultDocumentsDir();
  const backend = createBackend({
    mode: 'browser',
    version: appVersion(),
    launcher: createForkLauncher(trainerEntry()),
    heavy: workerHeavyWork(heavyWorkerEntry()),
    dataDir: dataDir(),
    defaultDir: isAllowed(paths, home) ? home : (roots[0] as string),
    paths,
  });
  let host: RunningHost;
  try {
    host = await startHost({ backend, staticDir: rendererDir(), port: options.port });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    console.error(
      code === 'EADDRINUSE'
        ? `netwright: port ${options.port} is already in use; choose another with --port.`
        : `netwright: could not start the server (${(err as Error).message}).`,
    );
    await backend.dispose();
    return 1;
  }
  if (options.reason) console.log(options.reason);
  console.log(`Netwright is serving at ${host.url}`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await host.close();
  await backend.dispose();
  return 0;
}

function allowedRoots(given: readonly string[] | undefined): string[] {
  if (given && given.length > 0) return given.map((r) => path.resolve(r));
  const env = process.env['NETWRIGHT_ROOTS'];
  if (env) return env.split(path.delimiter).filter(Boolean).map((r) => path.resolve(r));
  return [os.homedir()];
}

function isAllowed(paths: PathPolicy, p: string): boolean {
  try {
    paths.check(p);
    return true;
  } catch {
    return false;
  }
}
