import { createStore, type StoreApi } from 'zustand/vanilla';
import { emptyProject, type GraphEdge, type GraphNode, type ProjectDoc, type TrainingSettings } from '../../../shared/graph/document';
import { getLayerSpec } from '../../../shared/layers/registry';
import { withDefaults } from '../../../shared/layers/params';
import type { ParamValue } from '../../../shared/layers/types';
import type { TrainEvent } from '../../../shared/training/events';
import { applyEntry, mergeEntries, revertEntry, type HistoryEntry, type XY } from './history';
import { freshId } from './ids';
import { wouldCycle } from './graph-ops';
import { idleTraining, reduceTraining, startingTraining, type TrainingState } from './training';

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
  readonly training: TrainingState;
}

export interface Connection {
  readonly source: string;
  readonly target: string;
  readonly targetPort: string;
}

export interface EditorActions {
  /** Adds a layer with default params at `position`, selects it and returns its id (null for an unknown type). */
  addNode(type: string, position: XY): string | null;
  deleteSelection(): void;
  deleteElements(nodeIds: readonly string[], edgeIds: readonly string[]): void;
  /** Live positions while dragging: not recorded, see `endMove`. */
  dragNodes(positions: ReadonlyMap<string, XY>): void;
  /** Records a finished drag (positions at its start); no entry when nothing moved. */
  endMove(from: ReadonlyMap<string, XY>): void;
  /** Connects, replacing an edge already in the port. False when refused (cycle, unknown port, self). */
  connect(c: Connection): boolean;
  canConnect(c: Connection): boolean;
  setParam(nodeId: string, name: string, value: ParamValue, mergeKey?: string): void;
  setTraining(patch: Partial<TrainingSettings>, mergeKey?: string): void;
  select(selection: Selection): void;
  undo(): void;
  redo(): void;
  newProject(): void;
  loadProject(doc: ProjectDoc, path: string | null): void;
  /** The document at `rev` was saved to `path`. */
  markSaved(path: string, rev: number): void;
  currentRev(): number;
  trainingStarting(): void;
  trainingStarted(runId: string): void;
  trainingFailed(message: string): void;
  trainingStopRequested(): void;
  applyTrainingEvent(event: TrainEvent): void;
}

export type EditorState = EditorData & EditorActions;
export type EditorStore = StoreApi<EditorState>;

const EMPTY_SELECTION: Selection = { nodes: [], edges: [] };
const HISTORY_LIMIT = 500;

function revOf(past: readonly Recorded[], baseRev: number): number {
  return past[past.length - 1]?.rev ?? baseRev;
}

function sanitize(selection: Selection, doc: ProjectDoc): Selection {
  const nodes = selection.nodes.filter((id) => doc.graph.nodes.some((n) => n.id === id));
  const edges = selection.edges.filter((id) => doc.graph.edges.some((e) => e.id === id));
  return nodes.length === selection.nodes.length && edges.length === selection.edges.length ? selection : { nodes, edges };
}

export function createEditorStore(initial: ProjectDoc = emptyProject()): EditorStore {
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

    const reset = (doc: ProjectDoc, filePath: string | null) => {
      const rev = ++revCounter;
      set({
        doc,
        filePath,
        selection: EMPTY_SELECTION,
        past: [],
        future: [],
        baseRev: rev,
        savedRev: rev,
        dirty: false,
      });
    };

    const connectionProblem = (c: Connection): string | null => {
      const { graph } = get().doc;
      const target = graph.nodes.find((n) => n.id === c.target);
      if (!target || !graph.nodes.some((n) => n.id === c.source)) return 'missing node';
      const spec = getLayerSpec(target.type);
      if (!spec?.inputs.some((p) => p.name === c.targetPort)) return 'no such input';
      if (wouldCycle(graph, c.source, c.target)) return 'cycle';
      return null;
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
      training: idleTraining(),

      addNode(type, position) {
        const spec = getLayerSpec(type);
        if (!spec) return null;
        const taken = new Set(get().doc.graph.nodes.map((n) => n.id));
        const id = freshId(type.toLowerCase(), taken);
        const params: GraphNode['params'] = {};
        for (const [k, v] of Object.entries(withDefaults(spec.params))) {
          params[k] = (Array.isArray(v) ? [...v] : v) as GraphNode['params'][string];
        }
        const node: GraphNode = { id, type, position: { x: position.x, y: position.y }, params };
        commit({ kind: 'add', nodes: [node], edges: [] }, { nodes: [id], edges: [] });
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
        if (nodes.length === 0 && edges.length === 0) return;
        commit({ kind: 'delete', nodes, edges }, EMPTY_SELECTION);
      },

      dragNodes(positions) {
        const doc = get().doc;
        set({
          doc: {
            ...doc,
            graph: {
              ...doc.graph,
              nodes: doc.graph.nodes.map((n) => {
                const p = positions.get(n.id);
                return p ? { ...n, position: { x: p.x, y: p.y } } : n;
              }),
            },
          },
        });
      },

      endMove(from) {
        const moves: { id: string; from: XY; to: XY }[] = [];
        for (const n of get().doc.graph.nodes) {
          const start = from.get(n.id);
          if (start && (start.x !== n.position.x || start.y !== n.position.y)) {
            moves.push({ id: n.id, from: { x: start.x, y: start.y }, to: { ...n.position } });
          }
        }
        if (moves.length > 0) commit({ kind: 'move', moves });
      },

      canConnect(c) {
        return connectionProblem(c) === null;
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

      loadProject(doc, path) {
        reset(doc, path);
      },

      markSaved(path, rev) {
        const s = get();
        set({ filePath: path, savedRev: rev, dirty: revOf(s.past, s.baseRev) !== rev });
      },

      currentRev() {
        const s = get();
        return revOf(s.past, s.baseRev);
      },

      trainingStarting() {
        set({ training: startingTraining() });
      },

      trainingStarted(runId) {
        const t = get().training;
        if (t.runId === null && t.status === 'starting') set({ training: { ...t, runId } });
      },

      trainingFailed(message) {
        set({ training: { ...get().training, status: 'error', error: message } });
      },

      trainingStopRequested() {
        set({ training: { ...get().training, stopRequested: true } });
      },

      applyTrainingEvent(event) {
        const t = get().training;
        const next = reduceTraining(t, event);
        if (next !== t) set({ training: next });
      },
    };
  });
}
