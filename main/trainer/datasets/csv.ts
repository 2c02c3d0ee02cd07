import { readRegularFile, UnsafeFileError } from '../../storage/safe-read';
import * as path from 'node:path';
import type { Preprocessing } from '../../../shared/training/runs';
import { splitSizes } from '../../../shared/training/datasets';
import { permutation, seededRandom } from '../random';
import { SPLIT_SEED } from './split';

/** A problem in an imported file, naming the file and, where it helps, the line. */
export class DataFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataFileError';
  }
}

export interface CsvTable {
  readonly header: string[];
  readonly rows: string[][];
  /** The 1-based line each row starts on. */
  readonly lines: number[];
}

/** Largest CSV read, in bytes. */
const MAX_CSV_BYTES = 512 * 1024 * 1024;

/** Parses CSV text (RFC 4180: quotes, doubled quotes, newlines inside quotes, `,` or `;` or tab). */
export function parseCsv(text: string, name: string): CsvTable {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const firstLine = text.slice(0, text.indexOf('\n') >= 0 ? text.indexOf('\n') : text.length);
  const delimiter = [',', ';', '\t'].reduce((best, d) => (firstLine.split(d).length > firstLine.split(best).length ? d : best), ',');
  const records: string[][] = [];
  const lines: number[] = [];
  let field = '';
  let record: string[] = [];
  let inQuotes = false;
  let line = 1;
  let recordLine = 1;
  let quoteLine = 0;
  let fieldStarted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (inQuotes) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else inQuotes = false;
      } else {
        if (c === '\n') line++;
        field += c;
      }
      continue;
    }
    if (c === '"' && !fieldStarted) {
      inQuotes = true;
      fieldStarted = true;
      quoteLine = line;
    } else if (c === delimiter) {
      record.push(field);
      field = '';
      fieldStarted = false;
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      record.push(field);
      if (!(record.length === 1 && record[0] === '')) {
        records.push(record);
        lines.push(recordLine);
      }
      record = [];
      field = '';
      fieldStarted = false;
      line++;
      recordLine = line;
    } else {
      field += c;
      fieldStarted = true;
    }
  }
  if (inQuotes) throw new DataFileError(`${name} line ${quoteLine}: a quoted field is never closed (a " is missing).`);
  if (fieldStarted || record.length > 0) {
    record.push(field);
    records.push(record);
    lines.push(recordLine);
  }
  if (records.length === 0) throw new DataFileError(`${name} is empty.`);
  const header = (records[0] as string[]).map((h) => h.trim());
  if (header.some((h) => h === '')) throw new DataFileError(`${name} line 1: the header has an empty column name (column ${header.indexOf('') + 1}).`);
  const dup = header.find((h, i) => header.indexOf(h) !== i);
  if (dup) throw new DataFileError(`${name} line 1: the column name "${dup}" appears twice.`);
  const rows = records.slice(1);
  const rowLines = lines.slice(1);
  rows.forEach((r, i) => {
    if (r.length !== header.length) {
      throw new DataFileError(`${name} line ${rowLines[i]}: expected ${header.length} fields like the header, found ${r.length}.`);
    }
  });
  if (rows.length === 0) throw new DataFileError(`${name} has a header but no rows.`);
  return { header, rows, lines: rowLines };
}

export function readCsvFile(file: string): CsvTable {
  const buf = readDataFile(file, MAX_CSV_BYTES, 'choose a CSV file');
  if (buf.subarray(0, 8192).includes(0)) throw new DataFileError(`${file} is not a text file (it contains binary data).`);
  return parseCsv(buf.toString('utf8'), path.basename(file));
}

/**
 * The bytes of a data file someone chose: only a regular file is read (checked with fstat on the
 * opened descriptor, so a FIFO cannot hang the read and /dev/zero cannot grow it), and only up to
 * `maxBytes`; every refusal is a DataFileError naming the file.
 */
export function readDataFile(file: string, maxBytes: number, what: string): Buffer {
  try {
    return readRegularFile(file, maxBytes);
  } catch (error) {
    if (error instanceof UnsafeFileError) {
      throw new DataFileError(error.code === 'NOT_A_FILE' ? `${error.message} ${what[0]?.toUpperCase()}${what.slice(1)}.` : error.message);
    }
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new DataFileError(`${file} does not exist.`);
    if (code === 'EISDIR') throw new DataFileError(`${file} is a folder; ${what}.`);
    throw new DataFileError(`${file} could not be read: ${(error as Error).message}`);
  }
}

const MISSING = new Set(['', 'na', 'n/a', 'nan', 'null', 'none', '?', '-']);
export function isMissing(v: string): boolean {
  return MISSING.has(v.trim().toLowerCase());
}

function asNumber(v: string): number | null {
  const t = v.trim();
  if (t === '') return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : null;
}

/** Sorted the way people expect: numerically where names are numbers. */
export function naturalSort(values: Iterable<string>): string[] {
  const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
  return [...values].sort((a, b) => collator.compare(a, b));
}

/** Most distinct values a text column may have to be one-hot encoded. */
const MAX_CATEGORIES = 100;

export interface TabularData {
  readonly x: Float32Array;
  readonly labels: Uint8Array;
  readonly targets: Float32Array | null;
  readonly count: number;
  readonly sampleSize: number;
  readonly featureNames: string[];
  readonly preprocessing: Extract<Preprocessing, { kind: 'tabular' }>;
  readonly classNames: string[];
  /** Row indices (into the table) of the test split, in order. */
  readonly trainRows: Uint32Array;
  readonly testRows: Uint32Array;
  /** Raw feature values of each kept row (for showing wrong examples). */
  readonly rawRows: string[][];
  readonly warnings: string[];
}

/**
 * Turns a CSV table into model inputs: numeric columns standardized with the
 * training rows' mean and deviation (missing values take the mean), text
 * columns one-hot (missing: all zeros), the label column into class indices
 * (or standardized numbers for regression). Rows without a label are dropped.
 */
export function tabularFromCsv(
  table: CsvTable,
  name: string,
  options: { labelColumn: string | null; regression: boolean; testSplit: number },
): TabularData {
  const labelName = options.labelColumn ?? (table.header.at(-1) as string);
  const labelIdx = table.header.indexOf(labelName);
  if (labelIdx < 0) throw new DataFileError(`${name} has no column "${labelName}"; its columns are ${table.header.join(', ')}.`);
  if (table.header.length < 2) throw new DataFileError(`${name} needs at least one feature column besides the label.`);
  const warnings: string[] = [];
  // Drop rows without a label.
  const kept: number[] = [];
  let noLabel = 0;
  table.rows.forEach((r, i) => {
    if (isMissing(r[labelIdx] as string)) noLabel++;
    else kept.push(i);
  });
  if (noLabel > 0) warnings.push(`${noLabel} row(s) have no value in "${labelName}" and were left out.`);
  if (kept.length < 2) throw new DataFileError(`${name} has fewer than 2 rows with a label.`);
  const rows = kept.map((i) => table.rows[i] as string[]);
  if (options.regression) {
    rows.forEach((r, i) => {
      if (asNumber(r[labelIdx] as string) === null) {
        throw new DataFileError(`${name} line ${table.lines[kept[i] as number]}: the label "${r[labelIdx]}" in "${labelName}" is not a number, but the label is to be predicted as a number (regression).`);
      }
    });
  }
  const order = permutation(rows.length, seededRandom(SPLIT_SEED));
  const sizes = splitSizes(rows.length, options.testSplit);
  const trainRows = order.slice(0, sizes.train);
  const testRows = order.slice(sizes.train);
  const isTrain = new Uint8Array(rows.length);
  for (const r of trainRows) isTrain[r] = 1;

  const columns: Extract<Preprocessing, { kind: 'tabular' }>['columns'] = [];
  const featureNames: string[] = [];
  const featureCols = table.header.map((h, i) => ({ h, i })).filter((c) => c.i !== labelIdx);
  for (const { h, i } of featureCols) {
    const values = rows.map((r) => r[i] as string);
    const present = values.filter((v) => !isMissing(v));
    const missing = values.length - present.length;
    const numeric = present.length > 0 && present.every((v) => asNumber(v) !== null);
    if (numeric) {
      let sum = 0;
      let n = 0;
      values.forEach((v, r) => {
        if (isTrain[r] && !isMissing(v)) {
          sum += asNumber(v) as number;
          n++;
        }
      });
      const mean = n > 0 ? sum / n : 0;
      let sq = 0;
      values.forEach((v, r) => {
        if (isTrain[r] && !isMissing(v)) sq += ((asNumber(v) as number) - mean) ** 2;
      });
      const std = n > 1 ? Math.sqrt(sq / n) : 1;
      columns.push({ type: 'numeric', name: h, mean, std: std > 1e-12 ? std : 1 });
      featureNames.push(h);
      if (missing > 0) warnings.push(`Column "${h}": ${missing} missing value(s), filled with the column mean.`);
    } else {
      const counts = new Map<string, number>();
      for (const v of present) counts.set(v.trim(), (counts.get(v.trim()) ?? 0) + 1);
      if (counts.size > MAX_CATEGORIES) {
        throw new DataFileError(`${name}: column "${h}" has ${counts.size} different text values, too many to one-hot encode (at most ${MAX_CATEGORIES}). Remove it or make it numeric.`);
      }
      const categories = naturalSort(counts.keys());
      columns.push({ type: 'categorical', name: h, categories });
      for (const c of categories) featureNames.push(`${h}=${c}`);
      if (missing > 0) warnings.push(`Column "${h}": ${missing} missing value(s), encoded as no category.`);
    }
  }
  const sampleSize = featureNames.length;
  const x = new Float32Array(rows.length * sampleSize);
  rows.forEach((r, ri) => encodeFeatures(columns, (col) => r[featureCols[col]?.i as number] ?? '', x, ri * sampleSize));

  let labels = new Uint8Array(0);
  let targets: Float32Array | null = null;
  let classNames: string[] = [];
  let target: Extract<Preprocessing, { kind: 'tabular' }>['target'] = null;
  if (options.regression) {
    const ys = rows.map((r) => asNumber(r[labelIdx] as string) as number);
    let sum = 0;
    for (const r of trainRows) sum += ys[r] as number;
    const mean = sum / trainRows.length;
    let sq = 0;
    for (const r of trainRows) sq += ((ys[r] as number) - mean) ** 2;
    const std = Math.sqrt(sq / trainRows.length) || 1;
    target = { name: labelName, mean, std };
    targets = Float32Array.from(ys, (y) => (y - mean) / std);
  } else {
    const names = naturalSort(new Set(rows.map((r) => (r[labelIdx] as string).trim())));
    if (names.length < 2) throw new DataFileError(`${name}: the label column "${labelName}" has only one value ("${names[0]}"); classification needs two or more.`);
    if (names.length > 255) throw new DataFileError(`${name}: the label column "${labelName}" has ${names.length} different values; at most 255 classes are supported. Predict it as a number (regression) instead?`);
    const index = new Map(names.map((n, i) => [n, i]));
    labels = Uint8Array.from(rows, (r) => index.get((r[labelIdx] as string).trim()) as number);
    classNames = names;
  }
  return {
    x,
    labels,
    targets,
    count: rows.length,
    sampleSize,
    featureNames,
    preprocessing: { kind: 'tabular', columns, target, classNames },
    classNames,
    trainRows,
    testRows,
    rawRows: rows.map((r) => featureCols.map((c) => r[c.i] as string)),
    warnings,
  };
}

/** Writes one row's model inputs at `out[offset..]`; `value(col)` gives the raw text of feature column `col`. */
export function encodeFeatures(
  columns: Extract<Preprocessing, { kind: 'tabular' }>['columns'],
  value: (col: number) => string,
  out: Float32Array,
  offset: number,
): void {
  let k = offset;
  columns.forEach((c, ci) => {
    const v = value(ci);
    switch (c.type) {
      case 'numeric': {
        const n = isMissing(v) ? null : asNumber(v);
        out[k++] = n === null ? 0 : (n - c.mean) / c.std;
        return;
      }
      case 'categorical': {
        const at = c.categories.indexOf(v.trim());
        for (let j = 0; j < c.categories.length; j++) out[k++] = j === at ? 1 : 0;
        return;
      }
    }
  });
}
