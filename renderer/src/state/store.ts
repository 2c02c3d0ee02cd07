import { createStore, type StoreApi } from 'zustand/vanilla';
import { emptyProject, MAX_NOTE_TEXT, type GraphEdge, type GraphNode, type Note, type ProjectDoc, type TrainingSettings } from '../../../shared/graph/document';
import { getLayerSpec } from '../../../shared/layers/registry';
import { withDefaults } from '../../../shared/layers/params';
import type { ParamValue } from '../../../shared/layers/types';
import { applyEntry, mergeEntries, revertEntry, type HistoryEntry, type XY } from './history';
import { freshId } from '../../../shared/graph/ids';
import { connectionProblem as ruleProblem, edgesReplacedBy } from '../../../shared/graph/connect';
import { nodeInputPorts } from '../../../shared/graph/node-ports';
import { clipText, instantiateClip, parseClip, pastedBlocks } from '../graph/clipboard';
import { BUILTIN_BLOCKS } from '../../../shared/graph/builtin-blocks';
import { BLOCK_NODE_TYPE } from '../../../shared/graph/block-schema';
import { groupNodes, ungroupNode } from '../../../shared/graph/group-blocks';
import { freezableBefore } from '../../../shared/graph/freeze';
import type { ConnectFix } from '../graph/connect-fixes';
import { DATASETS } from '../../../shared/training/datasets';

/**
 * A new Input's shape on the project's data set: an image set's full shape, channel included
 * (MNIST: 28, 28, 1, ready for Conv2D and for Flatten alike), a table's feature count. Null
 * (the spec's default) for text and for imports, whose shape is known only once read.
 */
export function inputShapeFor(datasetId: string): number[] | null {
  const d = DATASETS.find((x) => x.id === datasetId);
  if (!d || d.kind === 'text' || d.sampleShape.length === 0) return null;
  return d.kind === 'image' && d.sampleShape.length === 2 ? [...d.sampleShape, 1] : [...d.sampleShape];
}

/** A fresh draft id: letters, digits and dashes (the back end's DraftIdSchema). */
export function newDraftId(): string {
  const random = Array.from({ length: 3 }, () => Math.random().toString(36).slice(2, 8).padEnd(6, '0')).join('');
  return `d-${Date.now().toString(36)}-${random}`;
}

export interface Selection {
  readonly nodes: readonly string[];
  readonly edges: readonly string[];
}

interface Recorded {
  readonly entry: HistoryEntry;
  /** Revision of the document after this entry; compared with the saved one for the dirty dot. */
  readonly rev: number;
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
const HISTORY_LIMIT = 500;

function revOf(past: readonly Recorded[], baseRev: number): number {
  return past[past.length - 1]?.rev ?? baseRev;
}

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
    /** Applies and records one user edit. */
    const commit = (entry: HistoryEntry, selection?: Selection) => {
      const s = get();
      const doc = applyEntry(s.doc, entry);
      const last = s.past[s.past.length - 1];
      const merged = last ? mergeEntries(last.entry, entry) : null;
      const rev = ++revCounter;
      const past = merged ? [...s.past.slice(0, -1), { entry: merged, rev }] : [...s.past, { entry, rev }].slice(-HISTORY_LIMIT);
      set({
        doc,
        past,
        future: [],
        dirty: rev !== s.savedRev,
        selection: sanitize(selection ?? s.selection, doc),
      });
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

    const connectionProblem = (c: Connection): string | null => ruleProblem(get().doc.graph, c);

    /** The edits that splice unconnected node `nodeId` into edge `edgeId`, or null when it cannot be. */
    const spliceEntries = (doc: ProjectDoc, nodeId: string, edgeId: string): HistoryEntry[] | null => {
      const { graph } = doc;
      const edge = graph.edges.find((e) => e.id === edgeId);
      const node = graph.nodes.find((n) => n.id === nodeId);
      if (!edge || !node || edge.source === nodeId || edge.target === nodeId) return null;
      if (graph.edges.some((e) => e.source === nodeId || e.target === nodeId)) return null;
      const port = nodeInputPorts(node)[0];
      if (!port) return null;
      const taken = new Set(graph.edges.map((e) => e.id));
      const inId = freshId(`e_${edge.source}_${nodeId}`, taken);
      taken.add(inId);
      const outId = freshId(`e_${nodeId}_${edge.target}`, taken);
      return [
        { kind: 'delete', nodes: [], edges: [edge] },
        {
          kind: 'add',
          nodes: [],
          edges: [
            { id: inId, source: edge.source, target: nodeId, targetPort: port.name },
            { id: outId, source: nodeId, target: edge.target, targetPort: edge.targetPort },
          ],
        },
      ];
    };

    const pasteClip = (text: string, place: Parameters<typeof instantiateClip>[2]): string[] | null => {
      const parsed = parseClip(text);
      if (!parsed) return null;
      const pasted = pastedBlocks(parsed, get().doc.blocks ?? []);
      const clip = { ...parsed, nodes: pasted.nodes };
      const { nodes, edges } = instantiateClip(clip, get().doc.graph, place);
      const add: HistoryEntry = { kind: 'add', nodes, edges };
      const entry: HistoryEntry = pasted.blocks.length > 0 ? { kind: 'batch', label: 'paste', entries: [{ kind: 'blocks', op: 'add', blocks: pasted.blocks }, add] } : add;
      commit(entry, { nodes: nodes.map((n) => n.id), edges: [] });
      return nodes.map((n) => n.id);
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
        const spec = getLayerSpec(type);
        if (!spec) return null;
        const taken = new Set(get().doc.graph.nodes.map((n) => n.id));
        const id = freshId(type.toLowerCase(), taken);
        const params: GraphNode['params'] = {};
        for (const [k, v] of Object.entries(withDefaults(spec.params))) {
          params[k] = (Array.isArray(v) ? [...v] : v) as GraphNode['params'][string];
        }
        if (type === 'Input') {
          const shape = inputShapeFor(get().doc.training.dataset);
          if (shape) params['shape'] = shape;
        }
        const node: GraphNode = { id, type, position: { x: position.x, y: position.y }, params };
        const add: HistoryEntry = { kind: 'add', nodes: [node], edges: [] };
        const splice = intoEdge ? spliceEntries(applyEntry(get().doc, add), id, intoEdge) : null;
        commit(splice ? { kind: 'batch', label: `insert ${type}`, entries: [add, ...splice] } : add, { nodes: [id], edges: [] });
        return id;
      },

      groupSelection(name) {
        const { doc, selection } = get();
        const notes = new Set((doc.notes ?? []).map((n) => n.id));
        const ids = selection.nodes.filter((id) => !notes.has(id));
        const blockIds = new Set([...(doc.blocks ?? []), ...BUILTIN_BLOCKS].map((b) => b.id));
        const r = groupNodes(doc.graph, ids, name, blockIds, notes);
        if (!r.ok) return r;
        const g = r.grouping;
        commit(
          {
            kind: 'batch',
            label: 'group into block',
            entries: [
              { kind: 'blocks', op: 'add', blocks: [g.block] },
              { kind: 'delete', nodes: g.removedNodes, edges: g.removedEdges },
              { kind: 'add', nodes: [g.instance], edges: g.addedEdges },
            ],
          },
          { nodes: [g.instance.id], edges: [] },
        );
        return { ok: true, nodeId: g.instance.id };
      },

      ungroup(nodeId) {
        const { doc } = get();
        const u = ungroupNode(doc.graph, nodeId, doc.blocks ?? [], new Set((doc.notes ?? []).map((n) => n.id)));
        if (!u) return false;
        commit(
          {
            kind: 'batch',
            label: 'ungroup block',
            entries: [
              { kind: 'delete', nodes: u.removedNodes, edges: u.removedEdges },
              { kind: 'add', nodes: u.addedNodes, edges: u.addedEdges },
            ],
          },
          { nodes: u.addedNodes.map((n) => n.id), edges: [] },
        );
        return true;
      },

      addBlock(blockId, position, intoEdge) {
        const { doc } = get();
        const own = (doc.blocks ?? []).find((b) => b.id === blockId);
        const builtin = own ? undefined : BUILTIN_BLOCKS.find((b) => b.id === blockId);
        const block = own ?? builtin;
        if (!block) return null;
        const taken = new Set([...doc.graph.nodes.map((n) => n.id), ...(doc.notes ?? []).map((n) => n.id)]);
        const id = freshId('block', taken);
        const node: GraphNode = {
          id,
          type: BLOCK_NODE_TYPE,
          name: block.name,
          position: { x: position.x, y: position.y },
          params: { block: block.id, inputs: block.inputs.length },
        };
        const add: HistoryEntry = { kind: 'add', nodes: [node], edges: [] };
        const entries: HistoryEntry[] = builtin ? [{ kind: 'blocks', op: 'add', blocks: [builtin] }, add] : [add];
        const splice = intoEdge ? spliceEntries(entries.reduce(applyEntry, doc), id, intoEdge) : null;
        if (splice) entries.push(...splice);
        commit(entries.length === 1 ? add : { kind: 'batch', label: `add ${block.name}`, entries }, { nodes: [id], edges: [] });
        return id;
      },

      deleteSelection() {
        const { nodes, edges } = get().selection;
        get().deleteElements(nodes, edges);
      },

      deleteElements(nodeIds, edgeIds) {
        const { graph } = get().doc;
        const nodeSet = new Set(nodeIds);
        const nodes = graph.nodes.filter((n) => nodeSet.has(n.id));
        const edgeSet = new Set(edgeIds);
        const edges = graph.edges.filter((e) => edgeSet.has(e.id) || nodeSet.has(e.source) || nodeSet.has(e.target));
        const notes = (get().doc.notes ?? []).filter((n) => nodeSet.has(n.id));
        if (nodes.length === 0 && edges.length === 0 && notes.length === 0) return;
        const del: HistoryEntry = { kind: 'delete', nodes, edges };
        if (notes.length === 0) commit(del, EMPTY_SELECTION);
        else if (nodes.length === 0 && edges.length === 0) commit({ kind: 'notes', op: 'delete', notes }, EMPTY_SELECTION);
        else commit({ kind: 'batch', label: 'delete', entries: [del, { kind: 'notes', op: 'delete', notes }] }, EMPTY_SELECTION);
      },

      addNote(position, text = '') {
        const doc = get().doc;
        const taken = new Set([...doc.graph.nodes.map((n) => n.id), ...(doc.notes ?? []).map((n) => n.id)]);
        const id = freshId('note', taken);
        const note: Note = { id, text: text.slice(0, MAX_NOTE_TEXT), position: { x: position.x, y: position.y } };
        commit({ kind: 'notes', op: 'add', notes: [note] }, { nodes: [id], edges: [] });
        return id;
      },

      setNoteText(noteId, text, mergeKey) {
        const note = (get().doc.notes ?? []).find((n) => n.id === noteId);
        if (!note) return;
        const after = text.slice(0, MAX_NOTE_TEXT);
        if (after === note.text) return;
        commit({ kind: 'noteText', noteId, before: note.text, after, mergeKey });
      },

      dragNodes(positions) {
        const doc = get().doc;
        const place = <T extends { id: string; position: XY }>(item: T): T => {
          const p = positions.get(item.id);
          return p ? { ...item, position: { x: p.x, y: p.y } } : item;
        };
        const graph = { ...doc.graph, nodes: doc.graph.nodes.map(place) };
        set({ doc: doc.notes && doc.notes.some((n) => positions.has(n.id)) ? { ...doc, graph, notes: doc.notes.map(place) } : { ...doc, graph } });
      },

      endMove(from, intoEdge) {
        const moves: { id: string; from: XY; to: XY }[] = [];
        for (const n of [...get().doc.graph.nodes, ...(get().doc.notes ?? [])]) {
          const start = from.get(n.id);
          if (start && (start.x !== n.position.x || start.y !== n.position.y)) {
            moves.push({ id: n.id, from: { x: start.x, y: start.y }, to: { ...n.position } });
          }
        }
        const only = from.size === 1 ? [...from.keys()][0] : undefined;
        const splice = intoEdge && only ? spliceEntries(get().doc, only, intoEdge) : null;
        if (moves.length === 0 && !splice) return;
        const move: HistoryEntry = { kind: 'move', moves };
        // The live drag already moved the nodes: apply the move again (a no-op) so undo restores them.
        if (splice) commit({ kind: 'batch', label: 'insert into connection', entries: [move, ...splice] });
        else commit(move);
      },

      canInsert(nodeId, edgeId) {
        return spliceEntries(get().doc, nodeId, edgeId) !== null;
      },

      setPositions(positions, label) {
        const moves: { id: string; from: XY; to: XY }[] = [];
        for (const n of get().doc.graph.nodes) {
          const to = positions.get(n.id);
          if (to && (to.x !== n.position.x || to.y !== n.position.y)) moves.push({ id: n.id, from: { ...n.position }, to: { x: to.x, y: to.y } });
        }
        if (moves.length > 0) commit({ kind: 'batch', label, entries: [{ kind: 'move', moves }] });
      },

      alignSelection(mode) {
        const ids = new Set(get().selection.nodes);
        const nodes = get().doc.graph.nodes.filter((n) => ids.has(n.id));
        if (nodes.length < 2) return;
        const target = Math.min(...nodes.map((n) => (mode === 'left' ? n.position.x : n.position.y)));
        const positions = new Map(nodes.map((n) => [n.id, mode === 'left' ? { x: target, y: n.position.y } : { x: n.position.x, y: target }]));
        get().setPositions(positions, mode === 'left' ? 'align left' : 'align top');
      },

      renameNode(nodeId, name) {
        const node = get().doc.graph.nodes.find((n) => n.id === nodeId);
        if (!node) return;
        const after = name.trim() === '' ? undefined : name.trim().slice(0, 200);
        if (after === node.name) return;
        commit({ kind: 'rename', nodeId, before: node.name, after });
      },

      copySelection() {
        return clipText(get().doc, get().selection.nodes);
      },

      paste(text, at) {
        return pasteClip(text, at ? { at } : { offset: { x: 40, y: 40 } });
      },

      duplicateSelection() {
        const text = clipText(get().doc, get().selection.nodes);
        return text ? pasteClip(text, { offset: { x: 40, y: 40 } }) : null;
      },

      canConnect(c) {
        return connectionProblem(c) === null;
      },

      applyConnectFix(fix) {
        const { graph } = get().doc;
        const c = fix.connection;
        const source = graph.nodes.find((n) => n.id === c.source);
        const target = graph.nodes.find((n) => n.id === c.target);
        if (!source || !target || ruleProblem(graph, c) !== null) return false;
        const taken = new Set(graph.edges.map((e) => e.id));
        const edge = (from: string, to: string, port: string): GraphEdge => {
          const id = freshId(`e_${from}_${to}`, taken);
          taken.add(id);
          return { id, source: from, target: to, targetPort: port };
        };
        const replaced = edgesReplacedBy(graph, c);
        if (fix.kind === 'inputShape') {
          const before = source.params['shape'];
          commit({
            kind: 'batch',
            label: 'add a channel to the Input and connect',
            entries: [
              { kind: 'param', nodeId: source.id, name: 'shape', before, after: [...fix.shape] },
              { kind: 'connect', added: edge(c.source, c.target, c.targetPort), replaced },
            ],
          });
          return true;
        }
        const spec = getLayerSpec('Reshape');
        if (!spec) return false;
        const id = freshId('reshape', new Set([...graph.nodes.map((n) => n.id), ...(get().doc.notes ?? []).map((n) => n.id)]));
        const reshape: GraphNode = {
          id,
          type: 'Reshape',
          // Between the two, a row lower, so that it covers neither.
          position: { x: Math.round((source.position.x + target.position.x) / 2), y: Math.round(Math.max(source.position.y, target.position.y) + 110) },
          params: { ...withDefaults(spec.params), targetShape: [...fix.targetShape] } as GraphNode['params'],
        };
        commit(
          {
            kind: 'batch',
            label: 'insert a Reshape and connect',
            entries: [
              { kind: 'delete', nodes: [], edges: replaced },
              { kind: 'add', nodes: [reshape], edges: [edge(c.source, id, 'in'), edge(id, c.target, c.targetPort)] },
            ],
          },
          { nodes: [id], edges: [] },
        );
        return true;
      },

      connect(c) {
        if (connectionProblem(c) !== null) return false;
        const { graph } = get().doc;
        const replaced = graph.edges.filter((e) => e.target === c.target && e.targetPort === c.targetPort);
        if (replaced.length === 1 && replaced[0]?.source === c.source) return true; // already connected
        const id = freshId(`e_${c.source}_${c.target}`, new Set(graph.edges.map((e) => e.id)));
        const added: GraphEdge = { id, source: c.source, target: c.target, targetPort: c.targetPort };
        commit({ kind: 'connect', added, replaced });
        return true;
      },

      setParam(nodeId, name, value, mergeKey) {
        const node = get().doc.graph.nodes.find((n) => n.id === nodeId);
        if (!node) return;
        const before = node.params[name];
        if (JSON.stringify(before) === JSON.stringify(value)) return;
        const after = (Array.isArray(value) ? [...value] : value) as GraphNode['params'][string];
        commit({ kind: 'param', nodeId, name, before, after, mergeKey });
      },

      freezeBefore(nodeId, frozen) {
        const { graph } = get().doc;
        const byId = new Map(graph.nodes.map((n) => [n.id, n]));
        const entries: HistoryEntry[] = freezableBefore(graph, nodeId).flatMap((id) => {
          const before = byId.get(id)?.params['trainable'];
          return (before !== false) === !frozen ? [] : [{ kind: 'param' as const, nodeId: id, name: 'trainable', before, after: !frozen }];
        });
        if (entries.length > 0) commit({ kind: 'batch', label: frozen ? 'freeze layers' : 'unfreeze layers', entries });
        return entries.length;
      },

      setTraining(patch, mergeKey) {
        const before = get().doc.training;
        const after = { ...before, ...patch };
        if (JSON.stringify(before) === JSON.stringify(after)) return;
        commit({ kind: 'settings', before, after, mergeKey });
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
