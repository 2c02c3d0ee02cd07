import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { ServerResponse } from 'node:http';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.map': 'application/json',
  '.woff2': 'font/woff2',
};

/** Serves a file from `root`; a path that escapes `root` (`..`, absolute) is refused. */
export async function serveStatic(root: string, urlPath: string, res: ServerResponse): Promise<void> {
  let rel: string;
  try {
    rel = decodeURIComponent(urlPath);
  } catch {
    return send(res, 400, 'Bad path');
  }
  if (rel.includes('\0')) return send(res, 400, 'Bad path');
  if (rel === '/' || rel === '') rel = '/index.html';
  const full = path.resolve(root, `.${path.posix.normalize(rel)}`);
  if (full !== root && !full.startsWith(root + path.sep)) return send(res, 403, 'Forbidden');
  try {
    const info = await stat(full);
    if (!info.isFile()) return send(res, 404, 'Not found');
    res.writeHead(200, {
      'Content-Type': TYPES[path.extname(full)] ?? 'application/octet-stream',
      'Content-Length': info.size,
      'Cache-Control': 'no-cache',
      'X-Content-Type-Options': 'nosniff',
    });
    createReadStream(full).pipe(res);
  } catch {
    send(res, 404, 'Not found');
  }
}

export function send(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(text);
}
