import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataFileError, parseCsv, readCsvFile, tabularFromCsv } from './csv';

function errorOf(fn: () => unknown): DataFileError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DataFileError);
    return e as DataFileError;
  }
  throw new Error('expected a DataFileError');
}

describe('parseCsv', () => {
  it('reads quotes, doubled quotes, newlines inside quotes, CRLF and a BOM, keeping each row\'s line number', () => {
    const t = parseCsv('\ufeffa,b\r\n1,"x, ""y"""\r\n2,"two\nlines"\n3,z\n', 'f.csv');
    expect(t.header).toEqual(['a', 'b']);
    expect(t.rows).toEqual([
      ['1', 'x, "y"'],
      ['2', 'two\nlines'],
      ['3', 'z'],
    ]);
    expect(t.lines).toEqual([2, 3, 5]);
  });

  it('detects ; and tab delimiters', () => {
    expect(parseCsv('a;b\n1;2\n', 'f').rows).toEqual([['1', '2']]);
    expect(parseCsv('a\tb\n1\t2\n', 'f').rows).toEqual([['1', '2']]);
  });

  it('names the file and line of a row with the wrong number of fields', () => {
    expect(errorOf(() => parseCsv('a,b,c\n1,2,3\n4,5\n', 'data.csv')).message).toBe('data.csv line 3: expected 3 fields like the header, found 2.');
    // The line counts lines, not rows: a quoted newline above moves it.
    expect(errorOf(() => parseCsv('a,b\n"x\ny",1\n1,2,3\n', 'd.csv')).message).toMatch(/^d\.csv line 4:/);
  });

  it('names an unclosed quote, empty files, empty and repeated header names', () => {
    expect(errorOf(() => parseCsv('a,b\n1,"oops\n2,3\n', 'q.csv')).message).toBe('q.csv line 2: a quoted field is never closed (a " is missing).');
    expect(errorOf(() => parseCsv('', 'e.csv')).message).toBe('e.csv is empty.');
    expect(errorOf(() => parseCsv('a,,c\n1,2,3\n', 'h.csv')).message).toMatch(/line 1: the header has an empty column name \(column 2\)/);
    expect(errorOf(() => parseCsv('a,a\n1,2\n', 'h.csv')).message).toMatch(/"a" appears twice/);
    expect(errorOf(() => parseCsv('a,b\n', 'h.csv')).message).toBe('h.csv has a header but no rows.');
  });

  it('readCsvFile refuses folders, missing and binary files with their path', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nw-csv-'));
    expect(errorOf(() => readCsvFile(dir)).message).toMatch(/is a folder/);
    expect(errorOf(() => readCsvFile(path.join(dir, 'nope.csv'))).message).toMatch(/nope\.csv does not exist/);
    fs.writeFileSync(path.join(dir, 'bin.csv'), Buffer.from([0x61, 0x00, 0x62]));
    expect(errorOf(() => readCsvFile(path.join(dir, 'bin.csv'))).message).toMatch(/bin\.csv is not a text file/);
  });
});

describe('tabularFromCsv', () => {
  const text = ['size,color,price,label', '1,red,10,a', '2,blue,,b', '3,red,30,a', ',green,40,b', '5,blue,50,', '6,red,60,b', '7,blue,70,a', '8,red,80,b'].join('\n');

  it('standardizes numeric columns with the training rows, one-hot encodes text columns, reports missing values', () => {
    const t = tabularFromCsv(parseCsv(text, 't.csv'), 't.csv', { labelColumn: 'label', regression: false, testSplit: 0.25 });
    expect(t.count).toBe(7); // the row without a label is left out
    expect(t.warnings).toEqual([
      '1 row(s) have no value in "label" and were left out.',
      'Column "size": 1 missing value(s), filled with the column mean.',
      'Column "price": 1 missing value(s), filled with the column mean.',
    ]);
    expect(t.featureNames).toEqual(['size', 'color=blue', 'color=green', 'color=red', 'price']);
    expect(t.classNames).toEqual(['a', 'b']);
    expect(t.trainRows.length + t.testRows.length).toBe(7);
    // Training rows of each numeric column have mean 0 and deviation 1 after scaling (missing ones sit at 0).
    const col = (c: number) => Array.from(t.trainRows, (r) => t.x[r * t.sampleSize + c] as number);
    const size = col(0);
    expect(size.reduce((a, b) => a + b, 0) / size.length).toBeCloseTo(0, 5);
    const onehot = Array.from(t.trainRows, (r) => [1, 2, 3].map((k) => t.x[r * t.sampleSize + k]));
    for (const row of onehot) expect(row.reduce((a, b) => (a as number) + (b as number), 0)).toBe(1);
    const pre = t.preprocessing.columns[0];
    expect(pre).toMatchObject({ type: 'numeric', name: 'size' });
  });

  it('takes the last column as the label by default and numeric labels for regression (standardized targets)', () => {
    const t = tabularFromCsv(parseCsv('x,y\n1,10\n2,20\n3,30\n4,40\n5,50\n', 'r.csv'), 'r.csv', { labelColumn: null, regression: true, testSplit: 0.2 });
    expect(t.targets).not.toBeNull();
    expect(t.preprocessing.target?.name).toBe('y');
    const back = Array.from(t.targets ?? [], (v) => v * (t.preprocessing.target?.std ?? 1) + (t.preprocessing.target?.mean ?? 0));
    expect(back.map((v) => Math.round(v))).toEqual([10, 20, 30, 40, 50]);
  });

  it('errors name the file, the line or the column', () => {
    const csv = parseCsv('x,y\n1,10\n2,oops\n', 'r.csv');
    expect(errorOf(() => tabularFromCsv(csv, 'r.csv', { labelColumn: 'y', regression: true, testSplit: 0.2 })).message).toBe(
      'r.csv line 3: the label "oops" in "y" is not a number, but the label is to be predicted as a number (regression).',
    );
    expect(errorOf(() => tabularFromCsv(csv, 'r.csv', { labelColumn: 'z', regression: false, testSplit: 0.2 })).message).toBe(
      'r.csv has no column "z"; its columns are x, y.',
    );
    const one = parseCsv('x,y\n1,a\n2,a\n', 'o.csv');
    expect(errorOf(() => tabularFromCsv(one, 'o.csv', { labelColumn: 'y', regression: false, testSplit: 0.2 })).message).toMatch(/only one value/);
  });

  it('the split is fixed: the same rows are held out every time', () => {
    const a = tabularFromCsv(parseCsv(text, 't.csv'), 't.csv', { labelColumn: 'label', regression: false, testSplit: 0.3 });
    const b = tabularFromCsv(parseCsv(text, 't.csv'), 't.csv', { labelColumn: 'label', regression: false, testSplit: 0.3 });
    expect(Array.from(a.testRows)).toEqual(Array.from(b.testRows));
  });
});
