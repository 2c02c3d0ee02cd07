import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { PNG } from 'pngjs';
import type { TrainingSettings } from '../../../shared/graph/document';
import { exampleDoc } from '../test-helpers';
import { testBackend } from '../../services/test-backend';
import { DataFileError, readCsvFile } from './csv';
import { decodeImage, imageDimensions } from './images';
import { inspectDataset } from './load-dataset';

/**
 * Data files made to freeze or balloon the reader (issue 14): a FIFO or /dev/zero given as a CSV,
 * a text CSV, an image of an image folder or a project, and a small PNG that declares 30000 x
 * 30000 pixels. On the main branch before this change, the FIFO blocked the host's thread for
 * good (readFileSync waits for a writer), /dev/zero grew it until Node gave up, and the PNG
 * allocated 3.6 GB. Each is now refused quickly with a message naming the file.
 */

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nw-data-hostile-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function fifo(name: string): string {
  const p = path.join(tmp, name);
  execFileSync('mkfifo', [p]);
  return p;
}

/** A link named like a data file that leads to /dev/zero (what a shared archive can hold). */
function zeroLink(name: string): string {
  const p = path.join(tmp, name);
  fs.symlinkSync('/dev/zero', p);
  return p;
}

/** A valid PNG (right CRCs, a real zlib stream) whose header declares width x height: about 100 bytes. */
function pngDeclaring(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(zlib.crc32(body) >>> 0, body.length + 4);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(Buffer.alloc(64))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const settingsFor = (dataset: TrainingSettings['dataset'], file: string): TrainingSettings => {
  const t = exampleDoc().training;
  return { ...t, dataset, data: { ...t.data, path: file } };
};

function refusal(fn: () => unknown): DataFileError {
  const started = Date.now();
  let caught: unknown = null;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(Date.now() - started).toBeLessThan(2000);
  expect(caught).toBeInstanceOf(DataFileError);
  return caught as DataFileError;
}

describe('only regular files are read as data', () => {
  it('refuses a FIFO given as a CSV without waiting for a writer', () => {
    const p = fifo('data.csv');
    expect(refusal(() => readCsvFile(p)).message).toMatch(/named pipe \(FIFO\).*Choose a CSV file/);
    expect(refusal(() => inspectDataset(settingsFor('csv', p))).message).toMatch(/data\.csv is a named pipe/);
    expect(refusal(() => inspectDataset(settingsFor('text-csv', p))).message).toMatch(/data\.csv is a named pipe/);
  });

  it('refuses /dev/zero given as a CSV or a text CSV (it never ends)', () => {
    const p = zeroLink('zero.csv');
    expect(refusal(() => inspectDataset(settingsFor('csv', p))).message).toMatch(/zero\.csv is a device/);
    expect(refusal(() => inspectDataset(settingsFor('text-csv', '/dev/zero'))).message).toMatch(/\/dev\/zero is a device/);
  });

  it('refuses a FIFO or /dev/zero in an image folder', () => {
    const dir = path.join(tmp, 'images');
    for (const c of ['cat', 'dog']) fs.mkdirSync(path.join(dir, c), { recursive: true });
    execFileSync('mkfifo', [path.join(dir, 'cat', 'a.png')]);
    fs.symlinkSync('/dev/zero', path.join(dir, 'dog', 'a.jpg'));
    expect(refusal(() => decodeImage(path.join(dir, 'cat', 'a.png'))).message).toMatch(/a\.png is a named pipe/);
    expect(refusal(() => decodeImage(path.join(dir, 'dog', 'a.jpg'))).message).toMatch(/a\.jpg is a device/);
    expect(refusal(() => inspectDataset(settingsFor('image-folder', dir))).message).toMatch(/a\.png is a named pipe/);
  });

  it('refuses a file over the size limit before reading it', () => {
    const big = path.join(tmp, 'big.png');
    // A sparse 100 MB file: over the 64 MB an image may have, without using the disk.
    fs.writeFileSync(big, '');
    fs.truncateSync(big, 100 * 1024 * 1024);
    expect(refusal(() => decodeImage(big)).message).toMatch(/big\.png is 105 MB; at most 67 MB/);
  });

  it('the back end keeps answering while a FIFO or /dev/zero is given as a project or a data set', async () => {
    const { backend } = testBackend();
    const p = fifo('project.nwproj');
    const z = zeroLink('zero.nwproj');
    const d = fifo('rows.csv');
    const hostile = [
      backend.handle('project.open', { path: p }),
      backend.handle('project.open', { path: z }),
      backend.handle('datasets.inspect', { settings: settingsFor('csv', d) }),
      backend.handle('datasets.inspect', { settings: settingsFor('csv', '/dev/zero') }),
    ].map((call) => call.then(() => null, (error: unknown) => error as { code: string; message: string }));
    const started = Date.now();
    await expect(backend.handle('app.info', {})).resolves.toMatchObject({ mode: 'browser' });
    expect(Date.now() - started).toBeLessThan(2000);
    const errors = await Promise.all(hostile);
    expect(errors.map((e) => e?.message)).toEqual([
      expect.stringMatching(/named pipe/),
      expect.stringMatching(/device/),
      expect.stringMatching(/rows\.csv is a named pipe/),
      expect.stringMatching(/\/dev\/zero is a device/),
    ]);
    await backend.dispose();
  });
});

describe('image dimensions are read from the header before decoding', () => {
  it('reads PNG and JPEG sizes from their headers', () => {
    const png = new PNG({ width: 7, height: 5 });
    expect(imageDimensions(PNG.sync.write(png))).toEqual({ width: 7, height: 5, format: 'PNG' });
    // A baseline JPEG's start: SOI, an APP0 segment, then SOF0 with 480 x 640.
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x04, 0x00, 0x00, 0xff, 0xc0, 0x00, 0x11, 0x08, 0x01, 0xe0, 0x02, 0x80, 0x03]);
    expect(imageDimensions(jpeg)).toEqual({ width: 640, height: 480, format: 'JPEG' });
    expect(imageDimensions(Buffer.from('not an image'))).toBeNull();
  });

  it('refuses a 100-byte PNG declaring 30000 x 30000 pixels without allocating them', () => {
    const file = path.join(tmp, 'bomb.png');
    fs.writeFileSync(file, pngDeclaring(30000, 30000));
    expect(fs.statSync(file).size).toBeLessThan(200);
    const before = process.memoryUsage().rss;
    const error = refusal(() => decodeImage(file));
    expect(error.message).toMatch(/bomb\.png is 30000 x 30000 pixels \(900 million\); images over 50 million pixels are not decoded/);
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * 1024 * 1024);
  });

  it('still decodes an ordinary PNG whose header tells the truth', () => {
    const file = path.join(tmp, 'ok.png');
    const png = new PNG({ width: 3, height: 2 });
    png.data.fill(200);
    fs.writeFileSync(file, PNG.sync.write(png));
    const img = decodeImage(file);
    expect([img.width, img.height, img.rgba.length]).toEqual([3, 2, 24]);
  });
});
