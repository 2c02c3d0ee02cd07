import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { modelGraph } from '../../../shared/graph/analyze-blocks';
import { graphIdentity } from '../../../shared/graph/graph-identity';
import { useEditor, useEditorStore } from '../state/context';
import { SampleImage } from '../training/Evaluation';
import { ActivationView } from '../training/Insight';
import { formatValue } from '../training/UPlotChart';
import { positionAt } from './step-plan';
import { traceExample } from './step-actions';
import { useStep } from './step-store';

const isEditable = (t: EventTarget | null) => t instanceof HTMLElement && (t.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName));

/** The keys of step mode while it is open: arrows step, Home/End jump, Escape leaves. */
function useStepKeys(): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const s = useStep.getState();
      if (!s.open || e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.key === 'Escape') {
        s.setOpen(false);
        return;
      }
      if (isEditable(e.target) || !s.plan) return;
      const to = e.key === 'ArrowRight' ? s.step + 1 : e.key === 'ArrowLeft' ? s.step - 1 : e.key === 'Home' ? 0 : e.key === 'End' ? s.plan.steps - 1 : null;
      if (to === null) return;
      // Before React Flow's own arrow keys (which would move a focused card).
      e.preventDefault();
      e.stopPropagation();
      s.go(to);
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, []);
}

/**
 * The right panel in step mode: the example picker, the step controls and the current
 * layer in full (all its feature maps, or its gradient norms). The inspector otherwise.
 */
export function StepPanelOr({ children }: { children: ReactNode }) {
  const open = useStep((s) => s.open);
  useStepKeys();
  if (!open) return children;
  return (
    <aside className="inspector step-panel" aria-label="Step mode">
      <StepBarBody />
    </aside>
  );
}

function StepBarBody() {
  const store = useEditorStore();
  const { status, message, run, trace, plan, step, example, identity } = useStep();
  const graph = useEditor((s) => s.doc.graph);
  const blocks = useEditor((s) => s.doc.blocks);
  const [index, setIndex] = useState(String(example));
  useEffect(() => setIndex(String(example)), [example]);

  // An edit that changes the model ends the stepping: the cards would no longer match the run.
  const current = useMemo(() => graphIdentity(modelGraph({ graph, blocks })), [graph, blocks]);
  useEffect(() => {
    if (identity !== null && current !== identity && useStep.getState().trace) {
      useStep.getState().setRun(null, null);
      useStep.getState().setStatus('error', 'The graph changed, so the run no longer matches the canvas. Train it again, then step through.');
    }
  }, [current, identity]);

  const go = (i: number) => {
    const n = run?.testSize ?? null;
    const clamped = Math.max(0, n !== null ? Math.min(n - 1, i) : i);
    void traceExample(store.getState().doc, clamped);
  };
  const pos = plan ? positionAt(plan, step) : null;
  const layer = pos && trace ? trace.layers[pos.layer] : undefined;
  const prediction = trace?.prediction;
  const busy = status === 'finding' || status === 'loading';

  return (
    <section className="step-bar inspector__section" aria-label="Step through one example" data-testid="step-bar">
      <header className="step-bar__head">
        <h2 className="panel-title">Step through one example</h2>
        <span className="step-bar__spacer" />
        <button type="button" className="btn btn--small" onClick={() => useStep.getState().setOpen(false)} aria-label="Close step mode" title="Leave step mode (Escape)">
          ×
        </button>
      </header>
      {run ? <p className="muted small">With the saved model of run {run.runId}. ← → step, Home and End jump, Escape leaves.</p> : null}
      {status === 'finding' ? <p className="muted small">Looking for a run of this graph…</p> : null}
      {message ? (
        <p className="error-text small" role="alert">
          {message}
        </p>
      ) : null}
      {run ? (
        <div className="step-bar__row">
          <form
            className="step-bar__example"
            onSubmit={(e) => {
              e.preventDefault();
              go(Math.floor(Number(index) || 0));
            }}
          >
            <label className="field field--inline">
              <span>Test example</span>
              <input type="number" min={0} max={run.testSize !== null ? run.testSize - 1 : undefined} step={1} value={index} onChange={(e) => setIndex(e.target.value)} />
            </label>
            <button type="submit" className="btn btn--small" disabled={busy}>
              {status === 'loading' ? 'Tracing…' : 'Go'}
            </button>
            <button type="button" className="btn btn--small" disabled={busy || run.testSize === null} onClick={() => go(Math.floor(Math.random() * (run.testSize ?? 1)))}>
              Random
            </button>
          </form>
          {trace ? (
            <div className="step-bar__example-info small" data-testid="step-example">
              {trace.sample?.kind === 'image' ? <SampleImage sample={trace.sample} scale={1} label={`Test example ${trace.sampleIndex}`} /> : null}
              <span>
                Example {trace.sampleIndex} of {trace.testSize}
                {trace.label !== null ? ` · class ${trace.label}` : ''}
                {prediction?.task === 'classification'
                  ? ` · predicted ${prediction.classNames[prediction.predicted] ?? prediction.predicted} (${((prediction.probabilities[prediction.predicted] ?? 0) * 100).toFixed(1)}%)`
                  : prediction
                    ? ` · predicted ${prediction.values.map((v) => formatValue(v)).join(', ')}`
                    : ''}{' '}
                · loss {formatValue(trace.loss.value)}
                {trace.loss.against === 'predicted' ? ' (against the predicted class)' : ''}
              </span>
            </div>
          ) : null}
        </div>
      ) : null}
      {plan && pos && layer ? (
        <>
          <div className="step-bar__row" role="toolbar" aria-label="Step controls">
            <button type="button" className="btn btn--small" onClick={() => useStep.getState().go(0)} disabled={step === 0} title="First step (Home)">
              Start
            </button>
            <button type="button" className="btn btn--small" onClick={() => useStep.getState().go(step - 1)} disabled={step === 0} title="Step back (←)">
              ◀ Back
            </button>
            <button type="button" className="btn btn--small btn--primary" onClick={() => useStep.getState().go(step + 1)} disabled={step === plan.steps - 1} title="Next step (→)">
              Next ▶
            </button>
            <button type="button" className="btn btn--small" onClick={() => useStep.getState().go(plan.steps - 1)} disabled={step === plan.steps - 1} title="Last step (End)">
              End
            </button>
            <span className="small" role="status" aria-live="polite" data-testid="step-position" data-phase={pos.phase} data-layer={layer.layer}>
              {pos.phase === 'forward' ? 'Forward' : 'Backward'} {pos.ordinal} / {plan.layers}: <strong>{layer.layer}</strong> <span className="muted">{layer.className === 'InputLayer' ? 'Input' : layer.className} · [{layer.shape.join('×')}]</span>
            </span>
          </div>
          <div className="step-bar__detail" data-testid="step-detail">
            {pos.phase === 'forward' ? (
              <ActivationView layer={layer.layer} view={layer.output} />
            ) : (
              <dl className="step-bar__grads">
                <div className="step-bar__grad">
                  <dt>‖∂loss/∂output‖</dt>
                  <dd data-testid="step-output-gradient">{layer.gradientNorm === null ? '— (token ids are not differentiable)' : formatValue(layer.gradientNorm)}</dd>
                </div>
                {layer.weightGradients.map((w) => (
                  <div key={w.name} className="step-bar__grad">
                    <dt>
                      ‖∂loss/∂{w.name}‖ <span className="muted">[{w.shape.join('×')}]</span>
                    </dt>
                    <dd>{formatValue(w.norm)}</dd>
                  </div>
                ))}
                {layer.weightGradients.length === 0 ? <p className="muted small">No trainable weights in this layer.</p> : null}
              </dl>
            )}
          </div>
        </>
      ) : null}
    </section>
  );
}
