import { describe, expect, it } from 'vitest';
import mnistText from '../../resources/examples/mnist-mlp.nwproj?raw';
import { analyzeGraph } from './analyze';
import { CompileError, compileGraph } from './compile';
import { parseProject } from './migrations';
import type { Graph, GraphNode } from './document';

const mnist = () => parseProject(mnistText).graph;
const at = { x: 0, y: 0 };
/** Keras' default initializers, which Dense always passes on. */
const INIT = { kernelInitializer: 'glorotUniform', biasInitializer: 'zeros' };

describe('compileGraph', () => {
  it('lowers the MNIST MLP into inputs, layer calls in order, and outputs', () => {
    const g = mnist();
    const plan = compileGraph(g, analyzeGraph(g));
    expect(plan).toEqual({
      inputs: [{ nodeId: 'input', name: 'input_1', shape: [28, 28] }],
      layers: [
        { nodeId: 'flatten', name: 'flatten_1', factory: 'flatten', config: {}, inputs: ['input'] },
        { nodeId: 'hidden', name: 'dense_1', factory: 'dense', config: { units: 128, activation: 'relu', useBias: true, ...INIT }, inputs: ['flatten'] },
        { nodeId: 'output', name: 'dense_2', factory: 'dense', config: { units: 10, activation: 'softmax', useBias: true, ...INIT }, inputs: ['hidden'] },
      ],
      outputs: ['output'],
      outputShapes: [[null, 10]],
    });
  });

  it('follows dependency order, not the order nodes are listed in', () => {
    const g = mnist();
    const shuffled: Graph = { ...g, nodes: [...g.nodes].reverse() };
    const plan = compileGraph(shuffled, analyzeGraph(shuffled));
    expect(plan.layers.map((l) => l.nodeId)).toEqual(['flatten', 'hidden', 'output']);
    // Names come from node order, so they stay unique whatever the order.
    expect(new Set(plan.layers.map((l) => l.name)).size).toBe(3);
  });

  it('fills defaults into the tfjs config', () => {
    const g: Graph = {
      nodes: [
        { id: 'i', type: 'Input', position: at, params: { shape: [3] } },
        { id: 'd', type: 'Dense', position: at, params: {} },
        { id: 'r', type: 'Dropout', position: at, params: {} },
      ],
      edges: [
        { id: 'e1', source: 'i', target: 'd', targetPort: 'in' },
        { id: 'e2', source: 'd', target: 'r', targetPort: 'in' },
      ],
    };
    const plan = compileGraph(g, analyzeGraph(g));
    expect(plan.layers.map((l) => l.config)).toEqual([{ units: 32, activation: 'linear', useBias: true, ...INIT }, { rate: 0.5 }]);
  });

  it('makes tfjs-safe, unique layer names from user names', () => {
    const nodes: GraphNode[] = [
      { id: 'i', type: 'Input', position: at, params: { shape: [3] } },
      { id: 'a', type: 'Dense', name: 'My Layer!', position: at, params: { units: 2 } },
      { id: 'b', type: 'Dense', name: 'my layer', position: at, params: { units: 2 } },
      { id: 'c', type: 'Dense', name: '***', position: at, params: { units: 2 } },
    ];
    const g: Graph = {
      nodes,
      edges: [
        { id: 'e1', source: 'i', target: 'a', targetPort: 'in' },
        { id: 'e2', source: 'a', target: 'b', targetPort: 'in' },
        { id: 'e3', source: 'b', target: 'c', targetPort: 'in' },
      ],
    };
    const plan = compileGraph(g, analyzeGraph(g));
    expect(plan.layers.map((l) => l.name)).toEqual(['my_layer_1', 'my_layer_2', 'layer_1']);
    for (const l of plan.layers) expect(l.name).toMatch(/^[a-z0-9_]+$/);
  });

  it('compiles branches with several outputs', () => {
    const g: Graph = {
      nodes: [
        { id: 'i', type: 'Input', position: at, params: { shape: [4] } },
        { id: 'a', type: 'Dense', position: at, params: { units: 3 } },
        { id: 'b', type: 'Dense', position: at, params: { units: 2 } },
      ],
      edges: [
        { id: 'e1', source: 'i', target: 'a', targetPort: 'in' },
        { id: 'e2', source: 'i', target: 'b', targetPort: 'in' },
      ],
    };
    const plan = compileGraph(g, analyzeGraph(g));
    expect(plan.layers.map((l) => l.inputs)).toEqual([['i'], ['i']]);
    expect(plan.outputs).toEqual(['a', 'b']);
    expect(plan.outputShapes).toEqual([[null, 3], [null, 2]]);
  });

  it('refuses an invalid graph with the first error message', () => {
    const g: Graph = {
      nodes: [
        { id: 'i', type: 'Input', position: at, params: { shape: [4] } },
        { id: 'd', type: 'Dense', name: 'Head', position: at, params: { units: 3 } },
      ],
      edges: [],
    };
    expect(() => compileGraph(g, analyzeGraph(g))).toThrow(CompileError);
    expect(() => compileGraph(g, analyzeGraph(g))).toThrow('Head (Dense) has nothing connected to its input.');
  });

  it('refuses an empty graph', () => {
    const g: Graph = { nodes: [], edges: [] };
    expect(() => compileGraph(g, analyzeGraph(g))).toThrow('The graph is empty.');
  });
});
