import { createStore, type StoreApi } from 'zustand/vanilla';
import { emptyProject, type ProjectDoc, type TrainingSettings } from '../../../shared/graph/document';
import type { ParamValue } from '../../../shared/layers/types';
import { applyEntry, moveAll, revertEntry, type XY } from '../../../shared/graph/edit-entry';
import { connectionProblem } from '../../../shared/graph/connect';
import { clipText, parseClip } from '../../../shared/graph/clipboard';
import {
  addLayer,
  addNote,
  changeNoteText,
  changeParam,
  changeSettings,
  connectPorts,
  connectThroughReshape,
  connectWithInputShape,
  deleteElements,
  freezeLayersBefore,
  renameLayer,
  type Edit,
} from '../../../shared/graph/edits';
import { alignLayers, endDrag, placeLayers, spliceIntoEdge } from '../../../shared/graph/move-edits';
import { addBlock, groupIntoBlock, pasteClip, ungroupBlock } from '../../../shared/graph/block-edits';
import { recordEntry, revOf, type Recorded } from './history';
import type { ConnectFix } from '../graph/connect-fixes';

/** A fresh draft id: letters, digits and dashes (the back end's DraftIdSchema). */
export function newDraftId(): string {
  const random = Array.from({ length: 3 }, () => Math.random().toString(36).slice(2, 8).padEnd(6, '0')).join('');
  return `d-${Date.now().toString(36)}-${random}`;
}

export interface Selection {
  readonly nodes: readonly string[];
  readonly edges: readonly string[];
}

export interface EditorData {
  readonly doc: ProjectDoc;
  readonly filePath: string | null;
  readonly selection: Selection;
  readonly past: readonly Recorded[];
  readonly future: readonly Recorded[];
  /** Revision of the document before any recorded entry (after load or new). */
  readonly baseRev: number;
  readonly savedRev: number;
  readonly dirty: boolean;
  /**
   * Why this document cannot train in this version although its graph may be
   * valid (a template for a data set or task the engine does not offer yet).
   */
  readonly trainNote: string | null;
  /**
   * This document's id while it is open (a new one after New, Open or a template): an unsaved
   * project's runs carry it, so they are listed as its own and follow it when it is first saved.
   */
  readonly draftId: string;
}

export interface Connection {
  readonly source: string;
  readonly target: string;
  readonly targetPort: string;
}

export interface EditorActions {
  /**
   * Adds a layer with default params at `position`, selects it and returns its id (null for an unknown type).
   * With `intoEdge`, the new layer is spliced into that connection in the same undo step.
   */
  addNode(type: string, position: XY, intoEdge?: string): string | null;
  deleteSelection(): void;
  /** Groups the selected layers into a new block named `name` (one undo step); the reason when it cannot. */
  groupSelection(name: string): { ok: true; nodeId: string } | { ok: false; reason: string };
  /** Replaces Block node `nodeId` with its layers (one undo step); false when it is not a Block node. */
  ungroup(nodeId: string): boolean;
  /**
   * Adds a Block node of the project's or a built-in block at `position` (copying a built-in one into the project); its id.
   * With `intoEdge`, it is spliced into that connection (its first input) in the same undo step.
   */
  addBlock(blockId: string, position: XY, intoEdge?: string): string | null;
  /** Deletes layers (with their connections), connections and notes (`nodeIds` may name notes) as one undo step. */
  deleteElements(nodeIds: readonly string[], edgeIds: readonly string[]): void;
  /** Adds an empty note at `position`, selects it and returns its id. */
  addNote(position: XY, text?: string): string;
  /** Sets a note's text (clipped to the longest allowed); edits with the same `mergeKey` undo as one. */
  setNoteText(noteId: string, text: string, mergeKey?: string): void;
  /** Live positions of layers and notes while dragging: not recorded, see `endMove`. */
  dragNodes(positions: ReadonlyMap<string, XY>): void;
  /**
   * Records a finished drag (positions at its start); no entry when nothing moved.
   * With `intoEdge`, the one dragged node is also spliced into that connection.
   */
  endMove(from: ReadonlyMap<string, XY>, intoEdge?: string): void;
  /** Whether `nodeId` can be spliced into `edgeId` (unconnected, with an input, not an end of it). */
  canInsert(nodeId: string, edgeId: string): boolean;
  /** Moves nodes as one undo step (auto-layout, align). */
  setPositions(positions: ReadonlyMap<string, XY>, label: string): void;
  /** Lines the selected layers up: same left edge (`left`) or same top (`top`). */
  alignSelection(mode: 'left' | 'top'): void;
  renameNode(nodeId: string, name: string): void;
  /** The selected layers (and connections among them) as clipboard text; null when none selected. */
  copySelection(): string | null;
  /** Pastes clipboard text; returns the new ids (selected), or null when the text is not Netwright layers. */
  paste(text: string, at?: XY): string[] | null;
  duplicateSelection(): string[] | null;
  /** Connects, replacing an edge already in the port. False when refused (cycle, unknown port, self). */
  connect(c: Connection): boolean;
  canConnect(c: Connection): boolean;
  /** Makes a refused connection with its fix (a channel on the Input, or a Reshape between) as one undo step. */
  applyConnectFix(fix: ConnectFix): boolean;
  setParam(nodeId: string, name: string, value: ParamValue, mergeKey?: string): void;
  /**
   * Freezes (or unfreezes) every layer with weights before `nodeId` in one undo step; returns
   * how many layers changed.
   */
  freezeBefore(nodeId: string, frozen: boolean): number;
  setTraining(patch: Partial<TrainingSettings>, mergeKey?: string): void;
  select(selection: Selection): void;
  undo(): void;
  redo(): void;
  newProject(): void;
  /**
   * Opens a document; `unsaved`: it is recovered work, not what is on disk (the dirty dot shows);
   * `draftId`: the id its unsaved runs carry (recovered work keeps its own). `onOpen` runs: the
   * dashboard starts empty, it shows the open project's runs only.
   */
  loadProject(doc: ProjectDoc, path: string | null, options?: { trainNote?: string | null; unsaved?: boolean; draftId?: string }): void;
  /** The document at `rev` was saved to `path`. */
  markSaved(path: string, rev: number): void;
  currentRev(): number;
}

export type EditorState = EditorData & EditorActions;
export type EditorStore = StoreApi<EditorState>;

const EMPTY_SELECTION: Selection = { nodes: [], edges: [] };

/** Selected ids still in the document; `nodes` holds layer and note ids (both are cards on the canvas). */
function sanitize(selection: Selection, doc: ProjectDoc): Selection {
  const nodes = selection.nodes.filter((id) => doc.graph.nodes.some((n) => n.id === id) || (doc.notes ?? []).some((n) => n.id === id));
  const edges = selection.edges.filter((id) => doc.graph.edges.some((e) => e.id === id));
  return nodes.length === selection.nodes.length && edges.length === selection.edges.length ? selection : { nodes, edges };
}

export interface EditorStoreHooks {
  /** Called whenever another document opens (New, Open, a template, recovered work). */
  readonly onOpen?: () => void;
}

export function createEditorStore(initial: ProjectDoc = emptyProject(), hooks: EditorStoreHooks = {}): EditorStore {
  let revCounter = 0;
  return createStore<EditorState>()((set, get) => {
    /** Applies and records one user edit; `select`: what it selects (else the selection stays, less what is gone). */
    const commit = ({ entry, select }: Edit) => {
      const s = get();
      const doc = applyEntry(s.doc, entry);
      const rev = ++revCounter;
      set({
        doc,
        past: recordEntry(s.past, entry, rev),
        future: [],
        dirty: rev !== s.savedRev,
        selection: sanitize(select ? { nodes: select, edges: [] } : s.selection, doc),
      });
    };

    /** Records `edit` when there is one; its selection (the new cards' ids), or null. */
    const commitIf = (edit: Edit | null): readonly string[] | null => {
      if (!edit) return null;
      commit(edit);
      return edit.select ?? [];
    };

    const reset = (doc: ProjectDoc, filePath: string | null, trainNote: string | null = null, unsaved = false, draftId = newDraftId()) => {
      const rev = ++revCounter;
      // The dashboard belongs to the open document: nothing of the previous project's runs stays.
      hooks.onOpen?.();
      set({
        draftId,
        doc,
        filePath,
        selection: EMPTY_SELECTION,
        past: [],
        future: [],
        baseRev: rev,
        savedRev: unsaved ? -1 : rev,
        dirty: unsaved,
        trainNote,
      });
    };

    const paste = (text: string, place: Parameters<typeof pasteClip>[2]): string[] | null => {
      const clip = parseClip(text);
      return clip ? [...(commitIf(pasteClip(get().doc, clip, place)) ?? [])] : null;
    };

    const startRev = ++revCounter;
    return {
      doc: initial,
      filePath: null,
      selection: EMPTY_SELECTION,
      past: [],
      future: [],
      baseRev: startRev,
      savedRev: startRev,
      dirty: false,
      trainNote: null,
      draftId: newDraftId(),

      addNode(type, position, intoEdge) {
        return commitIf(addLayer(get().doc, type, position, intoEdge))?.[0] ?? null;
      },

      groupSelection(name) {
        const { doc, selection } = get();
        const r = groupIntoBlock(doc, selection.nodes, name);
        if (!r.ok) return r;
        commit(r.edit);
        return { ok: true, nodeId: r.nodeId };
      },

      ungroup(nodeId) {
        return commitIf(ungroupBlock(get().doc, nodeId)) !== null;
      },

      addBlock(blockId, position, intoEdge) {
        return commitIf(addBlock(get().doc, blockId, position, intoEdge))?.[0] ?? null;
      },

      deleteSelection() {
        const { nodes, edges } = get().selection;
        get().deleteElements(nodes, edges);
      },

      deleteElements(nodeIds, edgeIds) {
        commitIf(deleteElements(get().doc, nodeIds, edgeIds));
      },

      addNote(position, text = '') {
        const edit = addNote(get().doc, position, text);
        commit(edit);
        return edit.id;
      },

      setNoteText(noteId, text, mergeKey) {
        commitIf(changeNoteText(get().doc, noteId, text, mergeKey));
      },

      dragNodes(positions) {
        set({ doc: moveAll(get().doc, positions) });
      },

      endMove(from, intoEdge) {
        commitIf(endDrag(get().doc, from, intoEdge));
      },

      canInsert(nodeId, edgeId) {
        return spliceIntoEdge(get().doc, nodeId, edgeId) !== null;
      },

      setPositions(positions, label) {
        commitIf(placeLayers(get().doc, positions, label));
      },

      alignSelection(mode) {
        commitIf(alignLayers(get().doc, get().selection.nodes, mode));
      },

      renameNode(nodeId, name) {
        commitIf(renameLayer(get().doc, nodeId, name));
      },

      copySelection() {
        return clipText(get().doc, get().selection.nodes);
      },

      paste(text, at) {
        return paste(text, at ? { at } : { offset: { x: 40, y: 40 } });
      },

      duplicateSelection() {
        const text = clipText(get().doc, get().selection.nodes);
        return text ? paste(text, { offset: { x: 40, y: 40 } }) : null;
      },

      canConnect(c) {
        return connectionProblem(get().doc.graph, c) === null;
      },

      applyConnectFix(fix) {
        const { doc } = get();
        switch (fix.kind) {
          case 'inputShape':
            return commitIf(connectWithInputShape(doc, fix.connection, fix.shape)) !== null;
          case 'reshape':
            return commitIf(connectThroughReshape(doc, fix.connection, fix.targetShape)) !== null;
        }
      },

      connect(c) {
        // Refused, or made now or before (the same connection again changes nothing).
        if (connectionProblem(get().doc.graph, c) !== null) return false;
        commitIf(connectPorts(get().doc, c));
        return true;
      },

      setParam(nodeId, name, value, mergeKey) {
        commitIf(changeParam(get().doc, nodeId, name, value, mergeKey));
      },

      freezeBefore(nodeId, frozen) {
        const { edit, changed } = freezeLayersBefore(get().doc, nodeId, frozen);
        commitIf(edit);
        return changed;
      },

      setTraining(patch, mergeKey) {
        commitIf(changeSettings(get().doc, patch, mergeKey));
      },

      select(selection) {
        const s = get();
        const next = sanitize(selection, s.doc);
        const same =
          next.nodes.length === s.selection.nodes.length &&
          next.edges.length === s.selection.edges.length &&
          next.nodes.every((id, i) => s.selection.nodes[i] === id) &&
          next.edges.every((id, i) => s.selection.edges[i] === id);
        if (!same) set({ selection: next });
      },

      undo() {
        const s = get();
        const last = s.past[s.past.length - 1];
        if (!last) return;
        const doc = revertEntry(s.doc, last.entry);
        const past = s.past.slice(0, -1);
        set({
          doc,
          past,
          future: [last, ...s.future],
          dirty: revOf(past, s.baseRev) !== s.savedRev,
          selection: sanitize(s.selection, doc),
        });
      },

      redo() {
        const s = get();
        const next = s.future[0];
        if (!next) return;
        const doc = applyEntry(s.doc, next.entry);
        set({
          doc,
          past: [...s.past, next],
          future: s.future.slice(1),
          dirty: next.rev !== s.savedRev,
          selection: sanitize(s.selection, doc),
        });
      },

      newProject() {
        reset(emptyProject(), null);
      },

      loadProject(doc, path, options) {
        reset(doc, path, options?.trainNote ?? null, options?.unsaved ?? false, options?.draftId);
      },

      markSaved(path, rev) {
        const s = get();
        set({ filePath: path, savedRev: rev, dirty: revOf(s.past, s.baseRev) !== rev });
      },

      currentRev() {
        const s = get();
        return revOf(s.past, s.baseRev);
      },
    };
  });
}
