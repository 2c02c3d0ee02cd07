import http from 'node:http';
import path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { ClientMessageSchema, type ServerMessage } from '../../shared/api/wire';
import { ApiError, MAX_MESSAGE_BYTES, type ApiErrorData } from '../../shared/api/contract';
import type { BackendService } from '../services/backend';
import { newToken, tokenMatches } from './token';
import { serveStatic, send } from './static-files';

/**
 * The browser-mode host: serves the built UI and the back-end services over a
 * WebSocket on the loopback interface. Every request needs the per-launch
 * token (in `?token=` or, for the page's own assets, the cookie set from it);
 * Host and Origin headers must name this server.
 */
export interface HostOptions {
  readonly backend: BackendService;
  readonly staticDir: string;
  readonly port?: number;
  readonly hostname?: string;
  readonly token?: string;
}

export interface RunningHost {
  readonly url: string;
  readonly port: number;
  readonly token: string;
  close(): Promise<void>;
}

/**
 * The auth cookie's name names this server's port: browsers send a 127.0.0.1 cookie to every port
 * on 127.0.0.1, and another local server would otherwise receive (and could replay) the token.
 */
export const tokenCookieName = (port: number): string => `netwright_token_${port}`;

/** Unsent reply bytes beyond which a client's further calls wait unread. */
export const MAX_UNSENT_BYTES = 8 * 1024 * 1024;
/** Calls of one client answered at once; more wait unread. */
export const MAX_CALLS_IN_FLIGHT = 16;
/** Unsent bytes (events to a client that reads nothing) at which the socket is closed. */
const MAX_STALLED_BYTES = 256 * 1024 * 1024;

export async function startHost(options: HostOptions): Promise<RunningHost> {
  const hostname = options.hostname ?? '127.0.0.1';
  const token = options.token ?? newToken();
  const staticDir = path.resolve(options.staticDir);
  let port = options.port ?? 0;

  const allowedHosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
  const hostOk = (req: http.IncomingMessage) => allowedHosts().has(req.headers.host ?? '');
  const originOk = (req: http.IncomingMessage) => {
    const origin = req.headers.origin;
    if (origin === undefined) return true; // non-browser clients (CLI tools) send none
    return [...allowedHosts()].some((h) => origin === `http://${h}`);
  };
  const presentedToken = (req: http.IncomingMessage, url: URL) =>
    url.searchParams.get('token') ?? readCookie(req.headers.cookie, tokenCookieName(port));

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (!hostOk(req)) return send(res, 421, 'Wrong Host header');
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'Method not allowed');
    if (!tokenMatches(token, presentedToken(req, url))) {
      return send(res, 403, 'Netwright needs the token printed when the server started: open the full URL it printed.');
    }
    if (url.searchParams.has('token')) {
      res.setHeader('Set-Cookie', `${tokenCookieName(port)}=${token}; HttpOnly; SameSite=Strict; Path=/`);
    }
    res.setHeader(
      'Content-Security-Policy',
      "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self' ws://127.0.0.1:* ws://localhost:*; frame-ancestors 'none'",
    );
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Referrer-Policy', 'no-referrer');
    void serveStatic(staticDir, url.pathname, res);
  });

  const clients = new Set<WebSocket>();
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const refuse = (status: number, text: string) => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    if (url.pathname !== '/api/ws') return refuse(404, 'Not Found');
    if (!hostOk(req)) return refuse(421, 'Misdirected Request');
    if (!originOk(req)) return refuse(403, 'Forbidden');
    if (!tokenMatches(token, presentedToken(req, url))) return refuse(403, 'Forbidden');
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  /**
   * Backpressure: a client's calls are no longer read while its replies wait unsent beyond
   * MAX_UNSENT_BYTES or MAX_CALLS_IN_FLIGHT of its calls are being answered; reading resumes as
   * they drain. A client that reads nothing while events pile up past MAX_STALLED_BYTES is cut off.
   */
  const flow = new Map<WebSocket, { unsent: number; inFlight: number }>();
  const adjust = (ws: WebSocket) => {
    const f = flow.get(ws);
    if (!f || ws.readyState !== ws.OPEN) return;
    if (f.unsent > MAX_STALLED_BYTES) return ws.terminate();
    const busy = f.unsent > MAX_UNSENT_BYTES || f.inFlight >= MAX_CALLS_IN_FLIGHT;
    if (busy && !ws.isPaused) ws.pause();
    else if (!busy && ws.isPaused) ws.resume();
  };
  const sendTo = (ws: WebSocket, text: string) => {
    const f = flow.get(ws);
    if (!f || ws.readyState !== ws.OPEN) return;
    const bytes = Buffer.byteLength(text);
    f.unsent += bytes;
    ws.send(text, () => {
      f.unsent -= bytes;
      adjust(ws);
    });
    adjust(ws);
  };

  wss.on('connection', (ws: WebSocket) => {
    clients.add(ws);
    flow.set(ws, { unsent: 0, inFlight: 0 });
    ws.on('close', () => {
      clients.delete(ws);
      flow.delete(ws);
    });
    // Protocol errors (oversized or malformed frames) end this socket, never the server.
    ws.on('error', () => ws.terminate());
    ws.on('message', (data, isBinary) => {
      if (isBinary) return ws.close(1003, 'text frames only');
      const f = flow.get(ws);
      if (f) f.inFlight++;
      adjust(ws);
      void handleMessage(ws, data.toString()).finally(() => {
        if (f) f.inFlight--;
        adjust(ws);
      });
    });
  });

  const handleMessage = async (ws: WebSocket, text: string) => {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      return ws.close(1007, 'invalid JSON');
    }
    const parsed = ClientMessageSchema.safeParse(raw);
    if (!parsed.success) return ws.close(1008, 'invalid message');
    const { id, name, params } = parsed.data;
    let reply: ServerMessage;
    try {
      const value = await options.backend.handle(name, params);
      reply = { kind: 'result', id, ok: true, value };
    } catch (err) {
      reply = { kind: 'result', id, ok: false, error: toErrorData(err) };
    }
    sendTo(ws, JSON.stringify(reply));
  };

  const unsubscribe = options.backend.onEvent((name, payload) => {
    const message = JSON.stringify({ kind: 'event', name, payload } satisfies ServerMessage);
    for (const ws of clients) sendTo(ws, message);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, hostname, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address && typeof address === 'object') port = address.port;
  const displayHost = hostname === '127.0.0.1' || hostname === '::1' ? '127.0.0.1' : hostname;

  return {
    url: `http://${displayHost}:${port}/?token=${token}`,
    port,
    token,
    close: async () => {
      unsubscribe();
      for (const ws of clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export function toErrorData(err: unknown): ApiErrorData {
  if (err instanceof ApiError) return { code: err.code, message: err.message };
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'INTERNAL', message: `Something went wrong in the back end: ${message}` };
}

function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return null;
}
