import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Reading a file someone else may have made: only regular files (a FIFO, a device such as
 * /dev/zero, a socket or a folder is refused), checked with fstat on the opened descriptor (not
 * a stat before opening, which a swapped link would defeat), opened non-blocking so a FIFO
 * cannot hang the open, and never more than `maxBytes` read (the size is checked before any
 * buffer is allocated).
 */

export class UnsafeFileError extends Error {
  constructor(
    readonly code: 'NOT_A_FILE' | 'TOO_LARGE',
    message: string,
  ) {
    super(message);
    this.name = 'UnsafeFileError';
  }
}

const mb = (n: number) => `${(n / 1e6).toFixed(n < 1e7 ? 1 : 0)} MB`;

function kindOf(info: fs.Stats): string {
  if (info.isDirectory()) return 'a folder';
  if (info.isFIFO()) return 'a named pipe (FIFO)';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  if (info.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * Opens `file` for reading and checks it is a regular file of at most `maxBytes`; the caller closes
 * the descriptor. With `noFollow`, a symbolic link at `file` itself is refused instead of followed.
 */
export function openRegularFile(file: string, maxBytes: number, options: { noFollow?: boolean } = {}): { fd: number; size: number } {
  const noFollow = options.noFollow ? (fs.constants.O_NOFOLLOW ?? 0) : 0;
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0) | noFollow);
  } catch (error) {
    if (noFollow && (error as NodeJS.ErrnoException).code === 'ELOOP') {
      throw new UnsafeFileError('NOT_A_FILE', `${file} is a symbolic link, not a file Netwright wrote; it is not followed.`);
    }
    throw error;
  }
  try {
    const info = fs.fstatSync(fd);
    if (!info.isFile()) throw new UnsafeFileError('NOT_A_FILE', `${file} is ${kindOf(info)}, not a file Netwright can read.`);
    if (info.size > maxBytes) throw new UnsafeFileError('TOO_LARGE', `${path.basename(file)} is ${mb(info.size)}; at most ${mb(maxBytes)} is read here.`);
    return { fd, size: info.size };
  } catch (error) {
    fs.closeSync(fd);
    throw error;
  }
}

/** The whole of a regular file of at most `maxBytes` (a file that grows while read is cut at its size when opened). */
export function readRegularFile(file: string, maxBytes: number, options: { noFollow?: boolean } = {}): Buffer {
  const { fd, size } = openRegularFile(file, maxBytes, options);
  try {
    const buf = Buffer.allocUnsafe(size);
    let at = 0;
    while (at < size) {
      const n = fs.readSync(fd, buf, at, size - at, at);
      if (n === 0) break;
      at += n;
    }
    return at === size ? buf : buf.subarray(0, at);
  } finally {
    fs.closeSync(fd);
  }
}

/** The first `bytes` bytes of a regular file (for headers), with its size; `maxBytes` as above. */
export function readRegularFileHead(file: string, bytes: number, maxBytes: number): { head: Buffer; size: number } {
  const { fd, size } = openRegularFile(file, maxBytes);
  try {
    const head = Buffer.alloc(Math.min(bytes, size));
    const n = fs.readSync(fd, head, 0, head.length, 0);
    return { head: head.subarray(0, n), size };
  } finally {
    fs.closeSync(fd);
  }
}

/** True when `child` is `parent` or inside it (both absolute, already resolved). */
export function isInside(parent: string, child: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

/** Run records, saved model.json files and sweep states: JSON text Netwright wrote (a few MB at most). */
export const MAX_RECORD_BYTES = 64 * 1024 * 1024;
/** A run's insight.jsonl: histograms of every layer in every epoch. */
export const MAX_HISTORY_BYTES = 256 * 1024 * 1024;
/** A run's saved weights (weights.bin): 2 GiB, 500 million float32 values. */
export const MAX_SAVED_WEIGHTS_BYTES = 2 * 1024 * 1024 * 1024;

/**
 * A file Netwright itself writes into a run or sweep folder (run.json, insight.jsonl, model.json,
 * weights.bin, a sweep's state). Those folders travel with a project, so what is there may be
 * anything: only a regular file of at most `maxBytes` is read (a FIFO would block the thread for
 * good, /dev/zero would grow it without end), and a symbolic link is refused, not followed (it
 * could lead outside the folders the browser mode allows; Netwright never writes one there).
 */
export function readOwnFile(file: string, maxBytes: number = MAX_RECORD_BYTES): Buffer {
  return readRegularFile(file, maxBytes, { noFollow: true });
}
