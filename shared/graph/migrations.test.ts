import { describe, expect, it } from 'vitest';
import mnistText from '../../resources/examples/mnist-mlp.nwproj?raw';
import { ProjectFileError, parseProject, serializeProject, upgradeProject, MIGRATIONS } from './migrations';
import { DEFAULT_TRAINING, PROJECT_FORMAT, PROJECT_VERSION, emptyProject, type ProjectDoc } from './document';

const mnist = (): Record<string, unknown> => JSON.parse(mnistText) as Record<string, unknown>;

/** The ProjectFileError message thrown by `fn`; fails the test if it throws something else or nothing. */
function fileError(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ProjectFileError);
    expect((e as Error).name).toBe('ProjectFileError');
    return (e as Error).message;
  }
  throw new Error('expected a ProjectFileError, nothing was thrown');
}

const withDoc = (patch: (doc: Record<string, unknown>) => void): string => {
  const doc = mnist();
  patch(doc);
  return JSON.stringify(doc);
};

describe('parseProject / serializeProject', () => {
  it('reads the shipped MNIST example as it is on disk', () => {
    const doc = parseProject(mnistText);
    expect(doc).toEqual(mnist());
    expect(doc.graph.nodes.map((n) => n.type)).toEqual(['Input', 'Flatten', 'Dense', 'Dense']);
  });

  it('round-trips: parse(serialize(doc)) equals doc, and serializing again is byte-identical', () => {
    const doc = parseProject(mnistText);
    const text = serializeProject(doc);
    expect(text.endsWith('}\n')).toBe(true);
    const again = parseProject(text);
    expect(again).toEqual(doc);
    expect(serializeProject(again)).toBe(text);
  });

  it('round-trips an empty project and optional fields (node names, limits)', () => {
    const doc: ProjectDoc = {
      ...emptyProject('Tiny'),
      graph: {
        nodes: [{ id: 'a', type: 'Input', name: 'Pixels', position: { x: -1.5, y: 2 }, params: { shape: [4] } }],
        edges: [],
      },
      training: { ...DEFAULT_TRAINING, trainLimit: 1000, testLimit: 200 },
    };
    expect(parseProject(serializeProject(doc))).toEqual(doc);
    expect(parseProject(serializeProject(emptyProject()))).toEqual(emptyProject());
  });

  it('fills a missing edge targetPort with "in"', () => {
    const text = withDoc((d) => {
      const edges = (d['graph'] as { edges: Record<string, unknown>[] }).edges;
      delete edges[0]!['targetPort'];
    });
    expect(parseProject(text).graph.edges[0]!.targetPort).toBe('in');
  });

  it('serializeProject refuses an invalid document rather than writing it', () => {
    const bad = { ...emptyProject(), training: { ...DEFAULT_TRAINING, epochs: 0 } };
    expect(() => serializeProject(bad)).toThrow();
  });
});

describe('migrations', () => {
  it('has a migration for every version below the current one', () => {
    for (let v = 0; v < PROJECT_VERSION; v++) expect(MIGRATIONS[v], `migration ${v}`).toBeTypeOf('function');
  });

  it('upgrades a version-0 file: adds validationSplit and limits, keeps everything else', () => {
    const v0 = mnist();
    v0['version'] = 0;
    const training = v0['training'] as Record<string, unknown>;
    delete training['validationSplit'];
    delete training['trainLimit'];
    delete training['testLimit'];
    training['epochs'] = 3;
    const doc = parseProject(JSON.stringify(v0));
    expect(doc.version).toBe(PROJECT_VERSION);
    expect(doc.training).toEqual({ ...DEFAULT_TRAINING, learningRate: training['learningRate'], epochs: 3, validationSplit: 0.1, trainLimit: null, testLimit: null });
    expect(doc.graph).toEqual(parseProject(mnistText).graph);
  });

  it('upgrades a version-1 file: fills the version-2 training settings with what version 1 did, keeps the rest', () => {
    const v1 = mnist();
    v1['version'] = 1;
    const training = v1['training'] as Record<string, unknown>;
    for (const k of ['data', 'optimizerOptions', 'lrSchedule', 'loss', 'metrics', 'validationSource', 'shuffle', 'seed', 'earlyStopping', 'checkpointBest']) delete training[k];
    training['optimizer'] = 'sgd';
    training['epochs'] = 4;
    const doc = parseProject(JSON.stringify(v1));
    expect(doc.version).toBe(PROJECT_VERSION);
    expect(doc.training).toEqual({ ...DEFAULT_TRAINING, optimizer: 'sgd', epochs: 4, learningRate: training['learningRate'] });
    expect(doc.training.loss).toBe('categoricalCrossentropy');
    expect(doc.training.lrSchedule).toEqual({ kind: 'constant' });
    expect(doc.graph).toEqual(parseProject(mnistText).graph);
  });

  it('a version-1 file keeps version-2 fields it already has (written by a newer build) and is still validated', () => {
    const v1 = mnist();
    v1['version'] = 1;
    (v1['training'] as Record<string, unknown>)['loss'] = 'huber';
    expect(parseProject(JSON.stringify(v1)).training.loss).toBe('huber');
    (v1['training'] as Record<string, unknown>)['loss'] = 'nonsense';
    expect(fileError(() => parseProject(JSON.stringify(v1)))).toMatch(/^The project file is damaged: training\.loss: /);
  });

  it('upgrades a version-2 file to version 3 unchanged but for the number (it has no blocks)', () => {
    const v2 = mnist();
    v2['version'] = 2;
    const doc = parseProject(JSON.stringify(v2));
    expect(doc.version).toBe(3);
    expect(doc).toEqual(parseProject(mnistText));
    expect(doc.blocks).toBeUndefined();
    expect(MIGRATIONS[2]!({ version: 2, x: 1 })).toEqual({ version: 3, x: 1 });
  });

  it('keeps values a version-0 file already had', () => {
    const v0 = mnist();
    v0['version'] = 0;
    (v0['training'] as Record<string, unknown>)['validationSplit'] = 0.25;
    expect(parseProject(JSON.stringify(v0)).training.validationSplit).toBe(0.25);
  });

  it('validates after migrating: a damaged version-0 file is still refused', () => {
    const v0 = mnist();
    v0['version'] = 0;
    delete v0['training'];
    expect(fileError(() => parseProject(JSON.stringify(v0)))).toMatch(/^The project file is damaged: training\.dataset: /);
  });
});

describe('bad project files give a ProjectFileError with a readable message', () => {
  it('a newer version: says so and tells the user to update', () => {
    const msg = fileError(() => parseProject(withDoc((d) => (d['version'] = PROJECT_VERSION + 1))));
    expect(msg).toBe(
      `This project was saved by a newer Netwright (file version ${PROJECT_VERSION + 1}, this app reads up to ${PROJECT_VERSION}). Update Netwright to open it.`,
    );
  });

  it('a wrong or missing format', () => {
    const expected = 'This is not a Netwright project (its "format" field is missing or wrong).';
    expect(fileError(() => parseProject(withDoc((d) => (d['format'] = 'keras-model'))))).toBe(expected);
    expect(fileError(() => parseProject(withDoc((d) => delete d['format'])))).toBe(expected);
    expect(fileError(() => parseProject('{"name": "x"}'))).toBe(expected);
  });

  it('a missing, fractional or negative version', () => {
    for (const version of [undefined, '1', 0.5, -1, null]) {
      const msg = fileError(() => parseProject(withDoc((d) => (d['version'] = version))));
      expect(msg, String(version)).toBe('The project file has no valid "version".');
    }
  });

  it('text that is not JSON, including an empty file', () => {
    expect(fileError(() => parseProject('{"format": "netwright-project",'))).toMatch(/^The project file is not valid JSON \(.+\)\.$/);
    expect(fileError(() => parseProject(''))).toMatch(/^The project file is not valid JSON/);
    expect(fileError(() => parseProject('<?xml version="1.0"?>'))).toMatch(/^The project file is not valid JSON/);
  });

  it('JSON that is not an object', () => {
    for (const text of ['[]', 'null', '42', '"netwright-project"']) {
      expect(fileError(() => parseProject(text)), text).toBe('The project file does not contain a project object.');
    }
  });

  it('wrong types name the field that is wrong', () => {
    expect(fileError(() => parseProject(withDoc((d) => ((d['training'] as Record<string, unknown>)['epochs'] = '3'))))).toBe(
      'The project file is damaged: training.epochs: Invalid input: expected number, received string.',
    );
    expect(fileError(() => parseProject(withDoc((d) => (d['name'] = 7))))).toMatch(/^The project file is damaged: name: /);
    expect(
      fileError(() =>
        parseProject(withDoc((d) => ((d['graph'] as { nodes: Record<string, unknown>[] }).nodes[1]!['position'] = 'left'))),
      ),
    ).toMatch(/^The project file is damaged: graph\.nodes\.1\.position: /);
    expect(fileError(() => parseProject(withDoc((d) => ((d['training'] as Record<string, unknown>)['optimizer'] = 'lbfgs'))))).toMatch(
      /^The project file is damaged: training\.optimizer: .*"sgd"/,
    );
  });

  it('a number that overflows to Infinity is refused', () => {
    const text = mnistText.replace('"learningRate": 0.002', '"learningRate": 1e999');
    expect(text).not.toBe(mnistText);
    expect(fileError(() => parseProject(text))).toMatch(/^The project file is damaged: training\.learningRate: /);
  });

  it('repeated node or edge ids are refused (they would be counted twice)', () => {
    const dupNode = withDoc((d) => {
      const nodes = (d['graph'] as { nodes: Record<string, unknown>[] }).nodes;
      nodes.push({ ...nodes[3]!, params: { units: 5 } });
    });
    expect(fileError(() => parseProject(dupNode))).toBe('The project file is damaged: graph.nodes.4.id: Two nodes share the id "output".');
    const dupEdge = withDoc((d) => {
      const edges = (d['graph'] as { edges: Record<string, unknown>[] }).edges;
      edges[2]!['id'] = 'e1';
    });
    expect(fileError(() => parseProject(dupEdge))).toBe('The project file is damaged: graph.edges.2.id: Two edges share the id "e1".');
  });

  it('an oversized file is refused before it is parsed', () => {
    const huge = ' '.repeat(50 * 1024 * 1024 + 1);
    expect(fileError(() => parseProject(huge))).toBe('The project file is larger than 50 MB.');
  });

  it('absurd contents: too many nodes, oversized strings, long shapes', () => {
    const manyNodes = withDoc((d) => {
      (d['graph'] as { nodes: unknown[] }).nodes = Array.from({ length: 5001 }, (_, i) => ({ id: `n${i}`, type: 'Dense', position: { x: 0, y: 0 }, params: {} }));
      (d['graph'] as { edges: unknown[] }).edges = [];
    });
    expect(fileError(() => parseProject(manyNodes))).toMatch(/^The project file is damaged: graph\.nodes: .*5000/);
    expect(fileError(() => parseProject(withDoc((d) => (d['name'] = 'x'.repeat(10_000)))))).toMatch(/^The project file is damaged: name: /);
    const longShape = withDoc((d) => {
      (d['graph'] as { nodes: { params: Record<string, unknown> }[] }).nodes[0]!.params['shape'] = Array.from({ length: 17 }, () => 1);
    });
    expect(fileError(() => parseProject(longShape))).toMatch(/^The project file is damaged: graph\.nodes\.0\.params\.shape: /);
    const epochs = withDoc((d) => ((d['training'] as Record<string, unknown>)['epochs'] = 1e9));
    expect(fileError(() => parseProject(epochs))).toMatch(/^The project file is damaged: training\.epochs: /);
  });

  it('deeply nested JSON does not crash the parser', () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    expect(fileError(() => parseProject(deep))).toMatch(/^The project file (is not valid JSON|does not contain a project object)/);
  });

  it('a "__proto__" key in params cannot change what a param reads as', () => {
    const text = mnistText.replace('"params": { "units": 128,', '"params": { "__proto__": { "polluted": true }, "units": 128,');
    expect(text).not.toBe(mnistText);
    const doc = parseProject(text);
    const params = doc.graph.nodes[2]!.params as Record<string, unknown>;
    expect(params['polluted']).toBeUndefined();
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('upgradeProject accepts an already-parsed value', () => {
    expect(upgradeProject(mnist()).format).toBe(PROJECT_FORMAT);
    expect(fileError(() => upgradeProject(undefined))).toBe('The project file does not contain a project object.');
  });
});

describe('blocks in the project file', () => {
  const dense = (id: string) => ({ id, type: 'Dense', position: { x: 0, y: 0 }, params: { units: 4 } });
  const blockNode = (id: string, block: string) => ({ id, type: 'Block', position: { x: 0, y: 0 }, params: { block, inputs: 1 } });
  const def = (id: string, nodes: unknown[], output: string, target = output) => ({
    id,
    name: id,
    graph: { nodes, edges: [] },
    inputs: [{ name: 'x', targets: [{ node: target, port: 'in' }] }],
    output,
  });
  const withBlocks = (blocks: unknown[]) => withDoc((d) => (d['blocks'] = blocks));

  it('round-trips a project with a block definition', () => {
    const doc = parseProject(withBlocks([def('mlp', [dense('a')], 'a')]));
    expect(doc.blocks?.[0]?.graph.nodes[0]?.id).toBe('a');
    expect(parseProject(serializeProject(doc))).toEqual(doc);
  });

  it('refuses a block that contains itself, directly or through another block', () => {
    expect(fileError(() => parseProject(withBlocks([def('a', [blockNode('x', 'a')], 'x')])))).toBe(
      'The project file is damaged: blocks: Block "a" contains itself (a → a).',
    );
    expect(fileError(() => parseProject(withBlocks([def('a', [blockNode('x', 'b')], 'x'), def('b', [blockNode('y', 'a')], 'y')])))).toBe(
      'The project file is damaged: blocks: Block "a" contains itself (a → b → a).',
    );
  });

  it('refuses a definition whose output or input target is not one of its nodes, ids with "/", twice the same id, too many inputs', () => {
    expect(fileError(() => parseProject(withBlocks([def('a', [dense('d')], 'ghost', 'd')])))).toBe(
      'The project file is damaged: blocks.0.output: The output "ghost" is not a node of the block.',
    );
    expect(fileError(() => parseProject(withBlocks([def('a', [dense('d')], 'd', 'ghost')])))).toBe(
      'The project file is damaged: blocks.0.inputs.0.targets.0.node: "ghost" is not a node of the block.',
    );
    expect(fileError(() => parseProject(withBlocks([def('a', [dense('x/y')], 'd')])))).toMatch(/^The project file is damaged: blocks\.0\.(output|graph\.nodes\.0\.id): /);
    expect(fileError(() => parseProject(withBlocks([def('a', [dense('d')], 'd'), def('a', [dense('d')], 'd')])))).toBe(
      'The project file is damaged: blocks.1.id: Two blocks share the id "a".',
    );
    const many = { ...def('a', [dense('d')], 'd'), inputs: Array.from({ length: 9 }, () => ({ name: 'x', targets: [{ node: 'd', port: 'in' }] })) };
    expect(fileError(() => parseProject(withBlocks([many])))).toMatch(/^The project file is damaged: blocks\.0\.inputs: /);
  });
});
