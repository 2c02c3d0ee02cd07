// One generator of large test graphs, for the editor e2e tests and bench/editor-300.mjs (plain
// JavaScript, so that the bench runs in Node as it is).

/**
 * A project of `n` layers (fewer when `pad` is off and blocks do not fill it): Input -> blocks of
 * Dense, Dense, Add(skip) -> Dense(10), Dropouts filling the rest when `pad` is on; `perRow`
 * cards to a row.
 * @param {number} n
 * @param {{ name: string, perRow: number, units: number, pad: boolean }} options
 */
export function residualProject(n, { name, perRow, units, pad }) {
  /** @type {{ id: string, type: string, position: { x: number, y: number }, params: Record<string, unknown> }[]} */
  const nodes = [];
  /** @type {{ id: string, source: string, target: string, targetPort: string }[]} */
  const edges = [];
  const place = (i) => ({ x: (i % perRow) * 240, y: Math.floor(i / perRow) * 150 });
  const add = (id, type, params) => nodes.push({ id, type, position: place(nodes.length), params });
  const link = (source, target, targetPort = 'in') => edges.push({ id: `e${edges.length + 1}`, source, target, targetPort });
  add('input', 'Input', { shape: [units] });
  let prev = 'input';
  for (let b = 1; nodes.length + 3 <= n - 1; b++) {
    add(`d${b}a`, 'Dense', { units, activation: 'relu' });
    add(`d${b}b`, 'Dense', { units });
    add(`add${b}`, 'Add', { inputs: 2 });
    link(prev, `d${b}a`);
    link(`d${b}a`, `d${b}b`);
    link(prev, `add${b}`, 'in1');
    link(`d${b}b`, `add${b}`, 'in2');
    prev = `add${b}`;
  }
  while (pad && nodes.length < n - 1) {
    const id = `drop${nodes.length}`;
    add(id, 'Dropout', { rate: 0.1 });
    link(prev, id);
    prev = id;
  }
  add('output', 'Dense', { units: 10, activation: 'softmax' });
  link(prev, 'output');
  return {
    format: 'netwright-project',
    version: 1,
    name,
    graph: { nodes, edges },
    training: { dataset: 'mnist', epochs: 1, batchSize: 32, optimizer: 'adam', learningRate: 0.001, validationSplit: 0.1, trainLimit: null, testLimit: null },
  };
}
