import { MAX_NOTE_TEXT, type GraphEdge, type GraphNode, type Note, type ProjectDoc, type TrainingSettings } from './document';
import { applyEntry, type EditEntry, type XY } from './edit-entry';
import { freshId } from './ids';
import { connectionProblem, edgesReplacedBy, type ConnectionRequest } from './connect';
import { freezableBefore } from './freeze';
import { spliceIntoEdge } from './move-edits';
import { getLayerSpec } from '../layers/registry';
import { withDefaults } from '../layers/params';
import type { ParamValue } from '../layers/types';
import { DATASETS } from '../training/datasets';

/**
 * The document edits behind the editor's commands, as pure functions: each reads the document
 * and returns the entry the undo history records (apply it with `applyEntry`), or null when
 * the command changes nothing. The store records them; it holds no graph logic of its own.
 */
export interface Edit {
  readonly entry: EditEntry;
  /** The layers and notes to select after the edit; absent: the selection stays (less what is gone). */
  readonly select?: readonly string[];
}

/** Ids of layers and notes (both are cards on the canvas, so a new one takes neither). */
export function cardIds(doc: ProjectDoc): Set<string> {
  return new Set([...doc.graph.nodes.map((n) => n.id), ...(doc.notes ?? []).map((n) => n.id)]);
}

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

/**
 * A layer of `type` with default params at `position` (an Input shaped for the data set),
 * selected; with `intoEdge`, spliced into that connection in the same step. Null for an unknown type.
 */
export function addLayer(doc: ProjectDoc, type: string, position: XY, intoEdge?: string): Edit | null {
  const spec = getLayerSpec(type);
  if (!spec) return null;
  const id = freshId(type.toLowerCase(), new Set(doc.graph.nodes.map((n) => n.id)));
  const params: GraphNode['params'] = {};
  for (const [k, v] of Object.entries(withDefaults(spec.params))) {
    params[k] = (Array.isArray(v) ? [...v] : v) as GraphNode['params'][string];
  }
  if (type === 'Input') {
    const shape = inputShapeFor(doc.training.dataset);
    if (shape) params['shape'] = shape;
  }
  const node: GraphNode = { id, type, position: { x: position.x, y: position.y }, params };
  const add: EditEntry = { kind: 'add', nodes: [node], edges: [] };
  const splice = intoEdge ? spliceIntoEdge(applyEntry(doc, add), id, intoEdge) : null;
  return { entry: splice ? { kind: 'batch', label: `insert ${type}`, entries: [add, ...splice] } : add, select: [id] };
}

/** Deletes layers (with their connections), connections and notes (`nodeIds` may name notes) in one step; nothing stays selected. */
export function deleteElements(doc: ProjectDoc, nodeIds: readonly string[], edgeIds: readonly string[]): Edit | null {
  const nodeSet = new Set(nodeIds);
  const edgeSet = new Set(edgeIds);
  const nodes = doc.graph.nodes.filter((n) => nodeSet.has(n.id));
  const edges = doc.graph.edges.filter((e) => edgeSet.has(e.id) || nodeSet.has(e.source) || nodeSet.has(e.target));
  const notes = (doc.notes ?? []).filter((n) => nodeSet.has(n.id));
  if (nodes.length === 0 && edges.length === 0 && notes.length === 0) return null;
  const del: EditEntry = { kind: 'delete', nodes, edges };
  const dropNotes: EditEntry = { kind: 'notes', op: 'delete', notes };
  if (notes.length === 0) return { entry: del, select: [] };
  if (nodes.length === 0 && edges.length === 0) return { entry: dropNotes, select: [] };
  return { entry: { kind: 'batch', label: 'delete', entries: [del, dropNotes] }, select: [] };
}

/**
 * Connects `c`, replacing an edge already in the port. Null when refused (a cycle, an unknown
 * port, itself: see `connectionProblem`) or when exactly this connection is already there.
 */
export function connectPorts(doc: ProjectDoc, c: ConnectionRequest): Edit | null {
  const { graph } = doc;
  if (connectionProblem(graph, c) !== null) return null;
  const replaced = graph.edges.filter((e) => e.target === c.target && e.targetPort === c.targetPort);
  if (replaced.length === 1 && replaced[0]?.source === c.source) return null;
  const id = freshId(`e_${c.source}_${c.target}`, new Set(graph.edges.map((e) => e.id)));
  return { entry: { kind: 'connect', added: { id, source: c.source, target: c.target, targetPort: c.targetPort }, replaced } };
}

/** A maker of edges with ids not in the graph (nor made by it before). */
function edgeMaker(doc: ProjectDoc): (from: string, to: string, port: string) => GraphEdge {
  const taken = new Set(doc.graph.edges.map((e) => e.id));
  return (from, to, port) => {
    const id = freshId(`e_${from}_${to}`, taken);
    taken.add(id);
    return { id, source: from, target: to, targetPort: port };
  };
}

/** The connection `c` made with a fix for its refusal; null when either end is gone or `c` is refused. */
export type ConnectFixEdit = (doc: ProjectDoc, c: ConnectionRequest, shape: readonly number[]) => Edit | null;

const fixable = (doc: ProjectDoc, c: ConnectionRequest) => {
  const source = doc.graph.nodes.find((n) => n.id === c.source);
  const target = doc.graph.nodes.find((n) => n.id === c.target);
  return source && target && connectionProblem(doc.graph, c) === null ? { source, target } : null;
};

/** Gives the source Input the shape `shape` (a channel more) and connects, as one step. */
export const connectWithInputShape: ConnectFixEdit = (doc, c, shape) => {
  const ends = fixable(doc, c);
  if (!ends) return null;
  const before = ends.source.params['shape'];
  return {
    entry: {
      kind: 'batch',
      label: 'add a channel to the Input and connect',
      entries: [
        { kind: 'param', nodeId: ends.source.id, name: 'shape', before, after: [...shape] },
        { kind: 'connect', added: edgeMaker(doc)(c.source, c.target, c.targetPort), replaced: edgesReplacedBy(doc.graph, c) },
      ],
    },
  };
};

/** Puts a Reshape to `targetShape` between the two ends (below both, selected) and connects through it, as one step. */
export const connectThroughReshape: ConnectFixEdit = (doc, c, targetShape) => {
  const ends = fixable(doc, c);
  const spec = getLayerSpec('Reshape');
  if (!ends || !spec) return null;
  const { source, target } = ends;
  const id = freshId('reshape', cardIds(doc));
  const reshape: GraphNode = {
    id,
    type: 'Reshape',
    // Between the two, a row lower, so that it covers neither.
    position: { x: Math.round((source.position.x + target.position.x) / 2), y: Math.round(Math.max(source.position.y, target.position.y) + 110) },
    params: { ...withDefaults(spec.params), targetShape: [...targetShape] } as GraphNode['params'],
  };
  const edge = edgeMaker(doc);
  return {
    entry: {
      kind: 'batch',
      label: 'insert a Reshape and connect',
      entries: [
        { kind: 'delete', nodes: [], edges: edgesReplacedBy(doc.graph, c) },
        { kind: 'add', nodes: [reshape], edges: [edge(c.source, id, 'in'), edge(id, c.target, c.targetPort)] },
      ],
    },
    select: [id],
  };
};

/** Sets one param of a layer; edits with the same `mergeKey` undo as one. Null when unchanged. */
export function changeParam(doc: ProjectDoc, nodeId: string, name: string, value: ParamValue, mergeKey?: string): Edit | null {
  const node = doc.graph.nodes.find((n) => n.id === nodeId);
  if (!node) return null;
  const before = node.params[name];
  if (JSON.stringify(before) === JSON.stringify(value)) return null;
  const after = (Array.isArray(value) ? [...value] : value) as GraphNode['params'][string];
  return { entry: { kind: 'param', nodeId, name, before, after, mergeKey } };
}

/** Freezes (or unfreezes) every layer with weights before `nodeId` in one step; `changed`: how many layers change. */
export function freezeLayersBefore(doc: ProjectDoc, nodeId: string, frozen: boolean): { edit: Edit | null; changed: number } {
  const byId = new Map(doc.graph.nodes.map((n) => [n.id, n]));
  const entries: EditEntry[] = freezableBefore(doc.graph, nodeId).flatMap((id) => {
    const before = byId.get(id)?.params['trainable'];
    return (before !== false) === !frozen ? [] : [{ kind: 'param' as const, nodeId: id, name: 'trainable', before, after: !frozen }];
  });
  const edit: Edit | null = entries.length > 0 ? { entry: { kind: 'batch', label: frozen ? 'freeze layers' : 'unfreeze layers', entries } } : null;
  return { edit, changed: entries.length };
}

/** Changes the training settings; edits with the same `mergeKey` undo as one. Null when unchanged. */
export function changeSettings(doc: ProjectDoc, patch: Partial<TrainingSettings>, mergeKey?: string): Edit | null {
  const before = doc.training;
  const after = { ...before, ...patch };
  if (JSON.stringify(before) === JSON.stringify(after)) return null;
  return { entry: { kind: 'settings', before, after, mergeKey } };
}

/** Names a layer (trimmed, at most 200 characters; blank: back to its id). Null when unchanged. */
export function renameLayer(doc: ProjectDoc, nodeId: string, name: string): Edit | null {
  const node = doc.graph.nodes.find((n) => n.id === nodeId);
  if (!node) return null;
  const after = name.trim() === '' ? undefined : name.trim().slice(0, 200);
  if (after === node.name) return null;
  return { entry: { kind: 'rename', nodeId, before: node.name, after } };
}

/** An empty (or `text`) note at `position`, selected. */
export function addNote(doc: ProjectDoc, position: XY, text = ''): Edit & { readonly id: string } {
  const id = freshId('note', cardIds(doc));
  const note: Note = { id, text: text.slice(0, MAX_NOTE_TEXT), position: { x: position.x, y: position.y } };
  return { entry: { kind: 'notes', op: 'add', notes: [note] }, select: [id], id };
}

/** A note's text, clipped to the longest allowed; edits with the same `mergeKey` undo as one. Null when unchanged. */
export function changeNoteText(doc: ProjectDoc, noteId: string, text: string, mergeKey?: string): Edit | null {
  const note = (doc.notes ?? []).find((n) => n.id === noteId);
  if (!note) return null;
  const after = text.slice(0, MAX_NOTE_TEXT);
  if (after === note.text) return null;
  return { entry: { kind: 'noteText', noteId, before: note.text, after, mergeKey } };
}
