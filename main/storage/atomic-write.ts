import { constants } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';

/**
 * Replaces `file` with `data` so that a crash or power loss at any moment
 * leaves either the old or the new content, never a mix: write a temporary
 * file in the same folder, fsync it, rename it over the target, fsync the
 * folder. With `backup`, the previous version is kept as `<file>.bak` first.
 */
export async function atomicWriteFile(file: string, data: string | Uint8Array, options: { backup?: boolean } = {}): Promise<void> {
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${Date.now()}.${Math.random().toString(36).slice(2, 8)}.tmp`);
  await removeStaleTemporaries(file);
  try {
    const handle = await fs.open(tmp, 'wx', 0o644);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (options.backup) await keepBackup(file);
    await fs.rename(tmp, file);
  } catch (error) {
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw error;
  }
  await syncFolder(dir);
}

/** A temporary file older than this is stale whoever made it (a process id may be reused). */
const STALE_AFTER_MS = 60 * 60 * 1000;

function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the temporary files an earlier save of `file` left behind when it was killed mid-write
 * (`.<name>.<pid>.<time>.<random>.tmp` and `<name>.bak.<pid>.tmp`, each as large as the project):
 * those of a process that no longer runs, and any older than an hour. A save in progress in a
 * live process keeps its own.
 */
export async function removeStaleTemporaries(file: string): Promise<string[]> {
  const dir = path.dirname(file);
  const base = path.basename(file);
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    let pid: number | null = null;
    if (name.startsWith(`.${base}.`) && name.endsWith('.tmp')) {
      const m = /^(\d+)\.\d+\.[a-z0-9]*\.tmp$/.exec(name.slice(base.length + 2));
      if (m) pid = Number(m[1]);
    } else if (name.startsWith(`${base}.bak.`) && name.endsWith('.tmp')) {
      const m = /^(\d+)\.tmp$/.exec(name.slice(base.length + 5));
      if (m) pid = Number(m[1]);
    }
    if (pid === null) continue;
    const full = path.join(dir, name);
    try {
      const info = await fs.lstat(full);
      if (!info.isFile()) continue;
      if (processAlive(pid) && Date.now() - info.mtimeMs < STALE_AFTER_MS) continue;
      await fs.rm(full, { force: true });
      removed.push(full);
    } catch {
      // Gone already, or not ours to remove: the save goes on.
    }
  }
  return removed;
}

/**
 * Copies the current file to `<file>.bak` (itself atomically); nothing to do for a new file, or
 * for something in its place that is not a regular file. The file is opened non-blocking and
 * checked on its descriptor, and the copy is created exclusively: copyFile waited for good on a
 * FIFO at either end, holding one of the few threads every file operation of the process shares
 * (four such saves stopped all saving).
 */
async function keepBackup(file: string): Promise<void> {
  const backup = `${file}.bak`;
  const tmp = `${backup}.${process.pid}.tmp`;
  let source: fs.FileHandle;
  try {
    source = await fs.open(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  try {
    if (!(await source.stat()).isFile()) return;
    await fs.rm(tmp, { force: true });
    const target = await fs.open(tmp, 'wx', 0o644);
    try {
      const chunk = Buffer.allocUnsafe(1 << 20);
      for (let at = 0; ; ) {
        const { bytesRead } = await source.read(chunk, 0, chunk.length, at);
        if (bytesRead === 0) break;
        for (let written = 0; written < bytesRead; ) written += (await target.write(chunk, written, bytesRead - written)).bytesWritten;
        at += bytesRead;
      }
    } finally {
      await target.close();
    }
  } catch (error) {
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw error;
  } finally {
    await source.close();
  }
  await fs.rename(tmp, backup);
}

async function syncFolder(dir: string): Promise<void> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch {
    // Some platforms (Windows) cannot open or fsync a folder; the rename is still atomic there.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}
