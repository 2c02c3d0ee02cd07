import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { ApiError } from '../../shared/api/contract';
import type { ProjectDoc } from '../../shared/graph/document';
import { ProjectFileError, parseProject, serializeProject } from '../../shared/graph/migrations';
import { atomicWriteFile } from './atomic-write';
import { readRegularFile, UnsafeFileError } from './safe-read';

/** Larger project files are refused before they are read. */
export const MAX_PROJECT_BYTES = 50 * 1024 * 1024;

/** Maps a file-system error to an ApiError a person can act on. */
export function fileError(error: unknown, file: string): ApiError {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  switch (code) {
    case 'ENOENT':
      return new ApiError('NOT_FOUND', `${file} does not exist.`);
    case 'EISDIR':
      return new ApiError('IS_A_FOLDER', `${file} is a folder, not a file.`);
    case 'ENOTDIR':
      return new ApiError('NOT_A_FOLDER', `${file} is not a folder.`);
    case 'EACCES':
    case 'EPERM':
      return new ApiError('PERMISSION_DENIED', `Netwright may not access ${file}.`);
    case 'ENOSPC':
      return new ApiError('DISK_FULL', `The disk is full; ${file} could not be written.`);
    default:
      return new ApiError('IO_ERROR', `${file}: ${(error as Error)?.message ?? String(error)}`);
  }
}

export async function openProject(file: string): Promise<{ path: string; doc: ProjectDoc }> {
  const full = path.resolve(file);
  let text: string;
  try {
    text = readRegularFile(full, MAX_PROJECT_BYTES).toString('utf8');
  } catch (error) {
    if (error instanceof UnsafeFileError) throw new ApiError(error.code === 'TOO_LARGE' ? 'DAMAGED_FILE' : 'NOT_A_FILE', error.code === 'TOO_LARGE' ? `${error.message} Project files are at most ${MAX_PROJECT_BYTES / 1e6} MB.` : error.message);
    throw fileError(error, full);
  }
  try {
    return { path: full, doc: parseProject(text) };
  } catch (error) {
    if (error instanceof ProjectFileError) throw new ApiError('DAMAGED_FILE', `${path.basename(full)}: ${error.message}`);
    throw error;
  }
}

/** Writes the project atomically (never half a file) and keeps the previous version as `<file>.bak`. */
export async function saveProject(file: string, doc: ProjectDoc): Promise<{ path: string }> {
  const full = path.resolve(file);
  const text = serializeProject(doc);
  try {
    await atomicWriteFile(full, text, { backup: true });
  } catch (error) {
    throw fileError(error, (error as NodeJS.ErrnoException).code === 'ENOENT' ? path.dirname(full) : full);
  }
  return { path: full };
}

export interface DirListing {
  path: string;
  parent: string | null;
  entries: { name: string; kind: 'dir' | 'file' }[];
}

/** A folder's entries for the in-app file picker: folders first, then files, each sorted; hidden ones left out. */
export async function listDirectory(dir: string): Promise<DirListing> {
  const full = path.resolve(dir);
  let dirents: import('node:fs').Dirent[];
  try {
    dirents = await fs.readdir(full, { withFileTypes: true });
  } catch (error) {
    throw fileError(error, full);
  }
  const entries: DirListing['entries'] = [];
  for (const d of dirents) {
    if (d.name.startsWith('.')) continue;
    let isDir = d.isDirectory();
    if (d.isSymbolicLink()) {
      isDir = await fs.stat(path.join(full, d.name)).then((s) => s.isDirectory(), () => false);
    }
    entries.push({ name: d.name, kind: isDir ? 'dir' : 'file' });
  }
  const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
  entries.sort((a, b) => (a.kind === b.kind ? collator.compare(a.name, b.name) : a.kind === 'dir' ? -1 : 1));
  const parent = path.dirname(full);
  return { path: full, parent: parent === full ? null : parent, entries };
}

/** Why a folder may not be called `name`, or null when it may. */
export function folderNameProblem(name: string): string | null {
  if (name.trim() === '') return 'Give the folder a name.';
  if (name !== name.trim()) return 'A folder name may not start or end with a space.';
  if (name === '.' || name === '..') return `"${name}" is not a folder name.`;
  if (/[\\/]/.test(name)) return 'A folder name may not contain / or \\.';
  if (name.startsWith('.')) return 'A folder name starting with "." would be hidden; choose another.';
  // eslint-disable-next-line no-control-regex -- control characters are what is refused
  if (/[\u0000-\u001f<>:"|?*]/.test(name)) return 'A folder name may not contain control characters or any of < > : " | ? *.';
  if (Buffer.byteLength(name, 'utf8') > 255) return 'That folder name is too long (at most 255 bytes).';
  return null;
}

/**
 * Makes the folder `name` inside `parent` (which must exist); `confine` checks the new path as the
 * server's path policy does. Errors say what to do.
 */
export async function makeDirectory(parent: string, name: string, confine: (p: string) => string = path.resolve): Promise<{ path: string }> {
  const problem = folderNameProblem(name);
  if (problem) throw new ApiError('BAD_NAME', problem);
  const full = confine(path.join(path.resolve(parent), name));
  try {
    await fs.mkdir(full);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException | null)?.code;
    if (code === 'EEXIST') throw new ApiError('EXISTS', `${name} already exists in ${path.dirname(full)}.`);
    throw fileError(error, code === 'ENOENT' ? path.dirname(full) : full);
  }
  return { path: full };
}
