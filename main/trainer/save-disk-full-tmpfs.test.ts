import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackendReport, TrainEvent } from '../../shared/training/events';
import type { ProjectDoc } from '../../shared/graph/document';
import { ApiError } from '../../shared/api/contract';
import { parseProject, serializeProject } from '../../shared/graph/migrations';
import { loadBestBackend } from './backend-loader';
import { loadMnist, type SplitData } from './datasets/mnist';
import { loadModelFromDir } from './save-model';
import { runTraining } from './train';
import { exampleDoc } from './test-helpers';
import { saveProject } from '../storage/project-files';

/**
 * A full disk for real: a 1 MiB tmpfs mounted on a temporary folder (needs root
 * and a kernel that lets this process mount; where `mount` fails the tests are
 * skipped with the reason printed). save-disk-full.test.ts covers the same paths
 * with an injected ENOSPC everywhere.
 */
const PAGE = 4096;
let base = '';
const mounts: string[] = [];
let mountProblem: string | null = null;

function mountTmpfs(name: string, size: string): string {
  const dir = path.join(base, name);
  fs.mkdirSync(dir);
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0755`, 'tmpfs', dir], { stdio: 'pipe' });
  mounts.push(dir);
  return dir;
}

/** Bytes this process can still write under `dir`. */
function freeBytes(dir: string): number {
  const s = fs.statfsSync(dir);
  return s.bavail * s.bsize;
}

/** Fills `dir`'s file system until exactly `leave` bytes (whole pages) stay free. */
function fillLeaving(dir: string, leave: number, name = 'filler.bin'): void {
  const size = freeBytes(dir) - leave;
  expect(size).toBeGreaterThan(0);
  fs.writeFileSync(path.join(dir, name), Buffer.alloc(size));
  expect(freeBytes(dir)).toBe(leave);
}

beforeAll(() => {
  base = fs.mkdtempSync(path.join(os.tmpdir(), 'nw-tmpfs-'));
  try {
    const probe = mountTmpfs('probe', '64k');
    execFileSync('umount', [probe], { stdio: 'pipe' });
    mounts.pop();
  } catch (error) {
    const e = error as { stderr?: Buffer; message?: string };
    mountProblem = `mount -t tmpfs failed (${(e.stderr?.toString() || e.message || String(error)).trim().split('\n')[0]})`;
    console.warn(`save-disk-full-tmpfs: skipped, ${mountProblem}; the injected-ENOSPC tests in save-disk-full.test.ts still run.`);
  }
});

afterAll(() => {
  for (const dir of mounts.reverse()) {
    try {
      execFileSync('umount', [dir], { stdio: 'pipe' });
    } catch (error) {
      console.warn(`could not unmount ${dir}: ${String(error)}`);
    }
  }
  if (base) fs.rmSync(base, { recursive: true, force: true });
});

const tmpFiles = (dir: string): string[] => (fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.includes('.tmp')) : []);

describe('a real full disk (tmpfs)', () => {
  let backend: BackendReport;
  let data: SplitData;

  beforeAll(async () => {
    if (mountProblem) return;
    backend = await loadBestBackend();
    data = loadMnist({ trainLimit: 600, testLimit: 100, validationSplit: 0.2 });
  });

  it('training into a filling run folder ends with "disk full" naming the folder; the earlier checkpoint loads', async (ctx) => {
    if (mountProblem) return ctx.skip(mountProblem);
    const disk = mountTmpfs('runs', '1m');
    // Room for one checkpoint of the 101,770-parameter MLP (407 kB of weights) and a little more,
    // not for a second copy: the next checkpoint or the final model runs out of space.
    fillLeaving(disk, 150 * PAGE);
    const runDir = path.join(disk, 'r1');
    const doc = exampleDoc();
    doc.training = { ...doc.training, epochs: 3, checkpointBest: true, seed: 7 };
    const events: TrainEvent[] = [];
    const record = await runTraining({ runId: 'r1', doc, runDir, backend, data, shouldStop: () => false, emit: (e) => events.push(e) });

    expect(record).toBeNull();
    const last = events.at(-1);
    expect(last?.type).toBe('error');
    const message = last?.type === 'error' ? last.message : '';
    const folder = (message.match(/could not be saved to (\S+) \(ENOSPC\)/) ?? [])[1];
    expect(message).toMatch(/^The disk is full: the (model|best-epoch checkpoint) of run r1 could not be saved to \S+ \(ENOSPC\)\. Its earlier checkpoints are intact\. Free some space and train again\.$/);
    expect([runDir, path.join(runDir, 'best')]).toContain(folder);
    expect(events.filter((e) => e.type === 'epoch').length).toBeGreaterThanOrEqual(1);

    // The checkpoint of an earlier epoch is whole and loads; no temporary files hold the space.
    const best = await loadModelFromDir(path.join(runDir, 'best'));
    expect(best.countParams()).toBe(101_770);
    best.dispose();
    expect(tmpFiles(runDir)).toEqual([]);
    expect(tmpFiles(path.join(runDir, 'best'))).toEqual([]);
    // The run's record says what happened (it is small and written after the failed files are gone).
    const runJson = JSON.parse(fs.readFileSync(path.join(runDir, 'run.json'), 'utf8'));
    expect(runJson).toMatchObject({ status: 'error', error: message });
  });

  /** The example project with `n` extra (unconnected) named layers, to make its file larger. */
  function paddedDoc(n: number, name: string): ProjectDoc {
    const doc = exampleDoc();
    doc.name = name;
    const pad = Array.from({ length: n }, (_, i) => ({ id: `pad${i}`, type: 'Dense', name: `${'p'.repeat(150)}${i}`, position: { x: 0, y: 200 + i * 50 }, params: { units: 4 } }));
    doc.graph = { ...doc.graph, nodes: [...doc.graph.nodes, ...pad] };
    return doc;
  }

  async function saveFails(file: string, doc: ProjectDoc): Promise<ApiError> {
    const error = await saveProject(file, doc).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ApiError);
    return error as ApiError;
  }

  it('saving a project to a full disk fails clearly; the file and its backup stay as they were', async (ctx) => {
    if (mountProblem) return ctx.skip(mountProblem);
    const disk = mountTmpfs('projects', '1m');
    const file = path.join(disk, 'model.nwproj');
    await saveProject(file, paddedDoc(0, 'first'));
    await saveProject(file, paddedDoc(40, 'second'));
    const before = fs.readFileSync(file);
    const backup = fs.readFileSync(`${file}.bak`);
    expect(before.length).toBeGreaterThan(3 * PAGE);

    // 1. No room at all: the new content cannot even be written to its temporary file.
    fillLeaving(disk, 0);
    const full = await saveFails(file, paddedDoc(0, 'third'));
    expect(full.code).toBe('DISK_FULL');
    expect(full.message).toBe(`The disk is full; ${file} could not be written.`);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
    expect(fs.readFileSync(`${file}.bak`).equals(backup)).toBe(true);
    expect(parseProject(fs.readFileSync(file, 'utf8')).name).toBe('second');
    expect(tmpFiles(disk)).toEqual([]);

    // 2. Room for the new (small) file but not for the backup copy of the old (large) one.
    fs.rmSync(path.join(disk, 'filler.bin'));
    fillLeaving(disk, 2 * PAGE);
    expect(Buffer.byteLength(serializeProject(paddedDoc(0, 'fourth')))).toBeLessThanOrEqual(PAGE);
    const noBackup = await saveFails(file, paddedDoc(0, 'fourth'));
    expect(noBackup.code).toBe('DISK_FULL');
    expect(fs.readFileSync(file).equals(before)).toBe(true);
    expect(fs.readFileSync(`${file}.bak`).equals(backup)).toBe(true);
    expect(tmpFiles(disk)).toEqual([]);
    // Nothing half-written holds the space: the two free pages are still free.
    expect(freeBytes(disk)).toBe(2 * PAGE);

    // 3. Space again: the save goes through and the previous version becomes the backup.
    fs.rmSync(path.join(disk, 'filler.bin'));
    await saveProject(file, paddedDoc(0, 'fifth'));
    expect(parseProject(fs.readFileSync(file, 'utf8')).name).toBe('fifth');
    expect(fs.readFileSync(`${file}.bak`).equals(before)).toBe(true);
  });
});
