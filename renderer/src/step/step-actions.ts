import type { ProjectDoc } from '../../../shared/graph/document';
import { modelGraph } from '../../../shared/graph/analyze-blocks';
import { expandBlocks } from '../../../shared/graph/expand-blocks';
import { graphIdentity } from '../../../shared/graph/graph-identity';
import { getApi } from '../platform';
import { errorText } from '../state/ui';
import { stepPlan } from './step-plan';
import { useStep } from './step-store';
import type { Workbench } from '../state/workbench';

/** Runs looked at (newest first) for one trained on the canvas's graph. */
const RUNS_LOOKED_AT = 10;

/**
 * Finds the newest run with a saved model whose graph is the canvas's graph (ids, types,
 * parameters and connections the same), then traces the chosen example through it.
 */
export async function openStepMode(doc: ProjectDoc, projectPath: string | null): Promise<void> {
  const s = useStep.getState();
  s.setOpen(true);
  s.setStatus('finding');
  const identity = graphIdentity(modelGraph(doc));
  try {
    const runs = (await getApi().call('runs.list', { projectPath })).filter((r) => r.hasModel && r.status !== 'running').slice(0, RUNS_LOOKED_AT);
    for (const r of runs) {
      const record = await getApi().call('runs.get', { projectPath, runId: r.runId });
      if (!useStep.getState().open) return;
      if (graphIdentity(record.graph) === identity) {
        useStep.getState().setRun({ runId: r.runId, projectPath, testSize: null }, identity);
        await traceExample(doc, useStep.getState().example);
        return;
      }
    }
    if (!useStep.getState().open) return;
    useStep
      .getState()
      .setStatus(
        'error',
        runs.length === 0
          ? 'Step mode runs an example through a trained model: train this graph first (Train, top right).'
          : 'No finished run has this graph: it changed since the last training. Train it again to step through it.',
      );
  } catch (e) {
    if (useStep.getState().open) useStep.getState().setStatus('error', `Could not look for a run of this graph: ${errorText(e)}`);
  }
}

/** Traces test example `index` through the step run; cards map by the canvas's own block expansion. */
export async function traceExample(doc: ProjectDoc, index: number): Promise<void> {
  const st = useStep.getState();
  const run = st.run;
  if (!run) return;
  st.setExample(index);
  st.setStatus('loading');
  try {
    const trace = await getApi().call('runs.trace', { projectPath: run.projectPath, runId: run.runId, sampleIndex: index });
    const now = useStep.getState();
    if (!now.open || now.run?.runId !== run.runId || now.example !== index) return;
    const owners = expandBlocks(doc.graph, doc.blocks ?? []).ownerOf;
    now.setTrace(trace, stepPlan(trace, (id) => owners.get(id)));
  } catch (e) {
    if (useStep.getState().open) useStep.getState().setStatus('error', `Could not step through example ${index}: ${errorText(e)}`);
  }
}

/** Step mode on or off (the toolbar's "Step through" and Shift+S). */
export function toggleStepMode({ editor, training }: Workbench): void {
  if (useStep.getState().open) {
    useStep.getState().setOpen(false);
    return;
  }
  const s = editor.getState();
  void openStepMode(s.doc, training.getState().run.started?.projectPath ?? s.filePath);
}
