import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { execFileSync, spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { atomicWriteFile } from './atomic-write';

describe('atomicWriteFile', () => {
  it('saving over a FIFO does not wait on it: four such saves, then an ordinary one, all done at once (issue 14)', async () => {
    // Before: the backup's copyFile opened the FIFO and waited for a writer, holding one of libuv's
    // four threads; four such project.save calls stopped every later save (and all async file work).
    const dir = mkdtempSync(path.join(os.tmpdir(), 'nw-atomic-fifo-'));
    const fifos = [0, 1, 2, 3].map((i) => path.join(dir, `p${i}.nwproj`));
    // Each FIFO gets a writer after 3 s, so code that waits on it fails this test instead of hanging it.
    const writers = fifos.map((f) => {
      execFileSync('mkfifo', [f]);
      const w = spawn('sh', ['-c', 'sleep 3; printf old > "$1"', 'sh', f], { stdio: 'ignore' });
      w.on('error', () => undefined);
      return w;
    });
    try {
      const started = Date.now();
      await Promise.all(fifos.map((f) => atomicWriteFile(f, 'new', { backup: true })));
      await atomicWriteFile(path.join(dir, 'ordinary.nwproj'), 'saved', { backup: true });
      expect(Date.now() - started).toBeLessThan(2000);
      for (const f of fifos) expect(readFileSync(f, 'utf8')).toBe('new');
      // Nothing was backed up from a FIFO, and no temporary file is left.
      expect(readdirSync(dir).sort()).toEqual(['ordinary.nwproj', ...fifos.map((f) => path.basename(f))].sort());
    } finally {
      for (const w of writers) w.kill('SIGKILL');
    }
  });

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

  it('a save killed mid-write leaves a hidden .tmp that the next save removes', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'nw-atomic-stale-'));
    const file = path.join(dir, 'p.nwproj');
    const script = path.join(dir, 'saver.cjs');
    // A saver writing 8 MB projects in a loop, killed the moment a temporary file shows up.
    await build({
      stdin: {
        contents: `
          import { atomicWriteFile } from ${JSON.stringify(path.resolve(__dirname, 'atomic-write.ts'))};
          const file = process.argv[2];
          const payload = 'x'.repeat(8_000_000);
          (async () => {
            process.stdout.write('ready\\n');
            for (let i = 0; ; i++) await atomicWriteFile(file, JSON.stringify({ i, payload }), { backup: true });
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
    const temporaries = () => readdirSync(dir).filter((f) => f.endsWith('.tmp'));
    for (let round = 0; round < 20 && temporaries().length === 0; round++) {
      const child = spawn(process.execPath, [script, file], { stdio: ['ignore', 'pipe', 'inherit'] });
      await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
      const until = Date.now() + 10_000;
      while (temporaries().length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 1));
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
    }
    // The reproduction: the killed save left its temporary file beside the project.
    const left = temporaries();
    expect(left.length).toBeGreaterThan(0);
    await atomicWriteFile(file, 'fresh', { backup: true });
    expect(temporaries()).toEqual([]);
    expect(readFileSync(file, 'utf8')).toBe('fresh');
  });

  it('keeps the temporary file of a save still running in another process', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'nw-atomic-live-'));
    const file = path.join(dir, 'p.nwproj');
    const live = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 20000)'], { stdio: 'ignore' });
    const dead = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
    await new Promise((r) => dead.once('exit', r));
    const liveTmp = path.join(dir, `.p.nwproj.${live.pid}.${Date.now()}.abc123.tmp`);
    const deadTmp = path.join(dir, `.p.nwproj.${dead.pid}.${Date.now()}.abc123.tmp`);
    const deadBak = path.join(dir, `p.nwproj.bak.${dead.pid}.tmp`);
    for (const f of [liveTmp, deadTmp, deadBak]) writeFileSync(f, 'partial');
    try {
      await atomicWriteFile(file, 'new');
      expect(readdirSync(dir).sort()).toEqual([path.basename(liveTmp), 'p.nwproj'].sort());
    } finally {
      live.kill('SIGKILL');
    }
  });
});
