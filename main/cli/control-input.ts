import * as fs from 'node:fs';
import * as readline from 'node:readline';
import { parseControlCommand, type RunChange } from '../../shared/training/control';

/** How often a control file is read for new lines. */
const POLL_MS = 200;

/**
 * Live changes for a `train` run, one command per line: from stdin (`-`) as they are typed or
 * piped, or from a file, reading the lines appended to it (a file that does not exist yet is
 * waited for). An unreadable line is reported on stderr and skipped; the run goes on.
 */
export function readControlCommands(
  source: string,
  io: { readonly stdin: NodeJS.ReadableStream; readonly stderr: (text: string) => void },
  send: (change: RunChange) => void,
): { close(): void } {
  const onLine = (line: string) => {
    let change: RunChange | null;
    try {
      change = parseControlCommand(line);
    } catch (error) {
      io.stderr(`netwright: control: ${error instanceof Error ? error.message : String(error)}\n`);
      return;
    }
    if (change) send(change);
  };
  if (source === '-') {
    const rl = readline.createInterface({ input: io.stdin, crlfDelay: Infinity, terminal: false });
    rl.on('line', onLine);
    return { close: () => rl.close() };
  }
  let offset = 0;
  let partial = '';
  const read = () => {
    let fd: number;
    try {
      // A FIFO or device would block the run: only plain files are read.
      if (!fs.statSync(source).isFile()) {
        io.stderr(`netwright: control: ${source} is not a plain file; live changes are not read from it.\n`);
        clearInterval(timer);
        return;
      }
    } catch {
      return; // Not there yet.
    }
    try {
      fd = fs.openSync(source, 'r');
    } catch {
      return; // Not there yet.
    }
    try {
      const size = fs.fstatSync(fd).size;
      if (size < offset) offset = 0; // Truncated or replaced: read it again from the start.
      if (size === offset) return;
      const buffer = Buffer.alloc(Math.min(size - offset, 1 << 20));
      const n = fs.readSync(fd, buffer, 0, buffer.length, offset);
      offset += n;
      const lines = (partial + buffer.subarray(0, n).toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) onLine(line);
    } finally {
      fs.closeSync(fd);
    }
  };
  const timer = setInterval(read, POLL_MS);
  read();
  return {
    close: () => {
      clearInterval(timer);
    },
  };
}
