import { describe, expect, it } from 'vitest';
import { emptyProject, MAX_NOTE_TEXT, type ProjectDoc } from './document';
import { after, layer, mlp, wire } from './edit-test-support';
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
  inputShapeFor,
  renameLayer,
} from './edits';

describe('addLayer', () => {
  it('adds a layer with the spec defaults under a fresh id and selects it', () => {
    const doc = mlp();
    const edit = addLayer(doc, 'Dense', { x: 5, y: 6 });
    const next = after(doc, edit);
    expect(edit?.select).toEqual(['dense_1']);
    expect(next.graph.nodes.at(-1)).toEqual({ id: 'dense_1', type: 'Dense', position: { x: 5, y: 6 }, params: expect.objectContaining({ units: 32, activation: 'linear', useBias: true, trainable: true }) });
    expect(next.graph.edges).toEqual(doc.graph.edges);
  });

  it('shapes a new Input for the data set, and knows no unknown type', () => {
    const next = after(emptyProject(), addLayer(emptyProject(), 'Input', { x: 0, y: 0 }));
    expect(next.graph.nodes[0]?.params['shape']).toEqual([28, 28, 1]);
    expect(inputShapeFor('iris')).toEqual([4]);
    expect(inputShapeFor('imdb')).toBeNull();
    expect(addLayer(emptyProject(), 'NoSuchLayer', { x: 0, y: 0 })).toBeNull();
  });

  it('splices into a connection in the same step', () => {
    const doc = mlp();
    const edit = addLayer(doc, 'Dropout', { x: 300, y: 0 }, 'e2');
    expect(edit?.entry).toMatchObject({ kind: 'batch', label: 'insert Dropout' });
    const next = after(doc, edit);
    expect(next.graph.edges.map((e) => [e.source, e.target, e.targetPort])).toEqual([
      ['input', 'flatten', 'in'],
      ['flatten', 'dropout_1', 'in'],
      ['dropout_1', 'dense', 'in'],
    ]);
  });
});

describe('deleteElements', () => {
  it('takes a layer with its connections, and clears the selection', () => {
    const doc = mlp();
    const edit = deleteElements(doc, ['flatten'], []);
    const next = after(doc, edit);
    expect(edit?.select).toEqual([]);
    expect(next.graph.nodes.map((n) => n.id)).toEqual(['input', 'dense']);
    expect(next.graph.edges).toEqual([]);
    expect(next.notes).toEqual(doc.notes);
  });

  it('takes notes and connections alone or with layers in one step; nothing for unknown ids', () => {
    const doc = mlp();
    expect(after(doc, deleteElements(doc, ['note'], [])).notes).toBeUndefined();
    expect(after(doc, deleteElements(doc, [], ['e1'])).graph.edges.map((e) => e.id)).toEqual(['e2']);
    const both = deleteElements(doc, ['note', 'dense'], []);
    expect(both?.entry).toMatchObject({ kind: 'batch', label: 'delete' });
    const next = after(doc, both);
    expect([next.graph.nodes.length, next.graph.edges.length, next.notes]).toEqual([2, 1, undefined]);
    expect(deleteElements(doc, ['ghost'], ['ghost'])).toBeNull();
  });
});

describe('connectPorts', () => {
  it('replaces the edge in a taken port, and does nothing for the same connection or a refused one', () => {
    const doc = mlp();
    const next = after(doc, connectPorts(doc, { source: 'input', target: 'dense', targetPort: 'in' }));
    expect(next.graph.edges.map((e) => [e.id, e.source, e.target])).toEqual([
      ['e1', 'input', 'flatten'],
      ['e_input_dense_1', 'input', 'dense'],
    ]);
    expect(connectPorts(doc, { source: 'flatten', target: 'dense', targetPort: 'in' })).toBeNull();
    expect(connectPorts(doc, { source: 'dense', target: 'input', targetPort: 'in' })).toBeNull();
    expect(connectPorts(doc, { source: 'dense', target: 'flatten', targetPort: 'in' })).toBeNull(); // a cycle
  });
});

describe('connect fixes', () => {
  const conv = (): ProjectDoc => {
    const doc = mlp();
    return { ...doc, graph: { nodes: [...doc.graph.nodes, layer('conv', 'Conv2D', 300, { filters: 8 })], edges: doc.graph.edges } };
  };
  const c = { source: 'input', target: 'conv', targetPort: 'in' };

  it('gives the Input its channel and connects, as one step', () => {
    const doc = conv();
    const next = after(doc, connectWithInputShape(doc, c, [28, 28, 1]));
    expect(next.graph.nodes[0]?.params['shape']).toEqual([28, 28, 1]);
    expect(next.graph.edges.at(-1)).toEqual({ id: 'e_input_conv_1', source: 'input', target: 'conv', targetPort: 'in' });
  });

  it('puts a selected Reshape between the two, below both', () => {
    const doc = conv();
    const edit = connectThroughReshape(doc, c, [28, 28, 1]);
    const next = after(doc, edit);
    expect(edit?.select).toEqual(['reshape_1']);
    expect(next.graph.nodes.at(-1)).toMatchObject({ id: 'reshape_1', type: 'Reshape', position: { x: 150, y: 110 }, params: { targetShape: [28, 28, 1] } });
    expect(next.graph.edges.slice(-2).map((e) => [e.source, e.target])).toEqual([
      ['input', 'reshape_1'],
      ['reshape_1', 'conv'],
    ]);
    expect(connectThroughReshape(doc, { ...c, target: 'gone' }, [1])).toBeNull();
  });
});

describe('params, settings, names and freezing', () => {
  it('sets a param (a copy of an array), nothing when unchanged', () => {
    const doc = mlp();
    const shape = [28, 28, 1];
    const next = after(doc, changeParam(doc, 'input', 'shape', shape, 'k'));
    shape.push(9);
    expect(next.graph.nodes[0]?.params['shape']).toEqual([28, 28, 1]);
    expect(changeParam(doc, 'dense', 'units', 10)).toBeNull();
    expect(changeParam(doc, 'ghost', 'units', 3)).toBeNull();
  });

  it('patches the training settings, nothing when unchanged', () => {
    const doc = mlp();
    expect(after(doc, changeSettings(doc, { epochs: 7 })).training).toEqual({ ...doc.training, epochs: 7 });
    expect(changeSettings(doc, { epochs: doc.training.epochs })).toBeNull();
  });

  it('names a layer trimmed and clipped; a blank name removes it', () => {
    const doc = mlp();
    const named = after(doc, renameLayer(doc, 'dense', `  ${'x'.repeat(300)} `));
    expect(named.graph.nodes[2]?.name).toBe('x'.repeat(200));
    const cleared = after(named, renameLayer(named, 'dense', '   '));
    expect('name' in (cleared.graph.nodes[2] ?? {})).toBe(false);
    expect(renameLayer(doc, 'dense', '')).toBeNull();
  });

  it('freezes the layers with weights before a layer, and counts them', () => {
    const doc: ProjectDoc = {
      ...emptyProject(),
      graph: {
        nodes: [layer('in', 'Input', 0, { shape: [4] }), layer('d1', 'Dense', 1), layer('d2', 'Dense', 2), layer('d3', 'Dense', 3)],
        edges: [wire('a', 'in', 'd1'), wire('b', 'd1', 'd2'), wire('c', 'd2', 'd3')],
      },
    };
    const { edit, changed } = freezeLayersBefore(doc, 'd3', true);
    expect(changed).toBe(2);
    const next = after(doc, edit);
    expect(next.graph.nodes.map((n) => n.params['trainable'])).toEqual([undefined, false, false, undefined]);
    expect(freezeLayersBefore(next, 'd3', true)).toEqual({ edit: null, changed: 0 });
    expect(freezeLayersBefore(next, 'd3', false).changed).toBe(2);
  });
});

describe('notes', () => {
  it('adds a note under a fresh id (not a layer\'s) and selects it; text is clipped', () => {
    const doc = mlp();
    const edit = addNote(doc, { x: 1, y: 2 }, 'y'.repeat(MAX_NOTE_TEXT + 5));
    const next = after(doc, edit);
    expect(edit.id).toBe('note_1');
    expect(edit.select).toEqual(['note_1']);
    expect(next.notes?.at(-1)).toEqual({ id: 'note_1', text: 'y'.repeat(MAX_NOTE_TEXT), position: { x: 1, y: 2 } });
  });

  it('changes a note\'s text, nothing when unchanged or gone', () => {
    const doc = mlp();
    const edit = changeNoteText(doc, 'note', 'bye', 'm');
    expect(edit?.entry).toEqual({ kind: 'noteText', noteId: 'note', before: 'hello', after: 'bye', mergeKey: 'm' });
    expect(after(doc, edit).notes?.[0]?.text).toBe('bye');
    expect(changeNoteText(doc, 'note', 'hello')).toBeNull();
    expect(changeNoteText(doc, 'ghost', 'x')).toBeNull();
  });
});
