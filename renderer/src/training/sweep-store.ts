import { useEffect } from 'react';
import { create } from 'zustand';
import type { SweepState } from '../../../shared/training/sweep';
import { getApi } from '../platform';
import { useEditor } from '../state/context';
import { errorText } from '../state/ui';
import { useRunsRevision } from './runs-revision';

/** The open project's sweeps (newest first), the one shown, and each training run's epoch. */
interface SweepsState {
  readonly dialogOpen: boolean;
  readonly sweeps: readonly SweepState[];
  readonly shownId: string | null;
  /** Epochs done / planned of each sweep run that trains now, by run id. */
  readonly epochs: Readonly<Record<string, { readonly done: number; readonly total: number }>>;
  readonly listError: string | null;
  /** Whose sweeps these are: `projectPath`, or the unsaved project's draft id. */
  readonly owner: string;
  openDialog(): void;
  closeDialog(): void;
  setList(owner: string, sweeps: readonly SweepState[]): void;
  setListError(message: string | null): void;
  /** A sweep's new state (started, or from an event), if it is this project's. */
  upsert(state: SweepState): void;
  show(sweepId: string): void;
  runEpoch(runId: string, done: number, total: number | null): void;
}

export const ownerKey = (projectPath: string | null, draftId: string): string => (projectPath ? `path:${projectPath}` : `draft:${draftId}`);
const ownerOf = (s: SweepState): string => (s.projectPath ? `path:${s.projectPath}` : `draft:${s.draft ?? ''}`);

export const useSweeps = create<SweepsState>()((set, get) => ({
  dialogOpen: false,
  sweeps: [],
  shownId: null,
  epochs: {},
  listError: null,
  owner: '',
  openDialog: () => set({ dialogOpen: true }),
  closeDialog: () => set({ dialogOpen: false }),
  setList: (owner, sweeps) => set({ owner, sweeps, listError: null, shownId: sweeps.some((s) => s.sweepId === get().shownId) && owner === get().owner ? get().shownId : (sweeps[0]?.sweepId ?? null) }),
  setListError: (listError) => set({ listError }),
  upsert: (state) => {
    if (ownerOf(state) !== get().owner) return;
    const others = get().sweeps.filter((s) => s.sweepId !== state.sweepId);
    const sweeps = [...others, state].sort((a, b) => (a.sweepId < b.sweepId ? 1 : a.sweepId > b.sweepId ? -1 : 0));
    set({ sweeps, shownId: get().shownId ?? state.sweepId });
  },
  show: (shownId) => set({ shownId }),
  runEpoch: (runId, done, total) => {
    const prev = get().epochs[runId];
    set({ epochs: { ...get().epochs, [runId]: { done, total: total ?? prev?.total ?? 0 } } });
  },
}));

/** The sweep shown in the Sweeps tab. */
export function useShownSweep(): SweepState | null {
  return useSweeps((s) => s.sweeps.find((x) => x.sweepId === s.shownId) ?? null);
}

/** Keeps the open project's sweeps current: listed when the project changes, updated by events. */
export function useSweepSync(): void {
  const projectPath = useEditor((s) => s.filePath);
  const draftId = useEditor((s) => s.draftId);
  // Runs moved (an unsaved project saved): its sweeps moved with them.
  const revision = useRunsRevision((s) => s.revision);
  useEffect(() => {
    const owner = ownerKey(projectPath, draftId);
    let live = true;
    if (useSweeps.getState().owner !== owner) useSweeps.getState().setList(owner, []);
    getApi()
      .call('sweep.list', { projectPath, ...(projectPath ? {} : { draft: draftId }) })
      .then((sweeps) => {
        if (!live) return;
        // Events that came meanwhile are newer than the listing.
        const known = new Map(useSweeps.getState().sweeps.map((s) => [s.sweepId, s]));
        useSweeps.getState().setList(
          owner,
          sweeps.map((s) => known.get(s.sweepId) ?? s),
        );
      })
      .catch((e: unknown) => {
        if (live) useSweeps.getState().setListError(`Could not list the sweeps: ${errorText(e)}`);
      });
    return () => {
      live = false;
    };
  }, [projectPath, draftId, revision]);
  useEffect(() => getApi().on('sweep.event', (state) => useSweeps.getState().upsert(state)), []);
  useEffect(
    () =>
      getApi().on('training.event', (ev) => {
        // Every run's (a sweep's run may start before the sweep's event names it).
        if (ev.type === 'started') useSweeps.getState().runEpoch(ev.runId, 0, ev.epochs);
        else if (ev.type === 'epoch') useSweeps.getState().runEpoch(ev.runId, ev.epoch + 1, null);
      }),
    [],
  );
}
