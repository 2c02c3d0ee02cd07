import { create } from 'zustand';

interface CompareRequest {
  readonly runIds: readonly string[];
  /** Bumped by each request. */
  readonly serial: number;
  request(runIds: readonly string[]): void;
  /** The runs of a request not yet taken, once (null: none waiting). */
  take(): readonly string[] | null;
}

/** A request to compare runs in the Runs tab (from a sweep's results): the runs to tick and compare. */
export const useCompareRequest = create<CompareRequest & { readonly taken: number }>()((set, get) => ({
  runIds: [],
  serial: 0,
  taken: 0,
  request: (runIds) => set({ runIds, serial: get().serial + 1 }),
  take: () => {
    const { serial, taken, runIds } = get();
    if (serial === taken) return null;
    set({ taken: serial });
    return runIds;
  },
}));
