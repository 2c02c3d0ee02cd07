import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackendReport, TrainEvent } from '../../shared/training/events';
import { parseProject } from '../../shared/graph/migrations';
import { describeGoal, goalMet, reached, templateGoal } from '../../shared/training/template-goal';
import { loadBestBackend } from './backend-loader';
import { fashionMnistMissing } from './datasets/mnist';
import { runTraining } from './train';

/**
 * Every cheap template reaches the goal its file states (and the README's table lists),
 * trained with its own settings exactly as a user who opens it and presses Train: no seed,
 * no fewer epochs. Measured on 8-10 seeds each before stating the goals (see the README).
 */
const TEMPLATES = path.resolve(__dirname, '../../resources/templates');
const CHEAP = ['spirals-classifier', 'circles-classifier', 'xor-classifier', 'iris-classifier', 'diabetes-regression'];
/** Trains only a head on 12,000 images (the convolutions are frozen): about a minute on wasm. */
const TRANSFER = 'transfer-mnist-fashion';

let backend: BackendReport;
let home: string;

beforeAll(async () => {
  backend = await loadBestBackend();
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'nw-templates-'));
});

afterAll(() => {
  fs.rmSync(home, { recursive: true, force: true });
});

describe('templates learn with their own settings', () => {
  for (const id of CHEAP) {
    // A few seconds each on a quiet machine; the limit allows for a loaded one.
    it(`${id} reaches its stated goal`, { timeout: 240_000 }, async () => {
      const raw = JSON.parse(fs.readFileSync(path.join(TEMPLATES, `${id}.nwproj`), 'utf8')) as Record<string, unknown>;
      const goal = templateGoal(raw);
      expect(goal, 'the template states a goal').not.toBeNull();
      if (!goal) return;
      const doc = parseProject(JSON.stringify(raw));
      expect(doc.training.seed).toBeNull();
      const events: TrainEvent[] = [];
      await runTraining({ runId: id, doc, runDir: path.join(home, id), backend, shouldStop: () => false, emit: (e) => events.push(e) });
      const last = events.at(-1);
      if (last?.type === 'error') throw new Error(last.message);
      expect(last?.type).toBe('done');
      // The MLP classifiers train through the compiled step on the native backend (CompiledTrainStep).
      const started = events.find((e): e is Extract<TrainEvent, { type: 'started' }> => e.type === 'started');
      const compiled = backend.backend === 'tensorflow' && id !== 'diabetes-regression';
      expect(started?.trainStep, JSON.stringify(started?.trainStep)).toMatchObject({ kind: compiled ? 'compiled' : 'layers' });
      const done = last as Extract<TrainEvent, { type: 'done' }>;
      const value = reached(goal, done.test, done.evaluation ?? null);
      expect(value, `${id}: test ${goal.metric} ${String(value)}, goal ${describeGoal(goal)}`).not.toBeNull();
      expect(goalMet(goal, value), `${id}: test ${goal.metric} ${String(value)}, goal ${describeGoal(goal)}`).toBe(true);
    });
  }
});

const fashionMissing = fashionMnistMissing();

describe.skipIf(fashionMissing !== null)(`the transfer template reaches its goal from its shipped backbone${fashionMissing ? ` (skipped: ${fashionMissing})` : ''}`, () => {
  // As Train does after opening it: its own settings, starting from the run it ships (resources/templates/backbones).
  it(`${TRANSFER} reaches its stated goal`, { timeout: 600_000 }, async () => {
    const raw = JSON.parse(fs.readFileSync(path.join(TEMPLATES, `${TRANSFER}.nwproj`), 'utf8')) as Record<string, unknown>;
    const goal = templateGoal(raw);
    expect(goal, 'the template states a goal').not.toBeNull();
    if (!goal) return;
    const doc = parseProject(JSON.stringify(raw));
    expect(doc.training.seed).toBeNull();
    const backbone = path.join(TEMPLATES, 'backbones', raw['backbone'] as string);
    const backboneRunId = (JSON.parse(fs.readFileSync(path.join(backbone, 'run.json'), 'utf8')) as { runId: string }).runId;
    const events: TrainEvent[] = [];
    await runTraining({
      runId: TRANSFER,
      doc,
      runDir: path.join(home, TRANSFER),
      backend,
      shouldStop: () => false,
      emit: (e) => events.push(e),
      initialWeights: { runId: backboneRunId, runDir: backbone, evaluateOnly: false },
    });
    const last = events.at(-1);
    if (last?.type === 'error') throw new Error(last.message);
    expect(last?.type).toBe('done');
    const weights = events.find((e) => e.type === 'weights');
    expect(weights?.type === 'weights' ? weights.report.loaded.map((l) => l.nodeId) : []).toEqual(['conv1', 'conv2']);
    const done = last as Extract<TrainEvent, { type: 'done' }>;
    const value = reached(goal, done.test, done.evaluation ?? null);
    console.log(`${TRANSFER}: test ${goal.metric} ${String(value)} on ${backend.backend}, goal ${describeGoal(goal)}`);
    expect(goalMet(goal, value), `${TRANSFER}: test ${goal.metric} ${String(value)}, goal ${describeGoal(goal)}`).toBe(true);
  });
});
