import { useEditor } from '../state/context';
import { backboneFor, useBackbone } from '../training/backbone';

/** On the canvas while a run is the project's backbone: which, what training does with it, and a way out. */
export function BackboneBar() {
  const chosen = useBackbone((s) => s.backbone);
  const filePath = useEditor((s) => s.filePath);
  const draftId = useEditor((s) => s.draftId);
  const backbone = backboneFor({ filePath, draftId }, chosen);
  if (!backbone) return null;
  return (
    <div
      className="backbone-bar"
      role="status"
      aria-label="Backbone"
      data-testid="backbone-bar"
      title="Training loads this run's weights into every layer that still matches (same card, same weight shapes); new layers start fresh. Cut the head from a card's ⋯ menu, add new layers, freeze what should stay."
    >
      <span className="backbone-bar__text">
        Backbone: <strong>{backbone.name}</strong> · matching layers start from its weights
      </span>
      <button type="button" className="btn btn--small" onClick={() => useBackbone.getState().set(null)} title="Train from fresh weights again">
        Stop using
      </button>
    </div>
  );
}
