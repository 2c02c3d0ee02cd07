import type { ProjectDoc } from '../../../shared/graph/document';
import { createEditorStore, type EditorStore } from './store';
import { createTrainingStore, type TrainingStore } from './training-store';

/** The editor's two stores: the document being edited, and the run its dashboard shows. */
export interface Workbench {
  readonly editor: EditorStore;
  readonly training: TrainingStore;
}

/** Both stores, linked: opening another document (New, Open, a template) empties the dashboard. */
export function createWorkbench(initial?: ProjectDoc): Workbench {
  const training = createTrainingStore();
  const editor = createEditorStore(initial, { onOpen: () => training.getState().clear() });
  return { editor, training };
}
