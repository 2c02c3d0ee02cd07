import os from 'node:os';
import path from 'node:path';
import { existsSync } from 'node:fs';

/**
 * Where things live at run time. The bundles are in `dist/main/`; the built UI
 * in `dist/renderer/`. `NETWRIGHT_HOME` moves the data folder (runs) elsewhere.
 *
 * In an installed app all of this sits inside `resources/app.asar` (a read-only
 * archive Electron's fs reads like a folder). Files that code outside Electron's
 * patched fs must open (native add-ons and the shared libraries they link,
 * WebAssembly binaries, the MNIST idx files read with fs.openSync) are packed
 * into `resources/app.asar.unpacked/` instead (electron-builder.yml asarUnpack);
 * {@link asarUnpackedPath} maps a path to that copy.
 */

/** The files of the app, given the folder of its main bundles (`<app>/dist/main`). */
export interface AppLayout {
  /** The app root: the source checkout, or `resources/app.asar` when installed. */
  readonly appRoot: string;
  /** The trainer bundle run as a separate process (utility process or fork). */
  readonly trainerEntry: string;
  /** The worker thread that reads data sets, imports and exports off the host's thread. */
  readonly heavyWorkerEntry: string;
  readonly preload: string;
  readonly rendererDir: string;
  /** Files the export reads at run time (netwright-layers.js). */
  readonly exportAssetsDir: string;
  /** The built-in CSV data sets (iris, wine, diabetes). */
  readonly datasetsDir: string;
}

/** The layout for bundles in `distMain`; pure, so the installed layout is testable anywhere. */
export function appLayout(distMain: string): AppLayout {
  const appRoot = path.resolve(distMain, '..', '..');
  return {
    appRoot,
    // The trainer runs from inside app.asar: utilityProcess.fork reads scripts through
    // Electron's asar support, and the trainer's own requires do too.
    trainerEntry: path.join(distMain, 'trainer.cjs'),
    heavyWorkerEntry: path.join(distMain, 'heavy-worker.cjs'),
    preload: path.join(distMain, 'preload.cjs'),
    rendererDir: path.join(appRoot, 'dist', 'renderer'),
    exportAssetsDir: path.join(distMain, 'assets'),
    datasetsDir: path.join(appRoot, 'resources', 'datasets'),
  };
}

const ASAR_SEGMENT = /([\\/])app\.asar(?=[\\/]|$)/;

/** True when `p` lies inside an `app.asar` archive (not its unpacked twin). */
export function isInsideAsar(p: string): boolean {
  return ASAR_SEGMENT.test(p);
}

/**
 * The path of `p` in `app.asar.unpacked` when `p` lies inside `app.asar`;
 * otherwise `p` itself (source checkouts, `npm start`, tests). Idempotent.
 */
export function asarUnpackedPath(p: string): string {
  return p.replace(ASAR_SEGMENT, '$1app.asar.unpacked');
}

/**
 * The working folder for a trainer process started from `entry`: a real folder
 * outside the archive (a process cannot have its cwd inside app.asar).
 */
export function trainerCwd(entry: string): string {
  const m = ASAR_SEGMENT.exec(entry);
  return m ? entry.slice(0, m.index) || path.parse(entry).root : path.dirname(entry);
}

export function rendererDir(): string {
  return appLayout(__dirname).rendererDir;
}

export function trainerEntry(): string {
  return appLayout(__dirname).trainerEntry;
}

export function heavyWorkerEntry(): string {
  return appLayout(__dirname).heavyWorkerEntry;
}

export function preloadPath(): string {
  return appLayout(__dirname).preload;
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
