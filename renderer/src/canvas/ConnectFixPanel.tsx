import { useEffect } from 'react';
import { useEditorStore } from '../state/context';
import { useCanvasUi } from '../state/canvas-ui';

/**
 * Why a connection was refused, with the one-click ways to make it anyway (a channel on the
 * Input, or a Reshape between): stays until a fix is chosen, it is dismissed, or the graph changes.
 */
export function ConnectFixPanel() {
  const store = useEditorStore();
  const offer = useCanvasUi((s) => s.connectFix);

  // An edit elsewhere makes the offer stale.
  useEffect(() => {
    if (!offer) return;
    const doc = store.getState().doc;
    return store.subscribe((s) => {
      if (s.doc !== doc) useCanvasUi.getState().setConnectFix(null);
    });
  }, [offer, store]);

  if (!offer) return null;
  const close = () => useCanvasUi.getState().setConnectFix(null);
  return (
    <div className="connect-fix" role="alertdialog" aria-label="Connection refused" data-testid="connect-fix" onKeyDown={(e) => e.key === 'Escape' && close()}>
      <p className="connect-fix__why">Can’t connect: {offer.message}</p>
      <div className="connect-fix__actions">
        {offer.fixes.map((fix, i) => (
          <button
            key={fix.kind}
            type="button"
            className={`btn btn--small${i === 0 ? ' btn--primary' : ''}`}
            autoFocus={i === 0}
            onClick={() => {
              close();
              store.getState().applyConnectFix(fix);
            }}
          >
            {fix.label}
          </button>
        ))}
        <button type="button" className="btn btn--small btn--ghost" onClick={close}>
          Dismiss
        </button>
      </div>
    </div>
  );
}
