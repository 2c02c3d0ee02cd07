import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { EditorState, EditorStore } from './store';
import type { TrainingStore, TrainingStoreState } from './training-store';
import type { Workbench } from './workbench';

const StoreContext = createContext<Workbench | null>(null);

export function WorkbenchProvider({ workbench, children }: { workbench: Workbench; children: ReactNode }) {
  return <StoreContext.Provider value={workbench}>{children}</StoreContext.Provider>;
}

export function useWorkbench(): Workbench {
  const workbench = useContext(StoreContext);
  if (!workbench) throw new Error('the editor needs a WorkbenchProvider');
  return workbench;
}

export function useEditorStore(): EditorStore {
  return useWorkbench().editor;
}

export function useTrainingStore(): TrainingStore {
  return useWorkbench().training;
}

/** Subscribes to a slice of the editor state. */
export function useEditor<T>(selector: (s: EditorState) => T): T {
  return useStore(useEditorStore(), selector);
}

/** Subscribes to a slice of the dashboard's run. */
export function useTraining<T>(selector: (s: TrainingStoreState) => T): T {
  return useStore(useTrainingStore(), selector);
}
