import { describe, expect, it } from 'vitest';
import { addBlock, groupIntoBlock, pasteClip, ungroupBlock } from './block-edits';
import { RESIDUAL_BLOCK } from './builtin-blocks';
import { BLOCK_NODE_TYPE } from './block-schema';
import { clipText, parseClip, type Clip } from './clipboard';
import { after, mlp } from './edit-test-support';
import type { ProjectDoc } from './document';

/** The mlp with Flatten -> Dense grouped into block "Head". */
function grouped(): { doc: ProjectDoc; nodeId: string } {
  const doc = mlp();
  const r = groupIntoBlock(doc, ['flatten', 'dense', 'note'], 'Head');
  if (!r.ok) throw new Error(r.reason);
  return { doc: after(doc, r.edit), nodeId: r.nodeId };
}

describe('groupIntoBlock and ungroupBlock', () => {
  it('replaces the layers (not the note) with a selected Block node of a new definition, wired as they were', () => {
    const { doc, nodeId } = grouped();
    expect(doc.blocks?.map((b) => [b.name, b.graph.nodes.map((n) => n.type)])).toEqual([['Head', ['Flatten', 'Dense']]]);
    expect(doc.graph.nodes.map((n) => n.type)).toEqual(['Input', BLOCK_NODE_TYPE]);
    expect(doc.graph.edges.map((e) => [e.source, e.target])).toEqual([['input', nodeId]]);
    expect(doc.notes?.map((n) => n.id)).toEqual(['note']);
  });

  it('says why layers cannot be grouped', () => {
    const r = groupIntoBlock(mlp(), ['note'], 'Nothing');
    expect(r.ok).toBe(false);
    expect(r.ok ? '' : r.reason).not.toBe('');
  });

  it('puts the layers back in place of the Block node, selected; nothing for a layer that is not a block', () => {
    const { doc, nodeId } = grouped();
    const edit = ungroupBlock(doc, nodeId);
    const next = after(doc, edit);
    expect(next.graph.nodes.map((n) => n.type)).toEqual(['Input', 'Flatten', 'Dense']);
    expect(edit?.select).toEqual(next.graph.nodes.slice(1).map((n) => n.id));
    const [flatten, dense] = next.graph.nodes.slice(1).map((n) => n.id);
    expect(next.graph.edges.map((e) => `${e.source}->${e.target}`).sort()).toEqual([`${flatten}->${dense}`, `input->${flatten}`].sort());
    expect(ungroupBlock(doc, 'input')).toBeNull();
  });
});

describe('addBlock', () => {
  it('copies a built-in block into the project with its node, in one step', () => {
    const doc = mlp();
    const edit = addBlock(doc, RESIDUAL_BLOCK.id, { x: 7, y: 8 });
    const next = after(doc, edit);
    expect(next.blocks).toEqual([RESIDUAL_BLOCK]);
    expect(next.graph.nodes.at(-1)).toEqual({ id: 'block_1', type: BLOCK_NODE_TYPE, name: 'ResidualBlock', position: { x: 7, y: 8 }, params: { block: RESIDUAL_BLOCK.id, inputs: 1 } });
    expect(edit?.select).toEqual(['block_1']);
    // Once it is the project's, another copy adds only the node.
    expect(addBlock(next, RESIDUAL_BLOCK.id, { x: 0, y: 0 })?.entry).toMatchObject({ kind: 'add', nodes: [{ id: 'block_2' }] });
    expect(addBlock(doc, 'no-such-block', { x: 0, y: 0 })).toBeNull();
  });

  it('splices the new block into a connection, its first input taking the wire', () => {
    const { doc } = grouped();
    const head = doc.blocks?.[0];
    if (!head) throw new Error('no block');
    const edge = doc.graph.edges[0]?.id as string;
    const next = after(doc, addBlock(doc, head.id, { x: 0, y: 0 }, edge));
    const added = next.graph.nodes.at(-1)?.id;
    expect(next.graph.edges.map((e) => [e.source, e.target])).toEqual([
      ['input', added],
      [added, doc.graph.nodes[1]?.id],
    ]);
  });
});

describe('pasteClip', () => {
  const clipOf = (doc: ProjectDoc, ids: string[]): Clip => parseClip(clipText(doc, ids) ?? '') as Clip;

  it('pastes copies under fresh ids with the connections among them, at a point or shifted', () => {
    const doc = mlp();
    const clip = clipOf(doc, ['flatten', 'dense']);
    const edit = pasteClip(doc, clip, { at: { x: 1000, y: 500 } });
    const next = after(doc, edit);
    expect(edit.select).toEqual(['flatten_1', 'dense_1']);
    expect(next.graph.nodes.slice(3).map((n) => [n.id, n.position, n.params])).toEqual([
      ['flatten_1', { x: 1000, y: 500 }, {}],
      ['dense_1', { x: 1200, y: 500 }, { units: 10, activation: 'softmax' }],
    ]);
    expect(next.graph.edges.slice(2)).toEqual([{ id: 'e_flatten_1_dense_1_1', source: 'flatten_1', target: 'dense_1', targetPort: 'in' }]);
    const shifted = after(doc, pasteClip(doc, clip, { offset: { x: 40, y: 40 } }));
    expect(shifted.graph.nodes.slice(3).map((n) => n.position)).toEqual([{ x: 240, y: 40 }, { x: 440, y: 40 }]);
  });

  it('brings the block definitions a pasted Block node needs into another project, in the same step', () => {
    const { doc, nodeId } = grouped();
    const clip = clipOf(doc, [nodeId]);
    const elsewhere = mlp();
    const edit = pasteClip(elsewhere, clip, { offset: { x: 0, y: 0 } });
    expect(edit.entry).toMatchObject({ kind: 'batch', label: 'paste' });
    const next = after(elsewhere, edit);
    expect(next.blocks).toEqual(doc.blocks);
    // In its own project the definition is already there: only the node is pasted.
    expect(pasteClip(doc, clip, { offset: { x: 0, y: 0 } }).entry.kind).toBe('add');
  });
});
