import { create } from 'zustand';

/** Bumped whenever runs were renamed or moved, so that lists of runs read them again. */
export const useRunsRevision = create<{ readonly revision: number; bump(): void }>()((set, get) => ({
  revision: 0,
  bump: () => set({ revision: get().revision + 1 }),
}));
