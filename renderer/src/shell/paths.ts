/** Path helpers for paths of the back end's machine (POSIX or Windows), without Node. */
export function separatorOf(path: string): '/' | '\\' {
  return path.includes('\\') && !path.includes('/') ? '\\' : '/';
}

export function joinPath(dir: string, name: string): string {
  const sep = separatorOf(dir);
  return dir.endsWith('/') || dir.endsWith('\\') ? `${dir}${name}` : `${dir}${sep}${name}`;
}

export function basename(path: string): string {
  const parts = path.split(/[\\/]/).filter((p) => p.length > 0);
  return parts[parts.length - 1] ?? path;
}

export function dirname(path: string): string {
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  if (i < 0) return path;
  if (i === 0) return path.slice(0, 1);
  return path.slice(0, i);
}

export const PROJECT_EXT = '.nwproj';

/** Adds `.nwproj` to a file name without an extension. */
export function withProjectExt(path: string): string {
  const name = basename(path);
  return name.includes('.') ? path : `${path}${PROJECT_EXT}`;
}
