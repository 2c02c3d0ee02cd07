import type { LrSchedule, TrainingSettings } from '../../shared/graph/document';
import type { AppliedChange, RunChange } from '../../shared/training/control';
import { assertNever } from '../../shared/layers/params';
import { createSchedule, type Schedule } from './optimizers';

export interface LiveControlOptions {
  readonly settings: Pick<TrainingSettings, 'learningRate' | 'lrSchedule' | 'earlyStopping'>;
  readonly batchesPerEpoch: number;
  readonly epochs: number;
  /** Changes asked for since the last call (live: the trainer's message queue). */
  readonly take?: () => readonly RunChange[];
  /** Changes of an earlier run to make again at the same steps (replay). */
  readonly replay?: readonly AppliedChange[];
  /** Saves the weights now; returns the folder, relative to the run folder. */
  readonly checkpoint: (step: number) => Promise<string>;
  /** Told of each change as it takes effect. */
  readonly applied: (change: AppliedChange) => void;
  readonly now?: () => Date;
}

/**
 * The part of a run that can change while it trains: the learning-rate schedule, the number of
 * epochs, "stop after this epoch" and early stopping. `poll` applies pending changes; the training
 * loop calls it before every batch (and before deciding whether another epoch runs), so a change
 * takes effect at the next batch and a replayed change at exactly the step it was first made.
 */
export class LiveControl {
  private schedule: Schedule;
  /** Global step where the schedule in use started (0: the run's own). */
  private scheduleStart = 0;
  private scheduleKind: LrSchedule;
  private replayAt = 0;
  epochs: number;
  stopAfterEpoch = false;
  earlyStopping: boolean;
  readonly history: AppliedChange[] = [];

  constructor(private readonly o: LiveControlOptions) {
    this.epochs = o.epochs;
    this.earlyStopping = o.settings.earlyStopping.enabled;
    this.scheduleKind = o.settings.lrSchedule;
    this.schedule = createSchedule(o.settings.lrSchedule, o.settings.learningRate, o.batchesPerEpoch, Math.max(1, o.epochs));
  }

  /** The learning rate for global step `step` (batch `batch` of epoch `epoch`). */
  learningRateAt(step: number, epoch: number, batch: number): number {
    if (this.scheduleStart === 0) return this.schedule.at(epoch, batch);
    const local = step - this.scheduleStart;
    const bpe = Math.max(1, this.o.batchesPerEpoch);
    return this.schedule.at(Math.floor(local / bpe), local % bpe);
  }

  /** An epoch's monitored loss (reduce-on-plateau). */
  endEpoch(loss: number): void {
    this.schedule.endEpoch(loss);
  }

  /** Applies the changes due before step `step` (batch `batch` of epoch `epoch`): replayed ones of this step, then live ones. */
  async poll(step: number, epoch: number, batch: number): Promise<void> {
    const due: RunChange[] = [];
    const replay = this.o.replay ?? [];
    while (this.replayAt < replay.length && (replay[this.replayAt] as AppliedChange).step <= step) {
      due.push((replay[this.replayAt++] as AppliedChange).change);
    }
    due.push(...(this.o.take?.() ?? []));
    for (const change of due) await this.apply(change, step, epoch, batch);
  }

  private async apply(change: RunChange, step: number, epoch: number, batch: number): Promise<void> {
    let applied: RunChange = change;
    let checkpoint: string | undefined;
    switch (change.kind) {
      case 'learningRate': {
        const kind = change.schedule ?? this.scheduleKind;
        this.scheduleKind = kind;
        this.scheduleStart = step;
        const epochsLeft = Math.max(1, this.epochs - epoch);
        this.schedule = createSchedule(kind, change.learningRate, this.o.batchesPerEpoch, epochsLeft);
        // Recorded with the schedule it switched to, so a replay does not depend on what ran before.
        applied = { kind: 'learningRate', learningRate: change.learningRate, schedule: kind };
        if (step === 0) this.scheduleStart = 0;
        break;
      }
      case 'epochs':
        // Never fewer than the epoch under way (batch 0 of epoch e: e epochs are done).
        this.epochs = Math.max(change.epochs, batch === 0 ? Math.max(1, epoch) : epoch + 1);
        applied = { kind: 'epochs', epochs: this.epochs };
        break;
      case 'stopAfterEpoch':
        this.stopAfterEpoch = change.enabled;
        break;
      case 'earlyStopping':
        this.earlyStopping = change.enabled;
        break;
      case 'checkpoint':
        checkpoint = await this.o.checkpoint(step);
        break;
      default:
        assertNever(change);
    }
    const record: AppliedChange = {
      step,
      epoch,
      batch,
      change: applied,
      at: (this.o.now?.() ?? new Date()).toISOString(),
      ...(checkpoint ? { checkpoint } : {}),
    };
    this.history.push(record);
    this.o.applied(record);
  }
}
