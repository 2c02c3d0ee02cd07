/**
 * The browser mode has no native file dialogs: a picker request is put here
 * and the in-app FileDialog component answers it.
 */
export type PickKind = 'open' | 'save' | 'folder';

export interface PickOptions {
  readonly title: string;
  readonly defaultPath?: string;
}

export interface PickRequest extends PickOptions {
  readonly kind: PickKind;
  readonly id: number;
}

type Answer = (path: string | null) => void;

let current: { request: PickRequest; answer: Answer } | null = null;
let nextId = 1;
const listeners = new Set<() => void>();
const notify = () => {
  for (const l of listeners) l();
};

export function requestPick(kind: PickKind, options: PickOptions): Promise<string | null> {
  // A new request replaces (and cancels) an unanswered one.
  current?.answer(null);
  return new Promise((resolve) => {
    const request: PickRequest = { ...options, kind, id: nextId++ };
    current = {
      request,
      answer: (path) => {
        if (current?.request.id === request.id) current = null;
        resolve(path);
        notify();
      },
    };
    notify();
  });
}

export function currentPick(): PickRequest | null {
  return current?.request ?? null;
}

export function answerPick(id: number, path: string | null): void {
  if (current?.request.id === id) current.answer(path);
}

export function subscribePick(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
