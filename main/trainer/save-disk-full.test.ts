import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BackendReport, TrainEvent } from '../../shared/training/events';
import { loadBestBackend } from './backend-loader';
import { loadMnist, type SplitData } from './datasets/mnist';
import { loadModelFromDir, saveErrorMessage, type SaveWriter } from './save-model';
import { runTraining } from './train';
import { exampleDoc } from './test-helpers';

let backend: BackendReport;
let data: SplitData;

beforeAll(async () => {
  backend = await loadBestBackend();
  data = loadMnist({ trainLimit: 600, testLimit: 100, validationSplit: 0.2 });
});

function diskFull(file: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`ENOSPC: no space left on device, write '${file}'`), { code: 'ENOSPC' });
}

async function train(writeFile: SaveWriter, onEvent: (e: TrainEvent, runDir: string) => void = () => undefined) {
  const doc = exampleDoc();
  doc.training = { ...doc.training, epochs: 2, checkpointBest: true, seed: 7 };
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nw-diskfull-'));
  const events: TrainEvent[] = [];
  const record = await runTraining({
    runId: 'r1',
    doc,
    runDir,
    backend,
    data,
    shouldStop: () => false,
    writeFile,
    emit: (e) => {
      events.push(e);
      onEvent(e, runDir);
    },
  });
  return { runDir, events, record };
}

const tmpFiles = (dir: string) => fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'));

describe('a full disk while saving', () => {
  it('the final model: a clear error, the best checkpoint of an earlier epoch intact, no half files', async () => {
    const { runDir, events, record } = await train((file, d) => {
      if (!file.includes(`${path.sep}best${path.sep}`)) throw diskFull(file);
      fs.writeFileSync(file, d);
    });
    expect(record).toBeNull();
    const last = events.at(-1);
    expect(last?.type).toBe('error');
    expect(last?.type === 'error' && last.message).toMatch(/^The disk is full: the model of run r1 could not be saved to \S+ \(ENOSPC\)\. Its earlier checkpoints are intact\. Free some space/);
    expect(events.filter((e) => e.type === 'epoch')).toHaveLength(2);
    // No model in the run folder, no temporary files left behind; the best checkpoint loads.
    expect(fs.existsSync(path.join(runDir, 'model.json'))).toBe(false);
    expect(tmpFiles(runDir)).toEqual([]);
    expect(tmpFiles(path.join(runDir, 'best'))).toEqual([]);
    const best = await loadModelFromDir(path.join(runDir, 'best'));
    expect(best.countParams()).toBe(101_770);
    best.dispose();
    const runJson = JSON.parse(fs.readFileSync(path.join(runDir, 'run.json'), 'utf8'));
    expect(runJson).toMatchObject({ status: 'error', error: (last as Extract<TrainEvent, { type: 'error' }>).message });
  });

  it("a later best checkpoint: the earlier one's files stay byte for byte as they were", async () => {
    let firstBest: { json: Buffer; bin: Buffer } | null = null;
    let bestSaves = 0;
    const { runDir, events } = await train(
      (file, d) => {
        if (file.includes(`${path.sep}best${path.sep}model.json`)) {
          bestSaves++;
          // The second best save fails on its second file, after its weights were written.
          if (bestSaves === 2) throw diskFull(file);
        }
        fs.writeFileSync(file, d);
      },
      (e, dir) => {
        if (e.type === 'epoch' && e.epoch === 0) {
          firstBest = { json: fs.readFileSync(path.join(dir, 'best', 'model.json')), bin: fs.readFileSync(path.join(dir, 'best', 'weights.bin')) };
        }
      },
    );
    const epochs = events.filter((e): e is Extract<TrainEvent, { type: 'epoch' }> => e.type === 'epoch');
    // Epoch 2 improved on epoch 1 (seeded), so it tried to replace the checkpoint.
    expect(epochs).toHaveLength(1);
    expect(bestSaves).toBe(2);
    const last = events.at(-1);
    expect(last?.type === 'error' && last.message).toMatch(/^The disk is full: the best-epoch checkpoint of run r1 could not be saved to \S+best \(ENOSPC\)/);
    expect(firstBest).not.toBeNull();
    const kept = firstBest as unknown as { json: Buffer; bin: Buffer };
    expect(fs.readFileSync(path.join(runDir, 'best', 'weights.bin')).equals(kept.bin)).toBe(true);
    expect(fs.readFileSync(path.join(runDir, 'best', 'model.json')).equals(kept.json)).toBe(true);
    expect(tmpFiles(path.join(runDir, 'best'))).toEqual([]);
  });

  it('names quota and permission problems too', () => {
    const err = (code: string) => Object.assign(new Error(code), { code });
    expect(saveErrorMessage(err('EDQUOT'), 'r9', 'model')).toMatch(/^The disk quota is used up: the model of run r9 could not be saved \(EDQUOT\)/);
    expect(saveErrorMessage(err('EACCES'), 'r9', 'model')).toMatch(/^Netwright may not write to the run folder: the model of run r9 could not be saved \(EACCES\).*permissions/);
    expect(saveErrorMessage(new Error('boom'), 'r9', 'best checkpoint')).toBe('The best-epoch checkpoint of run r9 could not be saved: boom. Its earlier checkpoints are intact.');
    expect(saveErrorMessage(err('ENOSPC'), 'r9', 'model', '/data/runs/r9')).toBe(
      'The disk is full: the model of run r9 could not be saved to /data/runs/r9 (ENOSPC). Its earlier checkpoints are intact. Free some space and train again.',
    );
  });
});
