import { realpathSync } from 'node:fs';
import path from 'node:path';
import { ApiError } from '../../shared/api/contract';

/**
 * Which files the back end may touch on behalf of a client. The browser mode
 * limits every path to the folders the user chose when starting the server
 * (their home folder unless told otherwise); the desktop app, whose paths come
 * from native dialogs, allows any path.
 */
export interface PathPolicy {
  /** The absolute, normalised path to use, or an ApiError('FORBIDDEN_PATH'). */
  check(requested: string): string;
  readonly roots: readonly string[] | null;
}

export const unrestrictedPaths: PathPolicy = {
  roots: null,
  check: (requested) => {
    refuseOdd(requested);
    return path.resolve(requested);
  },
};

export function rootedPaths(roots: readonly string[]): PathPolicy {
  if (roots.length === 0) throw new Error('rootedPaths needs at least one root folder');
  const real = roots.map((r) => realOrResolved(path.resolve(r)));
  return {
    roots: real,
    check(requested) {
      refuseOdd(requested);
      if (!path.isAbsolute(requested)) {
        throw new ApiError('FORBIDDEN_PATH', `Use a full path (one starting at the root folder), not "${clip(requested)}".`);
      }
      if (requested.split(/[\\/]+/).includes('..')) {
        throw new ApiError('FORBIDDEN_PATH', `Paths with ".." are not allowed: "${clip(requested)}".`);
      }
      const resolved = path.resolve(requested);
      // Follow symbolic links of the part that exists, so a link cannot lead outside.
      const actual = realOrResolved(resolved);
      if (!real.some((root) => actual === root || actual.startsWith(root.endsWith(path.sep) ? root : root + path.sep))) {
        throw new ApiError(
          'FORBIDDEN_PATH',
          `"${clip(requested)}" is outside the folders this server may use (${real.join(', ')}). Start it with --root to allow another folder.`,
        );
      }
      return resolved;
    },
  };
}

function refuseOdd(requested: string): void {
  if (requested.includes('\0')) throw new ApiError('FORBIDDEN_PATH', 'A path may not contain a NUL character.');
}

/** realpath of the longest existing prefix, with the rest appended. */
function realOrResolved(p: string): string {
  const rest: string[] = [];
  let current = p;
  for (;;) {
    try {
      return path.join(realpathSync(current), ...rest.reverse());
    } catch {
      const parent = path.dirname(current);
      if (parent === current) return p;
      rest.push(path.basename(current));
      current = parent;
    }
  }
}

function clip(s: string): string {
  return s.length > 200 ? `${s.slice(0, 200)}…` : s;
}
