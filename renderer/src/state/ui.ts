import { create } from 'zustand';
import type { DatasetInfo } from '../../../shared/training/dataset-info';
import { DATASETS } from '../../../shared/training/datasets';

export interface Notice {
  readonly id: number;
  readonly kind: 'error' | 'info';
  readonly text: string;
}

export interface ConfirmRequest {
  readonly title: string;
  readonly text: string;
  readonly confirmLabel: string;
  readonly answer: (ok: boolean) => void;
}

/** An imported data set as the back end read it (`key`: what the reading depended on, see inspectKey). */
export interface InspectedImport {
  readonly key: string;
  readonly info: DatasetInfo | null;
  readonly error: string | null;
}

interface UiState {
  readonly notices: readonly Notice[];
  readonly confirm: ConfirmRequest | null;
  readonly datasets: readonly DatasetInfo[];
  /** The folder pickers open in first (from app.info). */
  readonly defaultDir: string | null;
  /** The open project's imported data set, last read. */
  readonly inspected: InspectedImport | null;
  notify(kind: Notice['kind'], text: string): void;
  dismiss(id: number): void;
  askConfirm(title: string, text: string, confirmLabel: string): Promise<boolean>;
  setDatasets(d: readonly DatasetInfo[]): void;
  setDefaultDir(dir: string): void;
  /**
   * The folder pickers open in, once the back end has said it (a picker opened before that, say by
   * Ctrl+S while the page still connects, would have no folder and no listing); null when it has
   * not said within `timeoutMs`.
   */
  whenDefaultDir(timeoutMs?: number): Promise<string | null>;
  setInspected(i: InspectedImport | null): void;
}

let nextNotice = 1;

/** UI-only state that is not part of the document: messages, confirmations, back-end info. */
export const useUi = create<UiState>()((set, get) => ({
  notices: [],
  confirm: null,
  datasets: DATASETS,
  defaultDir: null,
  inspected: null,
  notify(kind, text) {
    const notice = { id: nextNotice++, kind, text };
    set({ notices: [...get().notices.slice(-4), notice] });
  },
  dismiss(id) {
    set({ notices: get().notices.filter((n) => n.id !== id) });
  },
  askConfirm(title, text, confirmLabel) {
    get().confirm?.answer(false);
    return new Promise<boolean>((resolve) => {
      const request: ConfirmRequest = {
        title,
        text,
        confirmLabel,
        answer: (ok) => {
          if (get().confirm === request) set({ confirm: null });
          resolve(ok);
        },
      };
      set({ confirm: request });
    });
  },
  setDatasets(datasets) {
    set({ datasets: datasets.length > 0 ? datasets : DATASETS });
  },
  setDefaultDir(dir) {
    set({ defaultDir: dir });
  },
  whenDefaultDir(timeoutMs = 5000) {
    const now = get().defaultDir;
    if (now !== null) return Promise.resolve(now);
    return new Promise<string | null>((resolve) => {
      const done = (dir: string | null) => {
        clearTimeout(timer);
        unsubscribe();
        resolve(dir);
      };
      const timer = setTimeout(() => done(null), timeoutMs);
      const unsubscribe = useUi.subscribe((s) => {
        if (s.defaultDir !== null) done(s.defaultDir);
      });
    });
  },
  setInspected(inspected) {
    set({ inspected });
  },
}));

/** A readable message from anything thrown. */
export function errorText(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}
