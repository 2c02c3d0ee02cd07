import { useId } from 'react';
import { useUi } from '../state/ui';

/** The in-app "are you sure" (no native confirm: it blocks and test drivers dismiss it). */
export function ConfirmDialog() {
  const request = useUi((s) => s.confirm);
  const titleId = useId();
  const textId = useId();
  if (!request) return null;
  return (
    <div className="modal-backdrop">
      <div
        className="modal"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={textId}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.stopPropagation();
            request.answer(false);
          }
        }}
      >
        <h2 id={titleId} className="modal__title">
          {request.title}
        </h2>
        <p id={textId}>{request.text}</p>
        <div className="modal__actions">
          <button type="button" className="btn" autoFocus onClick={() => request.answer(false)}>
            Cancel
          </button>
          <button type="button" className="btn btn--danger" onClick={() => request.answer(true)}>
            {request.confirmLabel}
          </button>
        </div>
      </div>
    </div>
  );
}
