import { create } from 'zustand';

const KEY = 'netwright.recentFiles';
const MAX = 8;

function load(): string[] {
  try {
    const raw: unknown = JSON.parse(localStorage.getItem(KEY) ?? '[]');
    return Array.isArray(raw) ? raw.filter((p): p is string => typeof p === 'string').slice(0, MAX) : [];
  } catch {
    return [];
  }
}

function store(paths: readonly string[]) {
  try {
    localStorage.setItem(KEY, JSON.stringify(paths));
  } catch {
    // Storage full or disabled: the list lives for this session only.
  }
}

interface RecentState {
  readonly paths: readonly string[];
  add(path: string): void;
  remove(path: string): void;
}

/** Recently opened or saved project files, newest first, kept in localStorage. */
export const useRecent = create<RecentState>()((set, get) => ({
  paths: typeof localStorage === 'undefined' ? [] : load(),
  add(path) {
    const paths = [path, ...get().paths.filter((p) => p !== path)].slice(0, MAX);
    store(paths);
    set({ paths });
  },
  remove(path) {
    const paths = get().paths.filter((p) => p !== path);
    store(paths);
    set({ paths });
  },
}));
