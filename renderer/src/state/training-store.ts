import { createStore, type StoreApi } from 'zustand/vanilla';
import type { TrainEvent } from '../../../shared/training/events';
import type { RunRecordData } from '../../../shared/training/runs';
import { idleTraining, isActive, loadedTraining, reattachedTraining, reduceTraining, startingTraining, type TrainingState } from './training';

/**
 * The run the dashboard shows: live progress, curves, test results. Not part of the document
 * and never undone; it is emptied whenever another document opens (see `createWorkbench`).
 */
export interface TrainingStoreState {
  readonly run: TrainingState;
  /** A run is being asked for; `projectPath`: the open project's file (null while unsaved). */
  starting(projectPath: string | null): void;
  started(runId: string, name?: string): void;
  /** Shows a finished run from its record (a reopened project's last run), unless a run is already shown. */
  loaded(record: RunRecordData, projectPath: string | null): void;
  /** The shown run's folder moved beside the project saved at `projectPath` (runs.adopt moved `runIds`). */
  runsMoved(projectPath: string, runIds: readonly string[]): void;
  failed(message: string): void;
  stopRequested(): void;
  paused(paused: boolean): void;
  applyEvent(event: TrainEvent): void;
  /** Adopts a run that trains without this UI having started it (after a reload); ignored while a run is shown. */
  reattach(run: { runId: string; paused: boolean; events: readonly TrainEvent[] }): void;
  /** Back to an empty dashboard (another document opened). */
  clear(): void;
}

export type TrainingStore = StoreApi<TrainingStoreState>;

export function createTrainingStore(): TrainingStore {
  return createStore<TrainingStoreState>()((set, get) => {
    /** Sets the run when it changed (an unchanged state notifies no one). */
    const update = (next: TrainingState) => {
      if (next !== get().run) set({ run: next });
    };
    return {
      run: idleTraining(),

      starting(projectPath) {
        set({ run: startingTraining(projectPath) });
      },

      started(runId, name) {
        const t = get().run;
        if (t.runId === null && t.status === 'starting') update({ ...t, runId, name: name ?? null });
        else if (t.runId === runId && name !== undefined && t.name !== name) update({ ...t, name });
      },

      loaded(record, projectPath) {
        if (get().run.status === 'idle') update(loadedTraining(record, projectPath));
      },

      runsMoved(projectPath, runIds) {
        const t = get().run;
        if (t.runId !== null && t.projectPath === null && runIds.includes(t.runId)) update({ ...t, projectPath });
      },

      failed(message) {
        update({ ...get().run, status: 'error', error: message });
      },

      stopRequested() {
        update({ ...get().run, stopRequested: true });
      },

      paused(paused) {
        const t = get().run;
        if (t.paused !== paused) update({ ...t, paused });
      },

      applyEvent(event) {
        update(reduceTraining(get().run, event));
      },

      reattach(run) {
        if (!isActive(get().run)) update(reattachedTraining(run.runId, run.paused, run.events));
      },

      clear() {
        set({ run: idleTraining() });
      },
    };
  });
}
