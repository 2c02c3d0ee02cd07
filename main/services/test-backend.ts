import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ProjectDoc } from '../../shared/graph/document';
import type { TrainEvent } from '../../shared/training/events';
import { createBackend, type BackendDeps, type BackendService } from './backend';
import { createScriptedLauncher } from './test-launchers';

/** For tests: a new empty folder under the system's temporary folder. */
export function tempDir(prefix = 'nw-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/**
 * For tests: a browser-mode back end keeping its runs in a new temporary `home` (also the folder
 * offered first unless `defaultDir` is given), with a trainer that sends nothing unless `launcher` is given.
 */
export function testBackend(deps: Partial<BackendDeps> = {}): { backend: BackendService; home: string } {
  const home = deps.dataDir ?? tempDir('nw-home-');
  const backend = createBackend({
    mode: 'browser',
    version: 't',
    launcher: createScriptedLauncher(() => [], 0),
    defaultDir: home,
    ...deps,
    dataDir: home,
  });
  return { backend, home };
}

/** The first training event of run `runId()` (read when an event arrives) that `pred` accepts. */
export function untilEvent(backend: BackendService, runId: () => string | undefined, pred: (e: TrainEvent) => boolean): Promise<TrainEvent> {
  return new Promise((resolve) => {
    const off = backend.onEvent((name, payload) => {
      const e = payload as TrainEvent;
      if (name === 'training.event' && e.runId === runId() && pred(e)) {
        off();
        resolve(e);
      }
    });
  });
}

/** Trains `doc` through the back end; its run id and every event of the run, the last one `done` or `error`. */
export async function trainToEnd(backend: BackendService, doc: ProjectDoc, projectPath: string | null = null): Promise<{ runId: string; events: TrainEvent[] }> {
  const events: TrainEvent[] = [];
  let runId: string | undefined;
  const off = backend.onEvent((name, payload) => {
    if (name === 'training.event') events.push(payload as TrainEvent);
  });
  try {
    const end = untilEvent(backend, () => runId, (e) => e.type === 'done' || e.type === 'error');
    runId = ((await backend.handle('training.start', { doc, projectPath })) as { runId: string }).runId;
    await end;
  } finally {
    off();
  }
  return { runId, events: events.filter((e) => e.runId === runId) };
}
