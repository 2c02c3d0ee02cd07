import type { GraphEdge, GraphNode, Note, ProjectDoc, TrainingSettings } from './document';
import type { ParamValue } from '../layers/types';
import type { BlockDefinition } from './block-schema';

export type XY = { readonly x: number; readonly y: number };

/** One user edit of the document, with what it needs to be undone and redone (the undo history's entries). */
export type EditEntry =
  | { readonly kind: 'add'; readonly nodes: readonly GraphNode[]; readonly edges: readonly GraphEdge[] }
  | { readonly kind: 'delete'; readonly nodes: readonly GraphNode[]; readonly edges: readonly GraphEdge[] }
  | { readonly kind: 'move'; readonly moves: readonly { readonly id: string; readonly from: XY; readonly to: XY }[] }
  | { readonly kind: 'connect'; readonly added: GraphEdge; readonly replaced: readonly GraphEdge[] }
  | {
      readonly kind: 'param';
      readonly nodeId: string;
      readonly name: string;
      readonly before: ParamValue | undefined;
      readonly after: ParamValue;
      /** Consecutive edits with the same key (one focus of one field) merge into one entry. */
      readonly mergeKey?: string;
    }
  | {
      readonly kind: 'settings';
      readonly before: TrainingSettings;
      readonly after: TrainingSettings;
      readonly mergeKey?: string;
    }
  | { readonly kind: 'rename'; readonly nodeId: string; readonly before: string | undefined; readonly after: string | undefined }
  /** Canvas notes added (`add`) or removed; moves of notes go through `move` like layers. */
  | { readonly kind: 'notes'; readonly op: 'add' | 'delete'; readonly notes: readonly Note[] }
  | { readonly kind: 'noteText'; readonly noteId: string; readonly before: string; readonly after: string; readonly mergeKey?: string }
  /** Block definitions added to or removed from the project (grouping, or a built-in block's first use). */
  | { readonly kind: 'blocks'; readonly op: 'add' | 'delete'; readonly blocks: readonly BlockDefinition[] }
  /** Several edits that undo and redo as one (paste, insert into an edge, auto-layout...). */
  | { readonly kind: 'batch'; readonly label: string; readonly entries: readonly EditEntry[] };

type Graph = ProjectDoc['graph'];

function withGraph(doc: ProjectDoc, graph: Graph): ProjectDoc {
  return { ...doc, graph };
}

function addAll(graph: Graph, nodes: readonly GraphNode[], edges: readonly GraphEdge[]): Graph {
  return { nodes: [...graph.nodes, ...nodes], edges: [...graph.edges, ...edges] };
}

function removeAll(graph: Graph, nodes: readonly GraphNode[], edges: readonly GraphEdge[]): Graph {
  const nodeIds = new Set(nodes.map((n) => n.id));
  const edgeIds = new Set(edges.map((e) => e.id));
  return {
    nodes: graph.nodes.filter((n) => !nodeIds.has(n.id)),
    edges: graph.edges.filter((e) => !edgeIds.has(e.id)),
  };
}

function notesOf(doc: ProjectDoc): readonly Note[] {
  return doc.notes ?? [];
}

function withNotes(doc: ProjectDoc, notes: readonly Note[]): ProjectDoc {
  if (notes.length === 0) {
    const { notes: _old, ...rest } = doc;
    return rest;
  }
  return { ...doc, notes: [...notes] };
}

function addNotes(doc: ProjectDoc, notes: readonly Note[]): ProjectDoc {
  return withNotes(doc, [...notesOf(doc), ...notes]);
}

function removeNotes(doc: ProjectDoc, notes: readonly Note[]): ProjectDoc {
  const ids = new Set(notes.map((n) => n.id));
  return withNotes(doc, notesOf(doc).filter((n) => !ids.has(n.id)));
}

function setNoteText(doc: ProjectDoc, noteId: string, text: string): ProjectDoc {
  return withNotes(doc, notesOf(doc).map((n) => (n.id === noteId ? { ...n, text } : n)));
}

function withBlocks(doc: ProjectDoc, blocks: readonly BlockDefinition[]): ProjectDoc {
  if (blocks.length === 0) {
    const { blocks: _old, ...rest } = doc;
    return rest;
  }
  return { ...doc, blocks: [...blocks] };
}

function changeBlocks(doc: ProjectDoc, op: 'add' | 'delete', blocks: readonly BlockDefinition[]): ProjectDoc {
  const ids = new Set(blocks.map((b) => b.id));
  const kept = (doc.blocks ?? []).filter((b) => !ids.has(b.id));
  return withBlocks(doc, op === 'add' ? [...kept, ...blocks] : kept);
}

/** Layers and notes at `positions` (a move can carry both); the others stay. Pure. */
export function moveAll(doc: ProjectDoc, positions: ReadonlyMap<string, XY>): ProjectDoc {
  const notes = notesOf(doc);
  const moved = withGraph(doc, setPositions(doc.graph, positions));
  if (!notes.some((n) => positions.has(n.id))) return moved;
  return withNotes(
    moved,
    notes.map((n) => {
      const p = positions.get(n.id);
      return p ? { ...n, position: { x: p.x, y: p.y } } : n;
    }),
  );
}

function setPositions(graph: Graph, positions: ReadonlyMap<string, XY>): Graph {
  return {
    ...graph,
    nodes: graph.nodes.map((n) => {
      const p = positions.get(n.id);
      return p ? { ...n, position: { x: p.x, y: p.y } } : n;
    }),
  };
}

function setName(graph: Graph, nodeId: string, name: string | undefined): Graph {
  return {
    ...graph,
    nodes: graph.nodes.map((n) => {
      if (n.id !== nodeId) return n;
      const { name: _old, ...rest } = n;
      return name === undefined ? rest : { ...rest, name };
    }),
  };
}

function setParam(graph: Graph, nodeId: string, name: string, value: ParamValue | undefined): Graph {
  return {
    ...graph,
    nodes: graph.nodes.map((n) => {
      if (n.id !== nodeId) return n;
      const params = { ...n.params };
      if (value === undefined) delete params[name];
      else params[name] = value as GraphNode['params'][string];
      return { ...n, params };
    }),
  };
}

/** The document after `entry`. Pure. */
export function applyEntry(doc: ProjectDoc, entry: EditEntry): ProjectDoc {
  const g = doc.graph;
  switch (entry.kind) {
    case 'add':
      return withGraph(doc, addAll(g, entry.nodes, entry.edges));
    case 'delete':
      return withGraph(doc, removeAll(g, entry.nodes, entry.edges));
    case 'move':
      return moveAll(doc, new Map(entry.moves.map((m) => [m.id, m.to])));
    case 'connect':
      return withGraph(doc, addAll(removeAll(g, [], entry.replaced), [], [entry.added]));
    case 'param':
      return withGraph(doc, setParam(g, entry.nodeId, entry.name, entry.after));
    case 'settings':
      return { ...doc, training: entry.after };
    case 'rename':
      return withGraph(doc, setName(g, entry.nodeId, entry.after));
    case 'notes':
      return entry.op === 'add' ? addNotes(doc, entry.notes) : removeNotes(doc, entry.notes);
    case 'noteText':
      return setNoteText(doc, entry.noteId, entry.after);
    case 'blocks':
      return changeBlocks(doc, entry.op, entry.blocks);
    case 'batch':
      return entry.entries.reduce(applyEntry, doc);
  }
}

/** The document before `entry`, given the document after it. Pure. */
export function revertEntry(doc: ProjectDoc, entry: EditEntry): ProjectDoc {
  const g = doc.graph;
  switch (entry.kind) {
    case 'add':
      return withGraph(doc, removeAll(g, entry.nodes, entry.edges));
    case 'delete':
      return withGraph(doc, addAll(g, entry.nodes, entry.edges));
    case 'move':
      return moveAll(doc, new Map(entry.moves.map((m) => [m.id, m.from])));
    case 'connect':
      return withGraph(doc, addAll(removeAll(g, [], [entry.added]), [], entry.replaced));
    case 'param':
      return withGraph(doc, setParam(g, entry.nodeId, entry.name, entry.before));
    case 'settings':
      return { ...doc, training: entry.before };
    case 'rename':
      return withGraph(doc, setName(g, entry.nodeId, entry.before));
    case 'notes':
      return entry.op === 'add' ? removeNotes(doc, entry.notes) : addNotes(doc, entry.notes);
    case 'noteText':
      return setNoteText(doc, entry.noteId, entry.before);
    case 'blocks':
      return changeBlocks(doc, entry.op === 'add' ? 'delete' : 'add', entry.blocks);
    case 'batch':
      return entry.entries.reduceRight(revertEntry, doc);
  }
}

/** `next` folded into `prev` when both are edits of one field in one session, else null. */
export function mergeEntries(prev: EditEntry, next: EditEntry): EditEntry | null {
  if (prev.kind === 'param' && next.kind === 'param') {
    if (!next.mergeKey || prev.mergeKey !== next.mergeKey || prev.nodeId !== next.nodeId || prev.name !== next.name) return null;
    return { ...next, before: prev.before };
  }
  if (prev.kind === 'noteText' && next.kind === 'noteText') {
    if (!next.mergeKey || prev.mergeKey !== next.mergeKey || prev.noteId !== next.noteId) return null;
    return { ...next, before: prev.before };
  }
  if (prev.kind === 'settings' && next.kind === 'settings') {
    if (!next.mergeKey || prev.mergeKey !== next.mergeKey) return null;
    return { ...next, before: prev.before };
  }
  return null;
}

