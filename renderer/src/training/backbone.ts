import { create } from 'zustand';

/**
 * "Use as backbone": the run whose weights the next training runs start from, for the project
 * that was open when it was chosen (another project, New or Open leave it unused). Each layer
 * whose identity and shapes still match loads its weights; new layers start fresh.
 */
export interface Backbone {
  readonly runId: string;
  readonly name: string;
  /** The project it belongs to: its file, or the unsaved draft's id. */
  readonly owner: string;
}

interface BackboneState {
  readonly backbone: Backbone | null;
  set(backbone: Backbone | null): void;
}

export const useBackbone = create<BackboneState>((set) => ({
  backbone: null,
  set: (backbone) => set({ backbone }),
}));

/** Who owns runs of the open project: its file path, or its draft id while unsaved. */
export const projectOwner = (s: { readonly filePath: string | null; readonly draftId: string }): string => s.filePath ?? `draft:${s.draftId}`;

/** The backbone of the open project, or null. */
export function backboneFor(s: { readonly filePath: string | null; readonly draftId: string }, b: Backbone | null = useBackbone.getState().backbone): Backbone | null {
  return b && b.owner === projectOwner(s) ? b : null;
}
