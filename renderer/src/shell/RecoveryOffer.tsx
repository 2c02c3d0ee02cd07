import { useEffect, useState } from 'react';
import { useEditorStore } from '../state/context';
import { basename } from './paths';
import { clearRecovery, readRecovery, startAutosave, type Recovery } from './recovery';

/**
 * After a crash or reload with unsaved work: offers the recovery copy back.
 * Autosave starts once the offer is answered, so the copy is not overwritten first.
 */
export function RecoveryOffer() {
  const store = useEditorStore();
  const [offer, setOffer] = useState<Recovery | null | undefined>(undefined);

  useEffect(() => {
    if (offer === undefined) setOffer(readRecovery());
    else if (offer === null) return startAutosave(store);
    return undefined;
  }, [offer, store]);

  if (!offer) return null;
  const name = offer.filePath ? basename(offer.filePath) : offer.doc.name;
  const when = new Date(offer.savedAt).toLocaleString();
  return (
    <div className="recovery" role="region" aria-label="Recover unsaved work">
      <span>
        Unsaved work on <strong>{name}</strong> ({offer.doc.graph.nodes.length} layers, {when}) was kept after Netwright closed.
      </span>
      <button
        type="button"
        className="btn btn--small btn--primary"
        onClick={() => {
          store.getState().loadProject(offer.doc, offer.filePath, { unsaved: true, ...(offer.draftId ? { draftId: offer.draftId } : {}) });
          setOffer(null);
        }}
      >
        Restore
      </button>
      <button
        type="button"
        className="btn btn--small"
        onClick={() => {
          clearRecovery();
          setOffer(null);
        }}
      >
        Discard
      </button>
    </div>
  );
}
