import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PNG } from 'pngjs';
import * as jpeg from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TRAINING, type TrainingSettings } from '../../../shared/graph/document';
import { inspectDataset, loadDataset } from './load-dataset';
import { fashionMnistMissing, loadFashionMnist } from './mnist';
import { makeSynthetic } from './synthetic';
import { decodeImage } from './images';

const settings = (patch: Partial<TrainingSettings>, data: Partial<TrainingSettings['data']> = {}): TrainingSettings => ({
  ...DEFAULT_TRAINING,
  ...patch,
  data: { ...DEFAULT_TRAINING.data, ...data },
});

describe('built-in tabular sets', () => {
  it('iris: 4 standardized features, 3 classes, a fixed 120/30 split', () => {
    const d = loadDataset(settings({ dataset: 'iris', validationSplit: 0 }));
    expect(d.sampleShape).toEqual([4]);
    expect(d.classNames).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(d.train.count).toBe(120);
    expect(d.test.count).toBe(30);
    expect(inspectDataset(settings({ dataset: 'iris' }))).toMatchObject({ trainSize: 120, testSize: 30, numClasses: 3 });
    expect(d.preprocessing?.kind).toBe('tabular');
  });

  it('diabetes is regression with standardized targets', () => {
    const d = loadDataset(settings({ dataset: 'diabetes', loss: 'meanSquaredError', validationSplit: 0.1 }));
    expect(d.task).toBe('regression');
    expect(d.sampleShape).toEqual([10]);
    expect(d.train.targets?.length).toBe(d.train.count);
    expect(d.preprocessing?.kind === 'tabular' && d.preprocessing.target?.name).toBe('progression');
  });

  it('validationSource "test" validates on the test split', () => {
    const d = loadDataset(settings({ dataset: 'wine', validationSource: 'test' }));
    expect(d.validation).toBe(d.test);
    expect(d.train.count).toBe(142);
    expect(inspectDataset(settings({ dataset: 'wine' }))).toMatchObject({ trainSize: 142, testSize: 36 });
  });
});

describe('synthetic sets', () => {
  it('have the size asked for, balanced classes, and more noise moves points more', () => {
    for (const kind of ['xor', 'circles', 'spirals', 'gaussians'] as const) {
      const s = makeSynthetic(kind, 200, 0);
      expect(s.count).toBe(200);
      expect(Array.from(s.labels).filter((l) => l === 1)).toHaveLength(100);
    }
    // XOR without noise: the class is the sign of x*y.
    const xor = makeSynthetic('xor', 400, 0);
    for (let i = 0; i < 400; i++) expect((xor.x[2 * i]! * xor.x[2 * i + 1]! >= 0 ? 0 : 1)).toBe(xor.labels[i]);
    const noisy = makeSynthetic('xor', 400, 1);
    let flipped = 0;
    for (let i = 0; i < 400; i++) if ((noisy.x[2 * i]! * noisy.x[2 * i + 1]! >= 0 ? 0 : 1) !== noisy.labels[i]) flipped++;
    expect(flipped).toBeGreaterThan(10);
    const d = loadDataset(settings({ dataset: 'spirals', validationSplit: 0 }, { samples: 500, testSplit: 0.2 }));
    expect([d.train.count, d.test.count]).toEqual([400, 100]);
  });
});

describe('Fashion-MNIST', () => {
  it('is reported as not installed, with the apt command, where its folder is missing', () => {
    const missing = fashionMnistMissing('/nonexistent/fashion');
    expect(missing).toMatch(/apt-get install dataset-fashion-mnist/);
    expect(() => loadFashionMnist({ trainLimit: 10, testLimit: 10, validationSplit: 0, dataDir: '/nonexistent/fashion' }, [])).toThrow(/Fashion-MNIST is not installed/);
  });

  it.runIf(fashionMnistMissing() === null)('loads a slice of the Debian files', () => {
    const d = loadDataset(settings({ dataset: 'fashion-mnist', trainLimit: 100, testLimit: 50, validationSplit: 0 }));
    expect(d.train.count).toBe(100);
    expect(d.train.sampleSize).toBe(784);
    expect(d.classNames?.[9]).toBe('Ankle boot');
    expect(inspectDataset(settings({ dataset: 'fashion-mnist' })).available).toBe(true);
  });
});

describe('imports', () => {
  function imageFolder(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nw-img-'));
    for (const [cls, value] of [['cats', 30], ['dogs', 220]] as const) {
      fs.mkdirSync(path.join(dir, cls));
      for (let i = 0; i < 5; i++) {
        const png = new PNG({ width: 8, height: 6 });
        png.data.fill(value);
        for (let p = 3; p < png.data.length; p += 4) png.data[p] = 255;
        fs.writeFileSync(path.join(dir, cls, `${i}.png`), PNG.sync.write(png));
      }
    }
    const raw = { width: 4, height: 4, data: Buffer.alloc(64, 128) };
    fs.writeFileSync(path.join(dir, 'dogs', 'x.jpg'), jpeg.encode(raw, 90).data);
    return dir;
  }

  it('an image folder: classes from sub-folders, images resized, PNG and JPEG decoded', () => {
    const dir = imageFolder();
    const s = settings({ dataset: 'image-folder', validationSplit: 0 }, { path: dir, imageSize: [4, 4], testSplit: 0.2 });
    const info = inspectDataset(s);
    expect(info).toMatchObject({ sampleShape: [4, 4], numClasses: 2, classNames: ['cats', 'dogs'], trainSize: 9, testSize: 2 });
    const d = loadDataset(s);
    expect(d.train.sampleSize).toBe(16);
    const sample = Array.from(d.train.x.subarray(0, 16));
    const label = d.train.labels[0];
    expect(sample.every((v) => Math.abs(v - (label === 0 ? 30 / 255 : d.train.x[0]!)) < 0.01)).toBe(true);
    expect(d.preprocessing).toMatchObject({ kind: 'image', height: 4, width: 4, channels: 1, classNames: ['cats', 'dogs'] });
  });

  it('a broken image or a folder without classes names the file or folder', () => {
    const dir = imageFolder();
    fs.writeFileSync(path.join(dir, 'cats', 'broken.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]));
    expect(() => loadDataset(settings({ dataset: 'image-folder' }, { path: dir }))).toThrow(/broken\.png is not a readable image/);
    expect(() => decodeImage(path.join(dir, 'nothing.png'))).toThrow(/nothing\.png does not exist/);
    const flat = fs.mkdtempSync(path.join(os.tmpdir(), 'nw-flat-'));
    expect(() => inspectDataset(settings({ dataset: 'image-folder' }, { path: flat }))).toThrow(/needs one sub-folder of images per class/);
    expect(() => inspectDataset(settings({ dataset: 'csv' }))).toThrow(/Choose the file to import/);
  });

  it('a CSV of texts with labels', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'nw-txt-')), 'reviews.csv');
    const rows = Array.from({ length: 20 }, (_, i) => `"${i % 2 ? 'loved it, great' : 'hated it, bad'} ${i}",${i % 2 ? 'pos' : 'neg'}`);
    fs.writeFileSync(file, ['text,label', ...rows, ',pos'].join('\n'));
    const s = settings({ dataset: 'text-csv', validationSplit: 0 }, { path: file, sequenceLength: 5, vocabSize: 50, testSplit: 0.25 });
    expect(inspectDataset(s)).toMatchObject({ sampleShape: [5], classNames: ['neg', 'pos'], trainSize: 15, testSize: 5, warnings: ['1 row(s) without a text or a label were left out.'] });
    const d = loadDataset(s);
    expect(d.train.count).toBe(15);
    expect(d.viewTest?.(0).kind).toBe('text');
  });

  it('a CSV import reports its shape, classes and missing values', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'nw-tab-')), 'p.csv');
    fs.writeFileSync(file, 'a,kind,y\n1,x,u\n2,y,v\nNA,x,u\n4,z,v\n5,x,u\n');
    const info = inspectDataset(settings({ dataset: 'csv' }, { path: file, labelColumn: 'y' }));
    expect(info).toMatchObject({ sampleShape: [4], numClasses: 2, classNames: ['u', 'v'], warnings: ['Column "a": 1 missing value(s), filled with the column mean.'] });
  });
});
