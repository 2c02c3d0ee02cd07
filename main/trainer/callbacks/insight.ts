import type { EpochInsight } from '../../../shared/training/insight';
import type { TrainingCallback, TrainingContext } from './callback';

/** A run's per-layer insight (layer-insight.ts `createRunInsight`): histograms after each epoch. */
export interface RunInsight {
  record(epoch: number): EpochInsight | null;
  dispose(): void;
}

/** After each epoch, the layers' histograms as an `insight` event (none where insight gave up); frees the probe at the end. */
export function createInsightCallback(insight: RunInsight, context: Pick<TrainingContext, 'runId' | 'emit'>): TrainingCallback {
  return {
    onEpochEnd({ epoch }) {
      const layers = insight.record(epoch);
      if (layers) context.emit({ type: 'insight', runId: context.runId, ...layers });
    },
    dispose: () => insight.dispose(),
  };
}
