import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import { WebSocket } from 'ws';
import { startHost, type RunningHost } from './host';
import { ApiError, type EventName } from '../../shared/api/contract';
import type { BackendService } from '../services/backend';

function fakeBackend() {
  const listeners = new Set<(name: EventName, payload: unknown) => void>();
  const counts = { handled: 0 };
  const backend: BackendService = {
    async handle(name: string, params: unknown) {
      counts.handled++;
      if (name === 'app.info') return { version: '1', mode: 'browser', platform: 'test', defaultDir: '/', echo: params };
      throw new ApiError('UNKNOWN_CALL', `Unknown call ${name}.`);
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async dispose() {},
  };
  return { backend, counts, emit: (name: EventName, payload: unknown) => listeners.forEach((l) => l(name, payload)) };
}

function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; cookie?: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, cookie: res.headers['set-cookie']?.[0] }));
      })
      .on('error', reject);
  });
}

function openSocket(url: string, origin?: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, origin ? { origin } : {});
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
}

describe('browser-mode host', () => {
  let host: RunningHost;
  let fake: ReturnType<typeof fakeBackend>;
  let base: string;

  beforeEach(async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'nw-host-'));
    mkdirSync(path.join(dir, 'assets'));
    writeFileSync(path.join(dir, 'index.html'), '<h1>Netwright</h1>');
    writeFileSync(path.join(dir, 'assets', 'app.js'), 'console.log(1)');
    writeFileSync(path.join(path.dirname(dir), 'secret.txt'), 'secret');
    fake = fakeBackend();
    host = await startHost({ backend: fake.backend, staticDir: dir });
    base = `http://127.0.0.1:${host.port}`;
  });
  afterEach(async () => host.close());

  it('prints a loopback URL with the token', () => {
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/?token=${host.token}`);
    expect(host.token.length).toBeGreaterThanOrEqual(24);
  });

  it('serves the UI only with the token, then by cookie', async () => {
    expect((await get(`${base}/`)).status).toBe(403);
    expect((await get(`${base}/?token=wrong`)).status).toBe(403);
    const ok = await get(host.url);
    expect(ok.status).toBe(200);
    expect(ok.body).toContain('Netwright');
    const cookie = (ok.cookie ?? '').split(';')[0] as string;
    expect((await get(`${base}/assets/app.js`, { cookie })).status).toBe(200);
    expect((await get(`${base}/assets/app.js`)).status).toBe(403);
  });

  it('refuses path traversal and foreign Host headers', async () => {
    const t = `token=${host.token}`;
    expect((await get(`${base}/../secret.txt?${t}`)).body).not.toContain('secret');
    const encoded = await get(`${base}/%2e%2e/secret.txt?${t}`);
    expect([403, 404]).toContain(encoded.status);
    expect(encoded.body).not.toContain('secret');
    expect((await get(`${base}/assets/..%2f..%2fsecret.txt?${t}`)).body).not.toContain('secret');
    expect((await get(`${base}/?${t}`, { host: 'evil.example:80' })).status).toBe(421);
  });

  it('answers calls over the WebSocket and forwards events', async () => {
    const ws = await openSocket(`ws://127.0.0.1:${host.port}/api/ws?token=${host.token}`, `http://127.0.0.1:${host.port}`);
    const messages: unknown[] = [];
    const next = () => new Promise<unknown>((resolve) => ws.once('message', (d) => resolve(JSON.parse(d.toString()))));
    let p = next();
    ws.send(JSON.stringify({ kind: 'call', id: 1, name: 'app.info', params: {} }));
    messages.push(await p);
    expect(messages[0]).toMatchObject({ kind: 'result', id: 1, ok: true, value: { mode: 'browser' } });
    p = next();
    ws.send(JSON.stringify({ kind: 'call', id: 2, name: 'nope', params: {} }));
    expect(await p).toMatchObject({ kind: 'result', id: 2, ok: false, error: { code: 'UNKNOWN_CALL' } });
    p = next();
    fake.emit('training.event', { type: 'evaluating', runId: 'r1' });
    expect(await p).toEqual({ kind: 'event', name: 'training.event', payload: { type: 'evaluating', runId: 'r1' } });
    ws.close();
  });

  it('refuses sockets without the token or from another origin', async () => {
    await expect(openSocket(`ws://127.0.0.1:${host.port}/api/ws`)).rejects.toThrow('403');
    await expect(
      openSocket(`ws://127.0.0.1:${host.port}/api/ws?token=${host.token}`, 'http://evil.example'),
    ).rejects.toThrow('403');
  });

  it('closes a socket that sends a malformed message', async () => {
    const ws = await openSocket(`ws://127.0.0.1:${host.port}/api/ws?token=${host.token}`);
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.send('{not json');
    expect(await closed).toBe(1007);
  });

  it('closes a socket that sends an oversized message, and refuses a foreign Host on upgrade', async () => {
    const ws = await openSocket(`ws://127.0.0.1:${host.port}/api/ws?token=${host.token}`);
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.on('error', () => undefined);
    ws.send(JSON.stringify({ kind: 'call', id: 1, name: 'app.info', params: { pad: 'x'.repeat(17 * 1024 * 1024) } }));
    expect(await closed).toBe(1009);
    await expect(
      new Promise((resolve, reject) => {
        const bad = new WebSocket(`ws://127.0.0.1:${host.port}/api/ws?token=${host.token}`, { headers: { host: 'attacker.example' } });
        bad.once('open', () => resolve('open'));
        bad.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
        bad.once('error', reject);
      }),
    ).rejects.toThrow('421');
  });

  it('refuses methods other than GET and HEAD', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(`${host.url}`, { method: 'POST' }, (res) => resolve(res.statusCode ?? 0));
      req.on('error', reject);
      req.end('x');
    });
    expect(status).toBe(405);
  });

  it('names the cookie after its port, so another server on 127.0.0.1 never receives the token', async () => {
    const ok = await get(host.url);
    expect(ok.cookie).toMatch(new RegExp(`^netwright_token_${host.port}=${host.token};`));
    expect((await get(`${base}/assets/app.js`, { cookie: `netwright_token=${host.token}` })).status).toBe(403);
  });

  it('stops reading calls from a client that reads no replies, and answers them all once it reads again', async () => {
    const ws = await openSocket(`ws://127.0.0.1:${host.port}/api/ws?token=${host.token}`);
    const replies: number[] = [];
    ws.on('message', (d) => replies.push((JSON.parse(d.toString()) as { id: number }).id));
    ws.pause(); // reads nothing: the server's unsent replies pile up
    const calls = 300;
    const pad = 'x'.repeat(256 * 1024); // each reply echoes it: 75 MB in all
    for (let id = 1; id <= calls; id++) ws.send(JSON.stringify({ kind: 'call', id, name: 'app.info', params: { pad } }));
    // Wait until the server stops answering (its count holds still for a second).
    let last = -1;
    while (fake.counts.handled !== last || fake.counts.handled === 0) {
      last = fake.counts.handled;
      await new Promise((r) => setTimeout(r, 1000));
    }
    expect(fake.counts.handled).toBeLessThan(calls);
    ws.resume();
    await expect.poll(() => replies.length, { timeout: 60_000 }).toBe(calls);
    expect(fake.counts.handled).toBe(calls);
    ws.close();
  }, 90_000);
});
