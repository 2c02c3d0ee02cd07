import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadMnist, readIdxImages } from './mnist';

describe('loadMnist', () => {
  it('honours limits and holds out the last fraction of the training set', () => {
    const data = loadMnist({ trainLimit: 500, testLimit: 120, validationSplit: 0.1 });
    expect(data.train.count).toBe(450);
    expect(data.validation?.count).toBe(50);
    expect(data.test.count).toBe(120);
    expect(data.train.x.length).toBe(450 * 784);
    expect(data.test.labels.length).toBe(120);
    // The validation slice is the training file's samples 450..499, right after train's.
    const full = loadMnist({ trainLimit: 500, testLimit: 1, validationSplit: 0 });
    expect(Array.from(data.validation?.labels ?? [])).toEqual(Array.from(full.train.labels.subarray(450)));
    expect(data.validation?.x[0]).toBe(full.train.x[450 * 784]);
  });

  it('normalizes pixels to [0, 1] and reads the canonical first labels', () => {
    const data = loadMnist({ trainLimit: 200, testLimit: 10, validationSplit: 0 });
    let min = Infinity;
    let max = -Infinity;
    for (const v of data.train.x) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    expect(min).toBe(0);
    expect(max).toBe(1);
    // Canonical MNIST: the training set starts 5, 0, 4, 1, 9; the test set 7, 2, 1, 0, 4.
    expect(Array.from(data.train.labels.subarray(0, 5))).toEqual([5, 0, 4, 1, 9]);
    expect(Array.from(data.test.labels.subarray(0, 5))).toEqual([7, 2, 1, 0, 4]);
    expect(data.validation).toBeNull();
  });

  it('loads the full set quickly', () => {
    const t = performance.now();
    const data = loadMnist({ trainLimit: null, testLimit: null, validationSplit: 0.1 });
    const ms = performance.now() - t;
    expect(data.train.count + (data.validation?.count ?? 0)).toBe(60_000);
    expect(data.test.count).toBe(10_000);
    expect(ms).toBeLessThan(5000);
  });

  it('refuses a file that is not an idx image file', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'nw-idx-')), 'bogus');
    fs.writeFileSync(file, Buffer.alloc(32));
    expect(() => readIdxImages(file, null)).toThrow(/not an idx image file/);
  });
});
