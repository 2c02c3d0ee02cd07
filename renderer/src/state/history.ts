import { mergeEntries, type EditEntry } from '../../../shared/graph/edit-entry';

export type { XY } from '../../../shared/graph/edit-entry';

/**
 * The undo history: the user's edits of the document (never training, selection or live drags),
 * each with the document revision after it. The entries themselves are in shared/graph/edit-entry.ts.
 */
export interface Recorded {
  readonly entry: EditEntry;
  /** Revision of the document after this entry; compared with the saved one for the dirty dot. */
  readonly rev: number;
}

const HISTORY_LIMIT = 500;

/** `past` with `entry` recorded at `rev`: folded into the last entry when the two merge; the oldest go past the limit. */
export function recordEntry(past: readonly Recorded[], entry: EditEntry, rev: number): Recorded[] {
  const last = past[past.length - 1];
  const merged = last ? mergeEntries(last.entry, entry) : null;
  return merged ? [...past.slice(0, -1), { entry: merged, rev }] : [...past, { entry, rev }].slice(-HISTORY_LIMIT);
}

/** The revision of the document after `past` (`baseRev`: before any entry). */
export function revOf(past: readonly Recorded[], baseRev: number): number {
  return past[past.length - 1]?.rev ?? baseRev;
}
