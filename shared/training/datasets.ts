import type { DatasetInfo } from './dataset-info';
import type { DataOptions, DatasetId, TrainingSettings } from '../graph/document';

/**
 * Data sets as the UI and validation know them; the trainer loads the bytes
 * (main/trainer/datasets/). Shapes of text and synthetic sets follow their
 * options; imports are described after reading their file (`datasets.inspect`).
 */
const DIGITS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
const FASHION = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

type Base = Omit<DatasetInfo, 'outputSize' | 'available' | 'unavailableReason' | 'inputDtype' | 'source'> &
  Partial<Pick<DatasetInfo, 'inputDtype' | 'source'>>;

function info(base: Base): DatasetInfo {
  return {
    inputDtype: 'float32',
    source: 'builtin',
    ...base,
    outputSize: base.task === 'regression' ? 1 : base.numClasses,
    available: true,
    unavailableReason: null,
  };
}

const SYNTHETIC_OPTIONS: DatasetInfo['options'] = ['samples', 'noise', 'testSplit'];
const TABULAR_OPTIONS: DatasetInfo['options'] = ['testSplit'];

function synthetic(id: DatasetId, name: string, description: string): DatasetInfo {
  return info({
    id,
    name,
    description,
    kind: 'synthetic',
    task: 'classification',
    sampleShape: [2],
    numClasses: 2,
    classNames: ['A', 'B'],
    trainSize: 800,
    testSize: 200,
    options: SYNTHETIC_OPTIONS,
  });
}

function imported(id: DatasetId, name: string, kind: DatasetInfo['kind'], description: string, options: DatasetInfo['options']): DatasetInfo {
  return info({ id, name, description, kind, source: 'import', task: 'classification', sampleShape: [], numClasses: 0, classNames: [], trainSize: 0, testSize: 0, options });
}

export const DATASETS: readonly DatasetInfo[] = [
  info({
    id: 'mnist',
    name: 'MNIST handwritten digits',
    description: '70,000 grey 28x28 images of handwritten digits, 60,000 for training and 10,000 for testing.',
    kind: 'image',
    task: 'classification',
    sampleShape: [28, 28],
    numClasses: 10,
    classNames: DIGITS,
    trainSize: 60_000,
    testSize: 10_000,
    options: [],
  }),
  info({
    id: 'fashion-mnist',
    name: 'Fashion-MNIST clothing',
    description: "70,000 grey 28x28 images of clothing in 10 classes (Zalando), from Debian's dataset-fashion-mnist package.",
    kind: 'image',
    task: 'classification',
    sampleShape: [28, 28],
    numClasses: 10,
    classNames: FASHION,
    trainSize: 60_000,
    testSize: 10_000,
    options: [],
  }),
  info({
    id: 'imdb',
    name: 'IMDB movie reviews',
    description: '50,000 movie reviews labelled negative or positive, split 25,000/25,000; words become ids of a vocabulary built from the training half.',
    kind: 'text',
    inputDtype: 'int32',
    task: 'classification',
    sampleShape: [200],
    numClasses: 2,
    classNames: ['negative', 'positive'],
    trainSize: 25_000,
    testSize: 25_000,
    options: ['vocabSize', 'sequenceLength'],
  }),
  info({
    id: 'iris',
    name: 'Iris flowers',
    description: '150 flowers, 4 measurements each, 3 species (Fisher, 1936). Features standardized.',
    kind: 'tabular',
    task: 'classification',
    sampleShape: [4],
    numClasses: 3,
    classNames: ['setosa', 'versicolor', 'virginica'],
    trainSize: 120,
    testSize: 30,
    options: TABULAR_OPTIONS,
  }),
  info({
    id: 'wine',
    name: 'Wine cultivars',
    description: '178 Italian wines, 13 chemical measurements, 3 cultivars (UCI). Features standardized.',
    kind: 'tabular',
    task: 'classification',
    sampleShape: [13],
    numClasses: 3,
    classNames: ['class_0', 'class_1', 'class_2'],
    trainSize: 142,
    testSize: 36,
    options: TABULAR_OPTIONS,
  }),
  info({
    id: 'diabetes',
    name: 'Diabetes progression (regression)',
    description: '442 patients, 10 baseline measurements; predict disease progression after one year (Efron et al., 2004). Features standardized.',
    kind: 'tabular',
    task: 'regression',
    sampleShape: [10],
    numClasses: 0,
    classNames: [],
    trainSize: 354,
    testSize: 88,
    options: TABULAR_OPTIONS,
  }),
  synthetic('xor', 'XOR (synthetic)', 'Points in four quadrants; the class is the sign of x times y.'),
  synthetic('circles', 'Circles (synthetic)', 'A disc inside a ring.'),
  synthetic('spirals', 'Spirals (synthetic)', 'Two interleaved spirals.'),
  synthetic('gaussians', 'Two Gaussians (synthetic)', 'Two round clusters.'),
  imported('csv', 'CSV file', 'tabular', 'A CSV file with a header: numeric columns are standardized, text columns one-hot encoded, the label column predicted.', [
    'path',
    'labelColumn',
    'regression',
    'testSplit',
  ]),
  imported('image-folder', 'Image folder', 'image', 'A folder with one sub-folder of PNG or JPEG images per class, resized to the image size.', [
    'path',
    'imageSize',
    'grayscale',
    'testSplit',
  ]),
  imported('text-csv', 'Texts in a CSV file', 'text', 'A CSV file with a text column and a label column.', [
    'path',
    'textColumn',
    'labelColumn',
    'vocabSize',
    'sequenceLength',
    'testSplit',
  ]),
];

export function getDataset(id: string): DatasetInfo | undefined {
  return DATASETS.find((d) => d.id === id);
}

/** Train/test sizes of a set without its own test split: the same rule the trainer uses. */
export function splitSizes(total: number, testSplit: number): { train: number; test: number } {
  const test = Math.max(1, Math.round(total * testSplit));
  return { train: total - test, test };
}

/**
 * The built-in data set as the settings configure it (text shapes follow the
 * sequence length, synthetic sizes the sample count); undefined for unknown ids.
 * For imports this is the uninspected description.
 */
export function datasetForSettings(settings: Pick<TrainingSettings, 'dataset' | 'data' | 'loss'>): DatasetInfo | undefined {
  const base = getDataset(settings.dataset);
  if (!base) return undefined;
  return withLoss(configuredDataset(base, settings.data), settings.loss);
}

/**
 * A data set (as listed or inspected) with the shapes and sizes its options give it: a
 * built-in text set's samples are `sequenceLength` tokens, a synthetic set's sizes follow
 * its sample count. What the editor checks a graph against, and what the trainer loads.
 */
export function configuredDataset(base: DatasetInfo, data: DataOptions): DatasetInfo {
  if (base.kind === 'text' && base.source === 'builtin') return { ...base, sampleShape: [data.sequenceLength] };
  if (base.kind === 'synthetic') {
    const sizes = splitSizes(data.samples, data.testSplit);
    return { ...base, trainSize: sizes.train, testSize: sizes.test };
  }
  return base;
}

/** Binary cross-entropy on two classes takes one sigmoid output. */
export function withLoss(info: DatasetInfo, loss: TrainingSettings['loss']): DatasetInfo {
  if (info.task === 'classification' && info.numClasses === 2 && loss === 'binaryCrossentropy') return { ...info, outputSize: 1 };
  return info;
}
