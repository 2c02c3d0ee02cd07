import { create } from 'zustand';
import type { Trace } from '../../../shared/training/explain';
import { clampStep, type StepPlan } from './step-plan';

/** Step mode (issue 19): one example stepped through the canvas's model, forward then backward. Not part of the document. */
export interface StepState {
  readonly open: boolean;
  /** finding: looking for a run of this graph; loading: the trainer traces the example. */
  readonly status: 'idle' | 'finding' | 'loading' | 'ready' | 'error';
  /** Why there is nothing to step through, or what failed. */
  readonly message: string | null;
  /** The run whose saved model is stepped through. */
  readonly run: { readonly runId: string; readonly projectPath: string | null; readonly testSize: number | null } | null;
  readonly trace: Trace | null;
  readonly plan: StepPlan | null;
  /** The graph identity the run was trained on (the canvas must still show it). */
  readonly identity: string | null;
  readonly step: number;
  readonly example: number;
  setOpen(open: boolean): void;
  setStatus(status: StepState['status'], message?: string | null): void;
  setRun(run: StepState['run'], identity: string | null): void;
  setExample(example: number): void;
  setTrace(trace: Trace, plan: StepPlan): void;
  go(step: number): void;
}

const empty = { status: 'idle' as const, message: null, run: null, trace: null, plan: null, identity: null, step: 0 };

export const useStep = create<StepState>()((set, get) => ({
  open: false,
  example: 0,
  ...empty,
  setOpen: (open) => set(open ? { open, ...empty } : { open, ...empty }),
  setStatus: (status, message = null) => set({ status, message }),
  setRun: (run, identity) => set({ run, identity, trace: null, plan: null, step: 0 }),
  setExample: (example) => set({ example }),
  setTrace: (trace, plan) => set({ trace, plan, step: 0, status: 'ready', message: null, run: get().run ? { ...(get().run as NonNullable<StepState['run']>), testSize: trace.testSize } : null }),
  go: (step) => {
    const plan = get().plan;
    if (plan) set({ step: clampStep(plan, step) });
  },
}));
