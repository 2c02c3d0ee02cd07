import { DEFAULT_TRAINING, PROJECT_FORMAT, PROJECT_VERSION, type ProjectDoc } from '../graph/document';
import type { SweepSpec, SweepState, SweepTrial } from './sweep';

/** Test fixtures: a small spirals classifier and sweep states built from trial data. */
export const spiralsDoc: ProjectDoc = {
  format: PROJECT_FORMAT,
  version: PROJECT_VERSION,
  name: 'spirals',
  graph: {
    nodes: [
      { id: 'input', type: 'Input', position: { x: 0, y: 0 }, params: { shape: [2] } },
      { id: 'hidden1', type: 'Dense', position: { x: 0, y: 0 }, params: { units: 16, activation: 'relu' } },
      { id: 'drop', type: 'Dropout', position: { x: 0, y: 0 }, params: { rate: 0.2 } },
      { id: 'output', type: 'Dense', position: { x: 0, y: 0 }, params: { units: 2, activation: 'softmax' } },
    ],
    edges: [],
  },
  training: { ...DEFAULT_TRAINING, dataset: 'spirals', learningRate: 0.01, batchSize: 16, epochs: 40 },
};

type TrialData = Pick<SweepTrial, 'values'> & Partial<SweepTrial> & { accuracy?: number; loss?: number };

export function sweepState(spec: Partial<SweepSpec> & Pick<SweepSpec, 'axes'>, trials: readonly TrialData[], task: SweepState['task'] = 'classification'): SweepState {
  return {
    sweepId: 's1',
    name: 'spirals',
    projectPath: null,
    spec: { mode: 'grid', metric: 'auto', parallel: 1, ...spec },
    doc: spiralsDoc,
    task,
    status: 'done',
    createdAt: '2026-12-06T00:00:00.000Z',
    trials: trials.map(({ accuracy, loss, ...t }, index) => ({
      index,
      status: 'done',
      runId: `r${index}`,
      test: accuracy !== undefined || loss !== undefined ? { accuracy: accuracy ?? 0, loss: loss ?? 0 } : null,
      validation: null,
      error: null,
      ...t,
    })),
    best: null,
  };
}
