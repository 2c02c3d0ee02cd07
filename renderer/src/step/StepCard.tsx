import type { LayerActivationView } from '../../../shared/training/activations';
import { FeatureMap, ValueBars } from '../training/Insight';
import { formatValue } from '../training/UPlotChart';
import { cardView, cardViewKey } from './step-plan';
import { useStep } from './step-store';

/** Feature maps shown on a card (the step bar shows all of them). */
const CARD_MAPS = 4;

function OutputThumb({ layer, view }: { layer: string; view: LayerActivationView }) {
  if (view.kind === 'maps') {
    return (
      <div className="step-card__maps" role="list" aria-label={`Output of ${layer}: ${view.channels} feature maps, ${formatValue(view.min)} to ${formatValue(view.max)}`}>
        {view.maps.slice(0, CARD_MAPS).map((m, c) => (
          <FeatureMap key={c} values={m} width={view.width} height={view.height} label={`${layer} feature map ${c + 1}`} />
        ))}
        {view.channels > CARD_MAPS ? <span className="muted small">+{view.channels - CARD_MAPS}</span> : null}
      </div>
    );
  }
  return <ValueBars values={view.values.slice(0, 64)} min={view.min} max={view.max} total={view.total} label={`Output of ${layer}`} width={150} height={20} />;
}

/** What a card shows in step mode: its output once the forward pass reached it, then its gradient norms on the way back. */
export function StepCard({ id }: { id: string }) {
  // The key changes only when this card's view does, so a step re-renders only the cards it touches.
  const key = useStep((s) => (s.open && s.plan && s.trace ? cardViewKey(cardView(s.plan, s.trace, s.step, id)) : ''));
  if (!key) return null;
  const { plan, trace, step } = useStep.getState();
  if (!plan || !trace) return null;
  const v = cardView(plan, trace, step, id);
  if (!v) return null;
  const shown = v.output !== null ? trace.layers[v.output] : undefined;
  return (
    <div className={`step-card${v.current ? ' is-current' : ''}`} data-testid="step-card" data-layer={shown?.layer ?? ''} data-current={v.current}>
      {shown ? <OutputThumb layer={shown.layer} view={shown.output} /> : <span className="muted small">not reached yet</span>}
      {v.inner ? (
        <span className="small step-card__inner">
          inside: {trace.layers[v.inner.layer]?.className} ({v.inner.index} of {v.inner.count})
        </span>
      ) : null}
      {v.gradient ? (
        <span className="small step-card__grad" data-testid="step-gradient" title="L2 norms of the loss's gradient at this card's output and at its weights">
          ‖∇out‖ {v.gradient.output === null ? '—' : formatValue(v.gradient.output)}
          {v.gradient.weights !== null ? ` · ‖∇W‖ ${formatValue(v.gradient.weights)}` : ''}
        </span>
      ) : null}
    </div>
  );
}
