import { describe, expect, it } from 'vitest';
import { analyzeWithBlocks } from '../../../shared/graph/analyze-blocks';
import { RESIDUAL_BLOCK } from '../../../shared/graph/builtin-blocks';
import { parseProject, serializeProject } from '../../../shared/graph/migrations';
import type { ProjectDoc } from '../../../shared/graph/document';
import { createEditorStore } from './store';

/** A document with nodes and edges in id order (undo puts removed items back at the end). */
const sorted = (doc: ProjectDoc) => ({
  ...doc,
  graph: { nodes: [...doc.graph.nodes].sort((a, b) => a.id.localeCompare(b.id)), edges: [...doc.graph.edges].sort((a, b) => a.id.localeCompare(b.id)) },
});

/** Input(12) -> Dense(8) -> Dense(6) -> Dense(3), built through the store. */
function mlp() {
  const store = createEditorStore();
  const s = () => store.getState();
  const input = s().addNode('Input', { x: 0, y: 0 }) as string;
  s().setParam(input, 'shape', [12]);
  const d1 = s().addNode('Dense', { x: 200, y: 0 }) as string;
  s().setParam(d1, 'units', 8);
  const d2 = s().addNode('Dense', { x: 400, y: 0 }) as string;
  s().setParam(d2, 'units', 6);
  const out = s().addNode('Dense', { x: 600, y: 0 }) as string;
  s().setParam(out, 'units', 3);
  s().connect({ source: input, target: d1, targetPort: 'in' });
  s().connect({ source: d1, target: d2, targetPort: 'in' });
  s().connect({ source: d2, target: out, targetPort: 'in' });
  const params = () => analyzeWithBlocks(s().doc.graph, s().doc.blocks).outer.totalParams;
  return { store, s, input, d1, d2, out, params };
}

describe('blocks in the editor store', () => {
  it('groups the selection into one Block node in one undo step; parameters unchanged; undo and redo', () => {
    const { s, d1, d2, out, params } = mlp();
    const before = params();
    const beforeDoc = s().doc;
    s().select({ nodes: [d1, d2], edges: [] });
    const r = s().groupSelection('Hidden');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(s().doc.blocks?.map((b) => b.name)).toEqual(['Hidden']);
    expect(s().doc.graph.nodes.map((n) => n.type)).toEqual(['Input', 'Dense', 'Block']);
    expect(s().selection.nodes).toEqual([r.nodeId]);
    expect(s().doc.graph.edges.find((e) => e.target === out)?.source).toBe(r.nodeId);
    expect(params()).toBe(before);
    s().undo();
    expect(sorted(s().doc)).toEqual(sorted(beforeDoc));
    expect(s().doc.blocks).toBeUndefined();
    s().redo();
    expect(s().doc.graph.nodes.some((n) => n.id === r.nodeId)).toBe(true);
    expect(params()).toBe(before);
  });

  it('refuses a selection that cannot be a block and records nothing', () => {
    const { s, input, d1 } = mlp();
    const past = s().past.length;
    s().select({ nodes: [input, d1], edges: [] });
    const r = s().groupSelection('X');
    expect(r).toEqual({ ok: false, reason: expect.stringMatching(/^Input cannot go into a block/) as unknown as string });
    expect(s().past.length).toBe(past);
  });

  it('reuses a block: a second instance from the palette has its own weights; ungroup puts layers back, undoable', () => {
    const { s, d1, d2, out, params } = mlp();
    s().select({ nodes: [d1, d2], edges: [] });
    const r = s().groupSelection('Hidden');
    if (!r.ok) throw new Error(r.reason);
    const blockId = s().doc.blocks?.[0]?.id as string;
    const second = s().addBlock(blockId, { x: 800, y: 0 }) as string;
    s().connect({ source: out, target: second, targetPort: 'in1' });
    expect(s().doc.blocks).toHaveLength(1);
    // Dense(3) -> Dense(8) -> Dense(6): (3*8+8) + (8*6+6) more.
    const withTwo = params();
    expect(analyzeWithBlocks(s().doc.graph, s().doc.blocks).outer.nodes.get(second)?.params).toBe(3 * 8 + 8 + 8 * 6 + 6);
    const beforeUngroup = s().doc;
    expect(s().ungroup(r.nodeId)).toBe(true);
    expect(s().doc.graph.nodes.filter((n) => n.type === 'Block').map((n) => n.id)).toEqual([second]);
    expect(params()).toBe(withTwo);
    s().undo();
    expect(sorted(s().doc)).toEqual(sorted(beforeUngroup));
    expect(s().ungroup(out)).toBe(false);
  });

  it('a built-in block is copied into the project on first use only; the project saves and reopens with it', () => {
    const store = createEditorStore();
    const s = () => store.getState();
    const a = s().addBlock(RESIDUAL_BLOCK.id, { x: 0, y: 0 });
    const b = s().addBlock(RESIDUAL_BLOCK.id, { x: 300, y: 0 });
    expect(a).not.toBe(b);
    expect(s().doc.blocks?.map((x) => x.id)).toEqual([RESIDUAL_BLOCK.id]);
    expect(s().doc.graph.nodes.map((n) => [n.type, n.name, n.params])).toEqual([
      ['Block', 'ResidualBlock', { block: RESIDUAL_BLOCK.id, inputs: 1 }],
      ['Block', 'ResidualBlock', { block: RESIDUAL_BLOCK.id, inputs: 1 }],
    ]);
    const reopened = parseProject(serializeProject(s().doc));
    expect(reopened.blocks).toEqual([RESIDUAL_BLOCK]);
    s().undo();
    s().undo();
    expect(s().doc.blocks).toBeUndefined();
    expect(s().addBlock('nope', { x: 0, y: 0 })).toBeNull();
  });

  it('copy and paste carry the block definition into another project; a different block with the same id is not overwritten', () => {
    const a = mlp();
    a.s().select({ nodes: [a.d1, a.d2], edges: [] });
    const r = a.s().groupSelection('Hidden');
    if (!r.ok) throw new Error(r.reason);
    a.s().select({ nodes: [r.nodeId], edges: [] });
    const text = a.s().copySelection() as string;
    const hidden = a.s().doc.blocks?.[0];

    // Into an empty project: the definition comes along, in the same undo step.
    const b = createEditorStore();
    const [pasted] = b.getState().paste(text, { x: 0, y: 0 }) ?? [];
    expect(b.getState().doc.blocks).toEqual([hidden]);
    expect(b.getState().doc.graph.nodes.find((n) => n.id === pasted)?.params['block']).toBe(hidden?.id);
    b.getState().undo();
    expect(b.getState().doc.blocks).toBeUndefined();

    // Into a project whose block_1 is another block: pasted under a fresh id, both kept.
    const c = mlp();
    c.s().select({ nodes: [c.d2], edges: [] });
    const other = c.s().groupSelection('Other');
    if (!other.ok) throw new Error(other.reason);
    expect(c.s().doc.blocks?.[0]?.id).toBe(hidden?.id);
    const [again] = c.s().paste(text, { x: 0, y: 300 }) ?? [];
    const blocks = c.s().doc.blocks ?? [];
    expect(blocks.map((x) => x.name)).toEqual(['Other', 'Hidden']);
    const ref = c.s().doc.graph.nodes.find((n) => n.id === again)?.params['block'];
    expect(ref).toBe(blocks[1]?.id);
    expect(ref).not.toBe(blocks[0]?.id);

    // Back into the project it came from: the definition is reused, not duplicated.
    a.s().paste(text, { x: 0, y: 300 });
    expect(a.s().doc.blocks).toHaveLength(1);
  });

  it('a block dropped on a connection is spliced into it, in one undo step with copying the built-in definition', () => {
    const store = createEditorStore();
    const s = () => store.getState();
    const input = s().addNode('Input', { x: 0, y: 0 }) as string;
    s().setParam(input, 'shape', [8, 8, 32]);
    const pool = s().addNode('GlobalAveragePooling2D', { x: 400, y: 0 }) as string;
    s().connect({ source: input, target: pool, targetPort: 'in' });
    const edge = s().doc.graph.edges[0]?.id as string;
    const past = s().past.length;
    const res = s().addBlock(RESIDUAL_BLOCK.id, { x: 200, y: 0 }, edge) as string;
    expect(s().doc.graph.edges.map((e) => `${e.source}>${e.target}:${e.targetPort}`).sort()).toEqual([`${input}>${res}:in1`, `${res}>${pool}:in`].sort());
    expect(analyzeWithBlocks(s().doc.graph, s().doc.blocks).outer.valid).toBe(true);
    expect(s().past.length).toBe(past + 1);
    s().undo();
    expect(s().doc.blocks).toBeUndefined();
    expect(s().doc.graph.edges.map((e) => e.id)).toEqual([edge]);
  });
});
