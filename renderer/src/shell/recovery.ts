import type { ProjectDoc } from '../../../shared/graph/document';
import { upgradeProject } from '../../../shared/graph/migrations';
import type { EditorStore } from '../state/store';

const KEY = 'netwright.recovery';
const DELAY_MS = 800;

export interface Recovery {
  readonly savedAt: number;
  readonly filePath: string | null;
  readonly doc: ProjectDoc;
  /** The unsaved project's draft id, so that its runs are still its own after the restore. */
  readonly draftId?: string;
}

/** The recovery copy left by a session that ended with unsaved work, or null. */
export function readRecovery(): Recovery | null {
  try {
    const text = localStorage.getItem(KEY);
    if (!text) return null;
    const raw = JSON.parse(text) as { savedAt?: unknown; filePath?: unknown; doc?: unknown; draftId?: unknown };
    return {
      savedAt: typeof raw.savedAt === 'number' ? raw.savedAt : 0,
      filePath: typeof raw.filePath === 'string' ? raw.filePath : null,
      doc: upgradeProject(raw.doc),
      ...(typeof raw.draftId === 'string' && /^[A-Za-z0-9-]{1,64}$/.test(raw.draftId) ? { draftId: raw.draftId } : {}),
    };
  } catch {
    return null;
  }
}

export function clearRecovery(): void {
  try {
    localStorage.removeItem(KEY);
  } catch {
    // Nothing to clear.
  }
}

/**
 * Keeps a copy of unsaved work in localStorage, written shortly after each
 * change, and removes it once the work is saved or discarded.
 */
export function startAutosave(store: EditorStore): () => void {
  let timer: number | null = null;
  const write = () => {
    timer = null;
    const s = store.getState();
    if (!s.dirty) {
      clearRecovery();
      return;
    }
    try {
      localStorage.setItem(KEY, JSON.stringify({ savedAt: Date.now(), filePath: s.filePath, doc: s.doc, draftId: s.draftId }));
    } catch {
      // Storage full or disabled: no recovery copy this time.
    }
  };
  const unsubscribe = store.subscribe((s, prev) => {
    if (s.doc === prev.doc && s.dirty === prev.dirty && s.filePath === prev.filePath) return;
    if (timer !== null) window.clearTimeout(timer);
    timer = window.setTimeout(write, DELAY_MS);
  });
  return () => {
    unsubscribe();
    if (timer !== null) window.clearTimeout(timer);
  };
}
