import type { ProjectDoc } from '../../shared/graph/document';
import { formatSweepValue, rankingMetric, type SweepSpec, type SweepState, type SweepTrial } from '../../shared/training/sweep';
import type { BackendService } from '../services/backend';

export interface SweepRunOptions {
  readonly backend: BackendService;
  readonly projectPath: string;
  /** A new sweep of `doc`, or the sweep to resume. */
  readonly start: { readonly doc: ProjectDoc; readonly spec: SweepSpec } | { readonly resume: string };
  readonly json: boolean;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

type Line = Record<string, unknown>;

/** What `sweep --json` ends with: every run with its values and test metrics, and the best run. */
export function sweepDoneLine(state: SweepState): Line {
  const best = state.best === null ? null : (state.trials[state.best]?.runId ?? null);
  return {
    event: 'sweep-done',
    sweepId: state.sweepId,
    status: state.status,
    metric: rankName(state),
    runs: state.trials.map((t) => ({
      runId: t.runId,
      trial: t.index,
      status: t.status,
      settings: t.values,
      test: t.test,
      ...(t.error ? { error: t.error } : {}),
    })),
    best,
  };
}

function rankName(state: SweepState): string {
  const r = rankingMetric(state.spec.metric, state.task);
  return `${r.set}.${r.name}`;
}

const values = (t: SweepTrial) =>
  Object.entries(t.values)
    .map(([k, v]) => `${k}=${formatSweepValue(v)}`)
    .join(' ');

/**
 * Runs a sweep through the back end and reports it: with `json` one object per line
 * (`sweep-started`, `run-started`, `run-done` / `run-failed`, then `sweep-done`), else a
 * line per run and a ranked table. Ctrl-C stops it (resumable). Exit code 0 when a run finished.
 */
export async function runSweep(o: SweepRunOptions): Promise<number> {
  const out = (line: Line) => o.stdout(`${JSON.stringify(line)}\n`);
  const reported = new Map<number, SweepTrial['status']>();
  let sweepId: string | null = null;
  let interrupted = false;
  const report = (state: SweepState) => {
    for (const t of state.trials) {
      const was = reported.get(t.index);
      if (was === t.status) continue;
      reported.set(t.index, t.status);
      if (t.status === 'running' && t.runId) {
        if (o.json) out({ event: 'run-started', trial: t.index, runId: t.runId, settings: t.values });
        else o.stdout(`Run ${t.index + 1}/${state.trials.length} (${t.runId}): ${values(t)}\n`);
      } else if (t.status === 'running') {
        reported.delete(t.index); // Reported once its run id is known.
      } else if (t.status === 'done') {
        if (o.json) out({ event: 'run-done', trial: t.index, runId: t.runId, settings: t.values, test: t.test });
        else o.stdout(`  run ${t.index + 1} done: ${t.test ? `test accuracy ${(t.test.accuracy * 100).toFixed(2)}%, loss ${t.test.loss.toFixed(4)}` : 'no test result'}\n`);
      } else if (t.status === 'error') {
        if (o.json) out({ event: 'run-failed', trial: t.index, runId: t.runId, settings: t.values, error: t.error });
        else o.stdout(`  run ${t.index + 1} failed: ${t.error ?? 'unknown error'}\n`);
      }
    }
  };
  const end = new Promise<SweepState>((resolve) => {
    o.backend.onEvent((name, payload) => {
      if (name !== 'sweep.event') return;
      const state = payload as SweepState;
      // Until the sweep's id is known its start answer reports for it (in order after "sweep-started").
      if (sweepId === null || state.sweepId !== sweepId) return;
      report(state);
      if (state.status !== 'running' && !busy(state)) resolve(state);
    });
  });
  const onSigint = () => {
    if (sweepId && !interrupted) {
      interrupted = true;
      if (!o.json) o.stderr('\nStopping the sweep after its runs stop (Ctrl-C again to quit at once)...\n');
      void o.backend.handle('sweep.stop', { projectPath: o.projectPath, sweepId });
    } else {
      void o.backend.dispose().then(() => process.exit(130));
    }
  };
  process.on('SIGINT', onSigint);
  try {
    const first = (
      'resume' in o.start
        ? await o.backend.handle('sweep.resume', { projectPath: o.projectPath, sweepId: o.start.resume })
        : await o.backend.handle('sweep.start', { doc: o.start.doc, projectPath: o.projectPath, spec: o.start.spec })
    ) as SweepState;
    sweepId = first.sweepId;
    const pending = first.trials.filter((t) => t.status !== 'done' && t.status !== 'error').length;
    if (o.json) out({ event: 'sweep-started', sweepId, runs: first.trials.length, toTrain: pending, metric: rankName(first), parallel: first.spec.parallel });
    else o.stdout(`Sweep ${sweepId}: ${first.trials.length} run(s), ${pending} to train, ${first.spec.parallel} at a time, ranked by ${rankName(first)}\n`);
    report(first);
    const last = first.status !== 'running' && !busy(first) ? first : await end;
    if (o.json) out(sweepDoneLine(last));
    else printTable(o, last);
    if (last.status === 'stopped') {
      o.stderr(`netwright: the sweep was stopped; resume it with: netwright sweep ${JSON.stringify(o.projectPath)} --resume ${last.sweepId}\n`);
      return 130;
    }
    return last.trials.some((t) => t.status === 'done') ? 0 : 1;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

function busy(state: SweepState): boolean {
  return state.trials.some((t) => t.status === 'running');
}

function printTable(o: SweepRunOptions, state: SweepState): void {
  const rank = rankName(state);
  o.stdout(`\nRuns ranked by ${rank} (best first):\n`);
  const ordered = [...state.trials].sort((a, b) => {
    const r = rankingMetric(state.spec.metric, state.task);
    const score = (t: SweepTrial) => (r.set === 'test' ? t.test : t.validation)?.[r.name];
    const sa = score(a);
    const sb = score(b);
    if (sa === undefined && sb === undefined) return a.index - b.index;
    if (sa === undefined) return 1;
    if (sb === undefined) return -1;
    return r.higher ? sb - sa : sa - sb;
  });
  for (const t of ordered) {
    const best = state.best === t.index ? '*' : ' ';
    const result = t.test ? `accuracy ${(t.test.accuracy * 100).toFixed(2)}%  loss ${t.test.loss.toFixed(4)}` : t.status === 'error' ? `failed: ${t.error ?? ''}` : t.status;
    o.stdout(`${best} ${t.runId ?? '(not run)'}  ${values(t)}  ${result}\n`);
  }
  const best = state.best === null ? null : state.trials[state.best];
  o.stdout(best ? `Best: ${best.runId} (${values(best)})\n` : 'No run finished.\n');
}
