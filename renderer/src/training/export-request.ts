import { create } from 'zustand';

/** "Export…" asked for from outside the dashboard (the desktop app's File menu): the dashboard answers each new request. */
export const useExportRequest = create<{ readonly requests: number; request(): void }>()((set, get) => ({
  requests: 0,
  request: () => set({ requests: get().requests + 1 }),
}));
