import { create } from 'zustand';

export const DASHBOARD_TABS = [
  ['curves', 'Curves'],
  ['evaluation', 'Evaluation'],
  ['runs', 'Runs'],
  ['sweeps', 'Sweeps'],
  ['try', 'Try it'],
  ['boundary', 'Decision boundary'],
  ['insight', 'Layer insight'],
] as const;
export type DashboardTab = (typeof DASHBOARD_TABS)[number][0];

/** The dashboard's open tab: a store, so that a sweep started from its dialog can show its tab. */
export const useDashboardTab = create<{ readonly tab: DashboardTab; setTab(tab: DashboardTab): void }>()((set) => ({
  tab: 'curves',
  setTab: (tab) => set({ tab }),
}));
