import type { EarlyStopping } from '../../../shared/graph/document';
import type { Metrics } from '../../../shared/training/events';

/**
 * The best epoch so far on the monitored value (early stopping's monitor and min delta, which
 * the best checkpoint and the epoch events' `best` flag share): loss, or accuracy where asked
 * for and the task has one. An epoch stopped part way never counts.
 */
export class BestEpoch {
  private bestScore = Number.POSITIVE_INFINITY;
  private readonly monitorAccuracy: boolean;
  epoch: number | null = null;

  constructor(
    private readonly settings: Pick<EarlyStopping, 'monitor' | 'minDelta'>,
    task: 'classification' | 'regression' | undefined,
  ) {
    this.monitorAccuracy = settings.monitor === 'val_accuracy' && task !== 'regression';
  }

  /** Whether epoch `epoch`'s monitored metrics beat the best so far by more than the min delta (then they become the best). */
  observe(epoch: number, monitored: Metrics, stopped: boolean): boolean {
    const score = this.monitorAccuracy ? -monitored.accuracy : monitored.loss;
    if (stopped || !(score < this.bestScore - this.settings.minDelta)) return false;
    this.bestScore = score;
    this.epoch = epoch;
    return true;
  }
}
