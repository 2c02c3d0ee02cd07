import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { atomicWriteFile } from './atomic-write';

describe('atomicWriteFile', () => {
  it('replaces the content and keeps the previous version as .bak', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'nw-atomic-'));
    const file = path.join(dir, 'p.nwproj');
    await atomicWriteFile(file, 'one', { backup: true });
    expect(readFileSync(file, 'utf8')).toBe('one');
    expect(existsSync(`${file}.bak`)).toBe(false);
    await atomicWriteFile(file, 'two', { backup: true });
    expect(readFileSync(file, 'utf8')).toBe('two');
    expect(readFileSync(`${file}.bak`, 'utf8')).toBe('one');
    expect(readdirSync(dir).sort()).toEqual(['p.nwproj', 'p.nwproj.bak']);
  });

  it('leaves the old file untouched when the write fails', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'nw-atomic-'));
    const file = path.join(dir, 'p.nwproj');
    writeFileSync(file, 'old');
    await expect(atomicWriteFile(path.join(dir, 'missing-folder', 'p.nwproj'), 'x')).rejects.toThrow();
    expect(readFileSync(file, 'utf8')).toBe('old');
  });

  it('a process killed at random moments mid-save never leaves a broken file', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'nw-atomic-kill-'));
    const file = path.join(dir, 'p.json');
    const script = path.join(dir, 'saver.cjs');
    // A saver that writes large, self-checking JSON documents in a loop until killed.
    await build({
      stdin: {
        contents: `
          import { atomicWriteFile } from ${JSON.stringify(path.resolve(__dirname, 'atomic-write.ts'))};
          const file = process.argv[2];
          (async () => {
            for (let i = 0; ; i++) {
              const payload = 'x'.repeat(200_000 + (i % 7) * 10_000);
              await atomicWriteFile(file, JSON.stringify({ i, payload, length: payload.length }), { backup: true });
              if (i === 1) process.stdout.write('ready\\n');
            }
          })();`,
        resolveDir: __dirname,
        loader: 'ts',
      },
      bundle: true,
      platform: 'node',
      format: 'cjs',
      outfile: script,
      logLevel: 'silent',
    });
    for (let round = 0; round < 6; round++) {
      const child = spawn(process.execPath, [script, file], { stdio: ['ignore', 'pipe', 'inherit'] });
      await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
      await new Promise((r) => setTimeout(r, 20 + Math.random() * 120));
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      for (const f of [file, `${file}.bak`]) {
        const doc = JSON.parse(readFileSync(f, 'utf8')) as { payload: string; length: number };
        expect(doc.payload.length).toBe(doc.length);
      }
    }
  });
});
