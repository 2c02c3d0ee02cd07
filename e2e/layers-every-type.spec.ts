import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { analyzeGraph, type GraphAnalysis } from '../shared/graph/analyze';
import type { DatasetId, Graph, GraphNode } from '../shared/graph/document';
import { getLayerSpec, LAYER_SPECS } from '../shared/layers/registry';
import type { ParamSpec, ParamValue } from '../shared/layers/types';
import { choosePath, clickEmptyCanvas, connect, dropLayer } from './support/canvas';

/**
 * Issue #3's "done when": every palette layer type is dragged from the palette,
 * configured in the inspector, trained for one short epoch, saved and reopened.
 * The layers go into four small trainable graphs grouped by family; each graph is
 * plain data below, which drives both the mouse work and the expected counts
 * (computed with the shared core's analyzeGraph, never typed in by hand).
 */

interface PlannedNode {
  readonly key: string;
  readonly type: string;
  /** Params typed into the inspector, in this order (a merge's `inputs` before its connections). */
  readonly params?: GraphNode['params'];
  /** A name typed into the inspector: the only setting of layers without params. */
  readonly name?: string;
}

/** `[from, to]` or `[from, to, port]` (merge inputs: in1, in2, ...). */
type PlannedEdge = readonly [string, string, string?];

interface Family {
  readonly title: string;
  readonly dataset: DatasetId;
  readonly data?: { readonly vocabSize: number; readonly sequenceLength: number };
  readonly trainLimit: number;
  readonly testLimit: number;
  readonly nodes: readonly PlannedNode[];
  readonly edges: readonly PlannedEdge[];
}

const FAMILIES: readonly Family[] = [
  {
    title: 'core, normalization and regularization layers on Iris',
    dataset: 'iris',
    trainLimit: 64,
    testLimit: 30,
    nodes: [
      { key: 'in', type: 'Input', params: { shape: [4] } },
      { key: 'hidden', type: 'Dense', params: { units: 16, activation: 'relu' } },
      { key: 'reshape', type: 'Reshape', params: { targetShape: [2, 4, 2] } },
      { key: 'permute', type: 'Permute', params: { dims: [2, 3, 1] } },
      { key: 'flat', type: 'Flatten', name: 'flat one' },
      { key: 'repeat', type: 'RepeatVector', params: { n: 3 } },
      { key: 'act', type: 'Activation', params: { activation: 'tanh' } },
      { key: 'flat2', type: 'Flatten', name: 'flat two' },
      { key: 'drop', type: 'Dropout', params: { rate: 0.25 } },
      { key: 'noise', type: 'GaussianNoise', params: { stddev: 0.05 } },
      { key: 'bn', type: 'BatchNormalization', params: { momentum: 0.9 } },
      { key: 'ln', type: 'LayerNormalization', params: { scale: false } },
      { key: 'out', type: 'Dense', params: { units: 3, activation: 'softmax' } },
    ],
    edges: [
      ['in', 'hidden'],
      ['hidden', 'reshape'],
      ['reshape', 'permute'],
      ['permute', 'flat'],
      ['flat', 'repeat'],
      ['repeat', 'act'],
      ['act', 'flat2'],
      ['flat2', 'drop'],
      ['drop', 'noise'],
      ['noise', 'bn'],
      ['bn', 'ln'],
      ['ln', 'out'],
    ],
  },
  {
    title: 'merge layers joining three branches on XOR',
    dataset: 'xor',
    trainLimit: 64,
    testLimit: 32,
    nodes: [
      { key: 'in', type: 'Input', params: { shape: [2] } },
      { key: 'a', type: 'Dense', params: { units: 8, activation: 'tanh' } },
      { key: 'b', type: 'Dense', params: { units: 8, activation: 'relu' } },
      { key: 'c', type: 'Dense', params: { units: 8, useBias: false } },
      { key: 'add', type: 'Add', params: { inputs: 3 } },
      { key: 'sub', type: 'Subtract', name: 'difference' },
      { key: 'mul', type: 'Multiply', params: { inputs: 3 } },
      { key: 'avg', type: 'Average', params: { inputs: 3 } },
      { key: 'max', type: 'Maximum', params: { inputs: 3 } },
      { key: 'min', type: 'Minimum', params: { inputs: 3 } },
      { key: 'dot', type: 'Dot', params: { normalize: true } },
      { key: 'cat', type: 'Concatenate', params: { inputs: 3, axis: 1 } },
      { key: 'out', type: 'Dense', params: { units: 2, activation: 'softmax' } },
    ],
    edges: [
      ['in', 'a'],
      ['in', 'b'],
      ['in', 'c'],
      ['a', 'add', 'in1'],
      ['b', 'add', 'in2'],
      ['c', 'add', 'in3'],
      ['add', 'sub', 'in1'],
      ['c', 'sub', 'in2'],
      ['sub', 'mul', 'in1'],
      ['a', 'mul', 'in2'],
      ['b', 'mul', 'in3'],
      ['mul', 'avg', 'in1'],
      ['b', 'avg', 'in2'],
      ['c', 'avg', 'in3'],
      ['avg', 'max', 'in1'],
      ['a', 'max', 'in2'],
      ['c', 'max', 'in3'],
      ['max', 'min', 'in1'],
      ['a', 'min', 'in2'],
      ['b', 'min', 'in3'],
      ['min', 'dot', 'in1'],
      ['a', 'dot', 'in2'],
      ['min', 'cat', 'in1'],
      ['dot', 'cat', 'in2'],
      ['b', 'cat', 'in3'],
      ['cat', 'out'],
    ],
  },
  {
    title: '2D convolution, pooling, resizing and augmentation layers on an MNIST slice',
    dataset: 'mnist',
    trainLimit: 64,
    testLimit: 32,
    nodes: [
      { key: 'in', type: 'Input', params: { shape: [28, 28, 1] } },
      { key: 'flip', type: 'RandomFlip', params: { mode: 'horizontal' } },
      { key: 'rotate', type: 'RandomRotation', params: { factor: 0.05, fillMode: 'constant' } },
      { key: 'zoom', type: 'RandomZoom', params: { widthFactor: 0.2 } },
      { key: 'shift', type: 'RandomTranslation', params: { heightFactor: 0.05 } },
      { key: 'contrast', type: 'RandomContrast', params: { factor: 0.3 } },
      { key: 'rcrop', type: 'RandomCrop', params: { height: 26, width: 26 } },
      { key: 'gdrop', type: 'GaussianDropout', params: { rate: 0.2 } },
      { key: 'conv', type: 'Conv2D', params: { filters: 4, activation: 'relu' } },
      { key: 'pad', type: 'ZeroPadding2D', params: { padding: [2, 2] } },
      { key: 'crop', type: 'Cropping2D', params: { cropping: [2, 2] } },
      { key: 'depthwise', type: 'DepthwiseConv2D', params: { depthMultiplier: 2 } },
      { key: 'separable', type: 'SeparableConv2D', params: { filters: 4 } },
      { key: 'maxpool', type: 'MaxPooling2D', params: { padding: 'same' } },
      { key: 'transpose', type: 'Conv2DTranspose', params: { filters: 4, strides: [2, 2] } },
      { key: 'up', type: 'UpSampling2D', params: { size: [3, 3] } },
      { key: 'avgpool', type: 'AveragePooling2D', params: { poolSize: [3, 3] } },
      { key: 'sdrop', type: 'SpatialDropout2D', params: { rate: 0.2 } },
      { key: 'gmax', type: 'GlobalMaxPooling2D', name: 'global max' },
      { key: 'gavg', type: 'GlobalAveragePooling2D', name: 'global mean' },
      { key: 'join', type: 'Add', name: 'join' },
      { key: 'out', type: 'Dense', params: { units: 10, activation: 'softmax' } },
    ],
    edges: [
      ['in', 'flip'],
      ['flip', 'rotate'],
      ['rotate', 'zoom'],
      ['zoom', 'shift'],
      ['shift', 'contrast'],
      ['contrast', 'rcrop'],
      ['rcrop', 'gdrop'],
      ['gdrop', 'conv'],
      ['conv', 'pad'],
      ['pad', 'crop'],
      ['crop', 'depthwise'],
      ['depthwise', 'separable'],
      ['separable', 'maxpool'],
      ['maxpool', 'transpose'],
      ['transpose', 'up'],
      ['up', 'avgpool'],
      ['avgpool', 'sdrop'],
      ['sdrop', 'gmax'],
      ['sdrop', 'gavg'],
      ['gmax', 'join', 'in1'],
      ['gavg', 'join', 'in2'],
      ['join', 'out'],
    ],
  },
  {
    title: '1D convolution, recurrent and attention layers on IMDB with a small vocabulary',
    dataset: 'imdb',
    data: { vocabSize: 200, sequenceLength: 16 },
    trainLimit: 64,
    testLimit: 32,
    nodes: [
      { key: 'in', type: 'Input', params: { shape: [16], dtype: 'int32' } },
      { key: 'emb', type: 'Embedding', params: { inputDim: 200, outputDim: 8 } },
      { key: 'conv', type: 'Conv1D', params: { filters: 8, padding: 'same' } },
      { key: 'maxpool', type: 'MaxPooling1D', params: { padding: 'same' } },
      { key: 'avgpool', type: 'AveragePooling1D', params: { strides: 1 } },
      { key: 'sdrop', type: 'SpatialDropout1D', params: { rate: 0.1 } },
      { key: 'rnn', type: 'SimpleRNN', params: { units: 8, returnSequences: true } },
      { key: 'lstm', type: 'LSTM', params: { units: 8, returnSequences: true } },
      { key: 'gru', type: 'GRU', params: { units: 8, returnSequences: true } },
      { key: 'bi', type: 'Bidirectional', params: { layer: 'GRU', units: 4, returnSequences: true } },
      { key: 'td', type: 'TimeDistributed', params: { units: 6 } },
      { key: 'gmax', type: 'GlobalMaxPooling1D', name: 'global max' },
      { key: 'pos', type: 'PositionalEmbedding', params: { inputDim: 200, outputDim: 16, sequenceLength: 16 } },
      { key: 'mha', type: 'MultiHeadAttention', params: { numHeads: 2, keyDim: 8 } },
      { key: 'enc', type: 'TransformerEncoder', params: { numHeads: 2, intermediateDim: 32 } },
      { key: 'gavg', type: 'GlobalAveragePooling1D', name: 'global mean' },
      { key: 'join', type: 'Concatenate', name: 'join' },
      { key: 'out', type: 'Dense', params: { units: 2, activation: 'softmax' } },
    ],
    edges: [
      ['in', 'emb'],
      ['emb', 'conv'],
      ['conv', 'maxpool'],
      ['maxpool', 'avgpool'],
      ['avgpool', 'sdrop'],
      ['sdrop', 'rnn'],
      ['rnn', 'lstm'],
      ['lstm', 'gru'],
      ['gru', 'bi'],
      ['bi', 'td'],
      ['td', 'gmax'],
      ['in', 'pos'],
      ['pos', 'mha', 'query'],
      ['pos', 'mha', 'value'],
      ['mha', 'enc'],
      ['enc', 'gavg'],
      ['gmax', 'join', 'in1'],
      ['gavg', 'join', 'in2'],
      ['join', 'out'],
    ],
  },
];

/** The graph as the shared core sees it: what the header's count must come from. */
function plannedGraph(family: Family): Graph {
  return {
    nodes: family.nodes.map((n) => ({ id: n.key, type: n.type, position: { x: 0, y: 0 }, params: { ...n.params }, ...(n.name ? { name: n.name } : {}) })),
    edges: family.edges.map(([source, target, port], i) => ({ id: `e${i}`, source, target, targetPort: port ?? 'in' })),
  };
}

function paramSpec(type: string, name: string): ParamSpec {
  const spec = getLayerSpec(type)?.params.find((p) => p.name === name);
  if (!spec) throw new Error(`${type} has no param ${name}`);
  return spec;
}

const count = (n: number) => n.toLocaleString('en-US');
const shapeText = (v: ParamValue) => (v as readonly (number | null)[]).map((d) => (d === null ? '?' : String(d))).join(', ');

/** Types a param into the inspector through the field its spec calls for. */
async function setParam(form: Locator, type: string, name: string, value: ParamValue): Promise<void> {
  const spec = paramSpec(type, name);
  const field = form.getByLabel(spec.label, { exact: true });
  switch (spec.kind) {
    case 'int':
    case 'float':
      await field.fill(String(value));
      break;
    case 'enum':
      await field.selectOption(String(value));
      break;
    case 'bool':
      await field.setChecked(value === true);
      break;
    case 'shape':
      await field.fill(shapeText(value));
      break;
  }
}

/** Reads a param back from the inspector. */
async function expectParam(form: Locator, type: string, name: string, value: ParamValue): Promise<void> {
  const spec = paramSpec(type, name);
  const field = form.getByLabel(spec.label, { exact: true });
  switch (spec.kind) {
    case 'int':
    case 'float':
    case 'enum':
      await expect(field, `${type} ${name}`).toHaveValue(String(value));
      break;
    case 'bool':
      if (value === true) await expect(field, `${type} ${name}`).toBeChecked();
      else await expect(field, `${type} ${name}`).not.toBeChecked();
      break;
    case 'shape':
      await expect(field, `${type} ${name}`).toHaveValue(shapeText(value));
      break;
  }
}

/** The inspector of the selected layer. */
function layerForm(page: Page, type: string): Locator {
  const spec = getLayerSpec(type);
  return page.locator(`[aria-label="${spec?.label ?? type} properties"]`);
}

async function headerCount(page: Page): Promise<number> {
  const text = (await page.getByTestId('total-params').textContent()) ?? '';
  const m = /^([\d,]+) params/.exec(text.trim());
  if (!m) throw new Error(`header shows "${text}"`);
  return Number((m[1] as string).replaceAll(',', ''));
}

/**
 * Drop points (card centres, relative to the pane) on a grid of five columns, clear of
 * the toolbar (top left), the minimap (top right) and the zoom controls (bottom left).
 */
function gridSpot(i: number): { x: number; y: number } {
  // 200 px cards with 50 px between them: handles of neighbouring cards stay apart.
  return { x: 130 + (i % 5) * 250, y: 110 + Math.floor(i / 5) * 125 };
}

async function buildAndCheck(page: Page, family: Family, expected: GraphAnalysis): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  const cards = new Map<string, Locator>();
  for (const [i, n] of family.nodes.entries()) {
    const spot = gridSpot(i);
    const card = await dropLayer(page, n.type, spot.x, spot.y);
    const id = await card.getAttribute('data-nodeid');
    if (!id) throw new Error(`${n.type} card has no id`);
    ids.set(n.key, id);
    // The dropped layer is selected: its fields are in the inspector.
    const form = layerForm(page, n.type);
    await expect(form.getByText(id, { exact: true })).toBeVisible();
    for (const [name, value] of Object.entries(n.params ?? {})) await setParam(form, n.type, name, value);
    if (n.name) {
      const field = form.getByLabel('Name', { exact: true });
      await field.fill(n.name);
      await field.press('Enter');
      await expect(card).toContainText(n.name);
    }
    cards.set(n.key, page.locator(`.react-flow__node[data-id="${id}"]`));
  }
  for (const [from, to, port] of family.edges) {
    await connect(page, cards.get(from) as Locator, cards.get(to) as Locator, port ?? 'in');
  }

  // No card shows an error, the header says valid, and every count is the shared core's.
  await expect(page.getByTestId('validity')).toHaveText(/^Valid/);
  await expect(page.locator('.layer-node.has-error')).toHaveCount(0);
  await expect.poll(() => headerCount(page)).toBe(expected.totalParams);
  for (const n of family.nodes) {
    const params = expected.nodes.get(n.key)?.params ?? -1;
    await expect(cards.get(n.key)?.locator('.layer-node__count') as Locator, `${n.key} (${n.type}) params`).toHaveText(`${count(params)} params`);
  }
  return ids;
}

/** The family's data set, chosen before the graph is built (the header checks the graph against it). */
async function chooseData(page: Page, family: Family): Promise<void> {
  await clickEmptyCanvas(page);
  const settings = page.getByLabel('Training settings');
  await settings.getByRole('combobox', { name: 'Dataset' }).selectOption(family.dataset);
  if (family.data) {
    for (const [label, value] of [
      ['Vocabulary size', family.data.vocabSize],
      ['Sequence length', family.data.sequenceLength],
    ] as const) {
      const field = settings.getByLabel(label, { exact: true });
      await field.fill(String(value));
      await field.press('Tab');
      await expect(field).toHaveValue(String(value));
    }
  }
}

async function trainOneEpoch(page: Page, family: Family): Promise<void> {
  await clickEmptyCanvas(page);
  const settings = page.getByLabel('Training settings');
  await settings.getByLabel('Epochs', { exact: true }).fill('1');
  await settings.getByLabel('Batch size', { exact: true }).fill('32');
  await settings.getByLabel('Training samples', { exact: true }).fill(String(family.trainLimit));
  await settings.getByLabel('Test samples', { exact: true }).fill(String(family.testLimit));
  await expect(page.getByTestId('validity')).toHaveText(/^Valid/);
  const train = page.getByRole('button', { name: 'Train' });
  await expect(train).toBeEnabled();
  await train.click();
  const status = page.getByTestId('training-status');
  await expect(status).toHaveText(/Finished|Failed|Stopped/, { timeout: 120_000 });
  // A failed run names its error in the progress panel: show it rather than just "Failed".
  if (!/Finished/.test((await status.textContent()) ?? '')) throw new Error(`training ended: ${await page.getByTestId('training-error').textContent()}`);
  await expect.poll(async () => Number(await page.getByTestId('batch-loss-chart').getAttribute('data-points'))).toBeGreaterThan(0);
}

async function saveNewReopen(page: Page, file: string, family: Family, ids: Map<string, string>, expected: GraphAnalysis): Promise<void> {
  await page.getByRole('button', { name: 'Save' }).click();
  await choosePath(page, file);
  await expect.poll(() => existsSync(file)).toBe(true);
  const saved = JSON.parse(readFileSync(file, 'utf8')) as { graph: Graph };
  expect(saved.graph.nodes).toHaveLength(family.nodes.length);

  await page.getByRole('button', { name: 'New' }).click();
  await expect(page.getByTestId('total-params')).toHaveText(/^0 params/);
  await expect(page.locator('.react-flow__node')).toHaveCount(0);
  await page.getByRole('button', { name: 'Open' }).click();
  await choosePath(page, file);

  await expect.poll(() => headerCount(page)).toBe(expected.totalParams);
  await expect(page.locator('.react-flow__edge')).toHaveCount(family.edges.length);
  await expect(page.locator('.layer-node.has-error')).toHaveCount(0);
  const perType = new Map<string, number>();
  for (const n of family.nodes) perType.set(n.type, (perType.get(n.type) ?? 0) + 1);
  for (const [type, k] of perType) await expect(page.getByTestId(`node-${type}`), type).toHaveCount(k);

  // Every configured value is back in the inspector.
  for (const n of family.nodes) {
    const id = ids.get(n.key) as string;
    await page.locator(`.react-flow__node[data-id="${id}"] .layer-node__head`).click();
    const form = layerForm(page, n.type);
    await expect(form.getByText(id, { exact: true })).toBeVisible();
    for (const [name, value] of Object.entries(n.params ?? {})) await expectParam(form, n.type, name, value);
    if (n.name) await expect(form.getByLabel('Name', { exact: true })).toHaveValue(n.name);
  }
  await clickEmptyCanvas(page);
  await expect(page.getByLabel('Training settings').getByRole('combobox', { name: 'Dataset' })).toHaveValue(family.dataset);
}

test('the families below cover exactly the palette: a new layer type without coverage fails here', async ({ page, server }) => {
  const registry = LAYER_SPECS.map((s) => s.type).sort();
  const covered = [...new Set(FAMILIES.flatMap((f) => f.nodes.map((n) => n.type)))].sort();
  expect(covered).toEqual(registry);
  // Every planned setting is a real param of its layer, and every family is a valid graph.
  for (const f of FAMILIES) {
    for (const n of f.nodes) for (const name of Object.keys(n.params ?? {})) paramSpec(n.type, name);
    for (const n of f.nodes) expect(Object.keys(n.params ?? {}).length > 0 || n.name !== undefined, `${f.title}: ${n.key} is configured`).toBe(true);
    const a = analyzeGraph(plannedGraph(f));
    expect(a.issues.filter((i) => i.severity === 'error'), f.title).toEqual([]);
  }
  // The palette the user drags from lists the same layer types. (Its composite blocks,
  // `palette-block-*`, are groups of these layers: e2e/editor-blocks.spec.ts covers them.)
  await page.goto(server.url);
  const palette = await page
    .locator('[data-testid^="palette-"]:not([data-testid^="palette-block-"])')
    .evaluateAll((els) => els.map((e) => (e.getAttribute('data-testid') ?? '').slice('palette-'.length)));
  expect([...palette].sort()).toEqual(registry);
});

// A larger window than the other specs: room for up to 20 cards side by side at 100%.
test.use({ viewport: { width: 1920, height: 1200 } });

for (const family of FAMILIES) {
  test(`drag, configure, train, save and reopen: ${family.title}`, async ({ page, server }) => {
    // About a minute on a quiet 2-core machine; several under the load of parallel builds.
    test.setTimeout(420_000);
    const expected = analyzeGraph(plannedGraph(family));
    expect(expected.valid).toBe(true);
    expect(expected.totalParams).toBeGreaterThan(0);
    await page.goto(server.url);
    await expect(page.getByTestId('total-params')).toHaveText(/^0 params/);
    await chooseData(page, family);
    const ids = await buildAndCheck(page, family, expected);
    await trainOneEpoch(page, family);
    const file = path.join(server.scratch, `every-layer-${family.dataset}.nwproj`);
    await saveNewReopen(page, file, family, ids, expected);
  });
}
