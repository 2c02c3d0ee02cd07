import { createBackend } from '../services/backend';
import { createForkLauncher } from '../services/fork-launcher';
import { startHost, type RunningHost } from '../host/host';
import { appVersion, dataDir, defaultDocumentsDir, rendererDir, trainerEntry } from '../app-paths';

export interface ServeOptions {
  readonly port?: number;
  /** Printed before the URL line (e.g. why the desktop window could not open). */
  readonly reason?: string;
}

/** Starts the browser mode and serves until SIGINT/SIGTERM. Returns the exit code. */
export async function runServe(options: ServeOptions = {}): Promise<number> {
  const backend = createBackend({
    mode: 'browser',
    version: appVersion(),
    launcher: createForkLauncher(trainerEntry()),
    dataDir: dataDir(),
    defaultDir: defaultDocumentsDir(),
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
