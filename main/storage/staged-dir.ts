import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';

/** Checks a path where it is about to be written (its real path, links followed) and returns it; throws to refuse. */
export type Confine = (p: string) => string;

export const noConfinement: Confine = (p) => p;

const STAGE_PREFIX = '.netwright-staging-';
/** A staging folder older than this is left over from a killed export and is removed by the next one. */
const STALE_MS = 60 * 60 * 1000;

/**
 * Writes a set of files into `outDir` all or nothing: `write` fills a new hidden staging folder
 * inside `outDir` (same file system, so renames are atomic), then each file is renamed into
 * place. A failed or killed `write` leaves the previous files as they were (and no partial
 * file); a file already in `outDir` that is a symbolic link is replaced, never written through.
 * `confine` checks `outDir` (real path) after it is created and again just before the renames.
 * Returns `write`'s value with every path under the staging folder mapped to its final path.
 */
export async function writeStaged<T>(outDir: string, confine: Confine, write: (stageDir: string) => Promise<T>, finalPaths: (value: T, toFinal: (p: string) => string) => T): Promise<T> {
  const out = path.resolve(outDir);
  await fsp.mkdir(out, { recursive: true });
  confine(out);
  await removeStaleStages(out);
  const stage = await fsp.mkdtemp(path.join(out, STAGE_PREFIX));
  try {
    const value = await write(stage);
    const files = await listFiles(stage);
    confine(out);
    for (const rel of files) {
      const to = path.join(out, rel);
      await fsp.mkdir(path.dirname(to), { recursive: true });
      if (path.dirname(rel) !== '.') confine(path.dirname(to));
      await fsp.rename(path.join(stage, rel), to);
    }
    return finalPaths(value, (p) => {
      const rel = path.relative(stage, p);
      return rel.startsWith('..') || path.isAbsolute(rel) ? p : path.join(out, rel);
    });
  } finally {
    await fsp.rm(stage, { recursive: true, force: true });
  }
}

/** Regular files under `dir`, relative, depth first (links and other kinds are not followed). */
async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const d of await fsp.readdir(path.join(dir, prefix), { withFileTypes: true })) {
    const rel = path.join(prefix, d.name);
    if (d.isDirectory()) out.push(...(await listFiles(dir, rel)));
    else if (d.isFile()) out.push(rel);
  }
  return out;
}

async function removeStaleStages(dir: string): Promise<void> {
  let names: string[];
  try {
    names = await fsp.readdir(dir);
  } catch {
    return;
  }
  const now = Date.now();
  for (const n of names.filter((x) => x.startsWith(STAGE_PREFIX))) {
    const full = path.join(dir, n);
    try {
      const info = fs.lstatSync(full);
      if (info.isDirectory() && now - info.mtimeMs > STALE_MS) await fsp.rm(full, { recursive: true, force: true });
    } catch {
      // Gone already, or not ours to remove.
    }
  }
}
