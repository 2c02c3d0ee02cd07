import { create } from 'zustand';
import type { ConnectFix } from '../graph/connect-fixes';

type XY = { readonly x: number; readonly y: number };

interface CanvasUiState {
  /** The quick-add search, open at a screen point (placing at a flow point). */
  readonly quickAdd: { readonly screen: XY; readonly flow: XY } | null;
  /** Why the connection being dragged cannot be made (null: none refused). */
  readonly connectHint: string | null;
  readonly cheatSheet: boolean;
  readonly templates: boolean;
  /** The "Group into block" dialog (asks the block's name). */
  readonly groupDialog: boolean;
  /** The connection a dragged layer would be spliced into. */
  readonly insertTarget: string | null;
  /** A card's menu (right-click or its ⋯ button), open at a point of the canvas section. */
  readonly cardMenu: { readonly nodeId: string; readonly at: XY } | null;
  openCardMenu(nodeId: string, at: XY): void;
  closeCardMenu(): void;
  /** A refused connection that one click can make (why it was refused, and the ways to make it). */
  readonly connectFix: { readonly message: string; readonly fixes: readonly ConnectFix[] } | null;
  setConnectFix(fix: { readonly message: string; readonly fixes: readonly ConnectFix[] } | null): void;
  openQuickAdd(screen: XY, flow: XY): void;
  closeQuickAdd(): void;
  setConnectHint(hint: string | null): void;
  setCheatSheet(open: boolean): void;
  setTemplates(open: boolean): void;
  setGroupDialog(open: boolean): void;
  setInsertTarget(edgeId: string | null): void;
}

/** Transient canvas UI: not part of the document, not undoable. */
export const useCanvasUi = create<CanvasUiState>()((set, get) => ({
  quickAdd: null,
  connectHint: null,
  cheatSheet: false,
  templates: false,
  groupDialog: false,
  insertTarget: null,
  cardMenu: null,
  openCardMenu: (nodeId, at) => set({ cardMenu: { nodeId, at } }),
  closeCardMenu: () => {
    if (get().cardMenu !== null) set({ cardMenu: null });
  },
  connectFix: null,
  setConnectFix: (connectFix) => set({ connectFix }),
  openQuickAdd: (screen, flow) => set({ quickAdd: { screen, flow } }),
  closeQuickAdd: () => set({ quickAdd: null }),
  setConnectHint: (hint) => {
    if (get().connectHint !== hint) set({ connectHint: hint });
  },
  setCheatSheet: (open) => set({ cheatSheet: open }),
  setTemplates: (open) => set({ templates: open }),
  setGroupDialog: (open) => set({ groupDialog: open }),
  setInsertTarget: (edgeId) => {
    if (get().insertTarget !== edgeId) set({ insertTarget: edgeId });
  },
}));

/** Last copied layers, for pasting where the system clipboard is not readable. */
let lastClip: string | null = null;
export const rememberClip = (text: string) => {
  lastClip = text;
};
export const recalledClip = () => lastClip;
