import { describe, expect, it } from 'vitest';
import { torchrunEvents } from './torchrun';

describe('torchrunEvents', () => {
  it('reads the event lines of the processes, prefixes and other lines left out', () => {
    const out = ['WARNING: torchrun says something', '[default0]:{"event": "started", "processes": 2}', '[default1]:rank 1 text', '[default0]:{"event": "epoch", "epoch": 0}', ''].join('\n');
    expect(torchrunEvents(out)).toEqual([
      { event: 'started', processes: 2 },
      { event: 'epoch', epoch: 0 },
    ]);
  });

  it('puts back together a line that torchrun copied in two chunks (a CI failure)', () => {
    // The log was read after the JSON and before its newline: the newline came in a chunk of its own.
    const out = '[default0]:{"event": "batch", "epoch": 0, "batch": 1, "loss": 2.31}[default0]:\n[default0]:{"event": "batch", "epoch": 0, "batch": 2, "loss": 2.2}\n';
    expect(torchrunEvents(out)).toEqual([
      { event: 'batch', epoch: 0, batch: 1, loss: 2.31 },
      { event: 'batch', epoch: 0, batch: 2, loss: 2.2 },
    ]);
  });

  it('keeps a line whole when another process’s chunk lands in the middle of it', () => {
    const out = '[default0]:{"event": "epoch", [default1]:hello from rank 1\n[default0]:"epoch": 1}\n';
    expect(torchrunEvents(out)).toEqual([{ event: 'epoch', epoch: 1 }]);
  });

  it('says so when an event line cannot be read, instead of throwing', () => {
    expect(torchrunEvents('[default0]:{"event": "epoch", "epo\n')).toEqual({ error: expect.stringContaining('not JSON: {"event": "epoch"') });
  });
});
