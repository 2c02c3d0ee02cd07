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

/** Copies the current file to `<file>.bak` (itself atomically); nothing to do for a new file. */
async function keepBackup(file: string): Promise<void> {
  const backup = `${file}.bak`;
  const tmp = `${backup}.${process.pid}.tmp`;
  try {
    await fs.copyFile(file, tmp);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
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
