import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cliSession } from './test-support';

/**
 * `netwright train` given files that are not files (issue 14: only regular files are opened).
 * Before this test's change, `train` read the project once with readFileSync to look for a
 * template's backbone: a FIFO blocked it until something wrote there, /dev/zero grew it without
 * end; and a backbone beside a template was copied with copyFileSync, which waits on a FIFO and
 * follows links. Each FIFO here gets a writer after WRITER_DELAY_MS, so code that waits on it
 * fails this test (too slow) instead of hanging it.
 */
const WRITER_DELAY_MS = 3000;
const TEMPLATE = path.resolve(__dirname, '../../resources/templates/transfer-mnist-fashion.nwproj');
const SHIPPED = path.resolve(__dirname, '../../resources/templates/backbones/mnist-cnn-features');

const writers: ChildProcess[] = [];
afterEach(() => {
  for (const w of writers.splice(0)) w.kill('SIGKILL');
});

function lateFifo(file: string, text: string): void {
  execFileSync('mkfifo', [file]);
  const writer = spawn('sh', ['-c', `sleep ${WRITER_DELAY_MS / 1000}; printf '%s' "$1" > "$2"`, 'sh', text, file], { stdio: 'ignore' });
  writer.on('error', () => undefined);
  writers.push(writer);
}

describe('netwright train with hostile files', () => {
  const { dir, cli } = cliSession('nw-cli-hostile-');

  it('a FIFO given as the project is refused at once', async () => {
    const project = path.join(dir, 'pipe.nwproj');
    lateFifo(project, '{}');
    const started = Date.now();
    const r = await cli('train', project, '--epochs', '1');
    expect(Date.now() - started).toBeLessThan(2000);
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/pipe\.nwproj is a named pipe \(FIFO\), not a file Netwright can read/);
  });

  it("a template's backbone beside it whose weights.bin is a FIFO or a link is refused, nothing installed", async () => {
    for (const kind of ['fifo', 'link'] as const) {
      const folder = path.join(dir, `template-${kind}`);
      const backbone = path.join(folder, 'backbones', 'mnist-cnn-features');
      fs.mkdirSync(backbone, { recursive: true });
      fs.copyFileSync(TEMPLATE, path.join(folder, 'transfer.nwproj'));
      for (const f of ['run.json', 'model.json']) fs.copyFileSync(path.join(SHIPPED, f), path.join(backbone, f));
      if (kind === 'fifo') lateFifo(path.join(backbone, 'weights.bin'), 'x');
      else fs.symlinkSync(path.join(SHIPPED, 'weights.bin'), path.join(backbone, 'weights.bin'));
      const started = Date.now();
      const r = await cli('train', path.join(folder, 'transfer.nwproj'), '--epochs', '1', '--limit', '16', '--test-limit', '16');
      expect(Date.now() - started).toBeLessThan(2000);
      expect(r.code).not.toBe(0);
      expect(r.err).toMatch(kind === 'fifo' ? /backbone "mnist-cnn-features", which could not be set up: .*weights\.bin is a named pipe \(FIFO\)/ : /backbone "mnist-cnn-features", which could not be set up: .*weights\.bin is a symbolic link/);
      expect(fs.existsSync(path.join(folder, 'transfer.runs'))).toBe(false);
    }
  });
});
