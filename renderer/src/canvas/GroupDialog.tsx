import { useEffect, useId, useRef, useState } from 'react';
import { useCanvasUi } from '../state/canvas-ui';
import { useEditorStore } from '../state/context';

/** Asks the new block's name, then groups the selected layers into it (one undo step). */
export function GroupDialog() {
  const open = useCanvasUi((s) => s.groupDialog);
  const store = useEditorStore();
  const titleId = useId();
  const field = useRef<HTMLInputElement>(null);
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!open) return;
    setName(`Block ${(store.getState().doc.blocks?.length ?? 0) + 1}`);
    setError(null);
    requestAnimationFrame(() => field.current?.select());
  }, [open, store]);
  if (!open) return null;
  const close = () => useCanvasUi.getState().setGroupDialog(false);
  const submit = () => {
    const r = store.getState().groupSelection(name);
    if (r.ok) close();
    else setError(r.reason);
  };
  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && close()}>
      <form
        className="modal"
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.preventDefault();
            e.stopPropagation();
            close();
          }
        }}
      >
        <h2 id={titleId} className="modal__title">
          Group into block
        </h2>
        <p>The selected layers become one block node; connections into and out of the selection become its inputs and output.</p>
        <label className="field">
          <span>Block name</span>
          <input ref={field} className="input" value={name} maxLength={100} onChange={(e) => setName(e.target.value)} aria-label="Block name" />
        </label>
        {error ? (
          <p role="alert" className="error-text">
            {error}
          </p>
        ) : null}
        <div className="modal__actions">
          <button type="button" className="btn" onClick={close}>
            Cancel
          </button>
          <button type="submit" className="btn btn--primary">
            Group
          </button>
        </div>
      </form>
    </div>
  );
}
