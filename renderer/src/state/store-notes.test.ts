import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../../shared/graph/analyze';
import { MAX_NOTE_TEXT } from '../../../shared/graph/document';
import { parseProject, serializeProject } from '../../../shared/graph/migrations';
import { createEditorStore } from './store';

function withNote() {
  const store = createEditorStore();
  const s = () => store.getState();
  const input = s().addNode('Input', { x: 0, y: 0 }) as string;
  const note = s().addNote({ x: 10, y: 200 });
  return { store, s, input, note };
}

describe('canvas notes', () => {
  it('adds a note with an id unlike any layer, selects it, and undo/redo remove and restore it', () => {
    const { s, input, note } = withNote();
    expect(note).not.toBe(input);
    expect(s().doc.notes).toEqual([{ id: note, text: '', position: { x: 10, y: 200 } }]);
    expect(s().selection.nodes).toEqual([note]);
    s().undo();
    expect(s().doc.notes).toBeUndefined();
    expect(s().selection.nodes).toEqual([]);
    s().redo();
    expect(s().doc.notes?.map((n) => n.id)).toEqual([note]);
  });

  it('typing in one focus is one undo step; the text is clipped to the limit', () => {
    const { s, note } = withNote();
    s().setNoteText(note, 'H', 'focus-1');
    s().setNoteText(note, 'Hi', 'focus-1');
    s().setNoteText(note, 'Hi there', 'focus-1');
    expect(s().doc.notes?.[0]?.text).toBe('Hi there');
    s().undo();
    expect(s().doc.notes?.[0]?.text).toBe('');
    s().redo();
    s().setNoteText(note, 'x'.repeat(MAX_NOTE_TEXT + 50), 'focus-2');
    expect(s().doc.notes?.[0]?.text).toHaveLength(MAX_NOTE_TEXT);
  });

  it('moves with a drag as one undo step, together with layers', () => {
    const { s, input, note } = withNote();
    s().dragNodes(new Map([[note, { x: 50, y: 250 }], [input, { x: 5, y: 5 }]]));
    s().endMove(new Map([[note, { x: 10, y: 200 }], [input, { x: 0, y: 0 }]]));
    expect(s().doc.notes?.[0]?.position).toEqual({ x: 50, y: 250 });
    expect(s().doc.graph.nodes[0]?.position).toEqual({ x: 5, y: 5 });
    s().undo();
    expect(s().doc.notes?.[0]?.position).toEqual({ x: 10, y: 200 });
    expect(s().doc.graph.nodes[0]?.position).toEqual({ x: 0, y: 0 });
  });

  it('deletes with the selection (layers too) in one undo step', () => {
    const { s, input, note } = withNote();
    s().setNoteText(note, 'keep me');
    s().select({ nodes: [input, note], edges: [] });
    s().deleteSelection();
    expect(s().doc.notes).toBeUndefined();
    expect(s().doc.graph.nodes).toEqual([]);
    s().undo();
    expect(s().doc.notes?.[0]?.text).toBe('keep me');
    expect(s().doc.graph.nodes.map((n) => n.id)).toEqual([input]);
  });

  it('survives save and reopen, and analysis ignores notes', () => {
    const { s, note } = withNote();
    s().setNoteText(note, 'Why a 28x28 input');
    const reopened = parseProject(serializeProject(s().doc));
    expect(reopened.notes).toEqual([{ id: note, text: 'Why a 28x28 input', position: { x: 10, y: 200 } }]);
    const without = analyzeGraph({ ...s().doc.graph });
    expect(analyzeGraph(reopened.graph).nodes.size).toBe(without.nodes.size);
    expect(without.nodes.has(note)).toBe(false);
  });

  it('refuses files whose note shares an id with a layer or is too long', () => {
    const { s, input } = withNote();
    const doc = s().doc;
    const clash = { ...doc, notes: [{ id: input, text: '', position: { x: 0, y: 0 } }] };
    expect(() => parseProject(JSON.stringify(clash))).toThrow(/used twice/);
    const long = { ...doc, notes: [{ id: 'n', text: 'x'.repeat(MAX_NOTE_TEXT + 1), position: { x: 0, y: 0 } }] };
    expect(() => parseProject(JSON.stringify(long))).toThrow(/damaged/);
  });
});
