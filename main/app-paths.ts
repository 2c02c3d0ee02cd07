import os from 'node:os';
import path from 'node:path';
import { existsSync } from 'node:fs';

/**
 * Where things live at run time. The bundles are in `dist/main/`; the built UI
 * in `dist/renderer/`. `NETWRIGHT_HOME` moves the data folder (runs) elsewhere.
 */
export function distMainDir(): string {
  return __dirname;
}

export function rendererDir(): string {
  return path.resolve(__dirname, '..', 'renderer');
}

export function trainerEntry(): string {
  return path.join(__dirname, 'trainer.cjs');
}

export function dataDir(): string {
  return process.env['NETWRIGHT_HOME'] || path.join(os.homedir(), '.netwright');
}

/** A folder to offer first in file pickers. */
export function defaultDocumentsDir(): string {
  const docs = path.join(os.homedir(), 'Documents');
  return existsSync(docs) ? docs : os.homedir();
}

export function appVersion(): string {
  // Replaced at build time by esbuild's `define`; falls back for tests.
  return typeof NETWRIGHT_VERSION === 'string' ? NETWRIGHT_VERSION : '0.0.0-dev';
}

declare const NETWRIGHT_VERSION: string | undefined;
