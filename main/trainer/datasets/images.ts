import * as fs from 'node:fs';
import * as path from 'node:path';
import { PNG } from 'pngjs';
import * as jpeg from 'jpeg-js';
import { DataFileError, naturalSort, readDataFile } from './csv';

const IMAGE_EXT = /\.(png|jpe?g)$/i;
/** Most images an import reads. */
const MAX_IMAGES = 200_000;
/** Largest image decoded, in pixels (a JPEG bomb guard). */
const MAX_PIXELS = 50_000_000;

export interface DecodedImage {
  readonly width: number;
  readonly height: number;
  /** RGBA, 4 bytes per pixel. */
  readonly rgba: Uint8Array;
}

/** Largest image file read, in bytes. */
const MAX_IMAGE_BYTES = 64 * 1024 * 1024;

/** Width and height from a PNG's IHDR or a JPEG's start-of-frame segment, read before anything is decoded; null when not found. */
export function imageDimensions(buf: Uint8Array): { width: number; height: number; format: 'PNG' | 'JPEG' } | null {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (isPng(buf)) {
    // Signature (8), chunk length (4), "IHDR" (4), width (4), height (4).
    if (buf.length < 24 || String.fromCharCode(...buf.subarray(12, 16)) !== 'IHDR') return null;
    return { width: view.getUint32(16), height: view.getUint32(20), format: 'PNG' };
  }
  if (isJpeg(buf)) {
    let at = 2;
    while (at + 4 <= buf.length) {
      if (buf[at] !== 0xff) return null;
      const marker = buf[at + 1] as number;
      if (marker === 0xff) {
        at++; // fill byte
        continue;
      }
      if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
        at += 2;
        continue;
      }
      const length = view.getUint16(at + 2);
      // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC): precision (1), height (2), width (2).
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
        if (at + 9 > buf.length) return null;
        return { width: view.getUint16(at + 7), height: view.getUint16(at + 5), format: 'JPEG' };
      }
      if (marker === 0xda || marker === 0xd9 || length < 2) return null;
      at += 2 + length;
    }
  }
  return null;
}

const isPng = (buf: Uint8Array) => buf[0] === 0x89 && buf[1] === 0x50 && buf[2] === 0x4e && buf[3] === 0x47;
const isJpeg = (buf: Uint8Array) => buf[0] === 0xff && buf[1] === 0xd8;

/**
 * Decodes a PNG or JPEG without native code; errors name the file. Only a regular file of at most
 * 64 MB is read, and its width and height are read from the header first: an image over 50
 * million pixels is refused before any pixel buffer exists (a small file can declare 30000 x 30000).
 */
export function decodeImage(file: string): DecodedImage {
  const buf = readDataFile(file, MAX_IMAGE_BYTES, 'choose a PNG or JPEG image');
  if (!isPng(buf) && !isJpeg(buf)) throw new DataFileError(`${file} is neither a PNG nor a JPEG image.`);
  const dims = imageDimensions(buf);
  if (!dims) throw new DataFileError(`${file} is not a readable image: its header gives no width and height.`);
  if (dims.width === 0 || dims.height === 0) throw new DataFileError(`${file} is not a readable image: it is ${dims.width} x ${dims.height} pixels.`);
  if (dims.width * dims.height > MAX_PIXELS) {
    throw new DataFileError(
      `${file} is ${dims.width} x ${dims.height} pixels (${(dims.width * dims.height / 1e6).toFixed(0)} million); images over ${MAX_PIXELS / 1e6} million pixels are not decoded. Resize it first.`,
    );
  }
  try {
    if (dims.format === 'PNG') {
      const png = PNG.sync.read(buf);
      return { width: png.width, height: png.height, rgba: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength) };
    }
    const img = jpeg.decode(buf, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: MAX_PIXELS / 1e6, maxMemoryUsageInMB: 512 });
    return { width: img.width, height: img.height, rgba: img.data };
  } catch (error) {
    throw new DataFileError(`${file} is not a readable image: ${(error as Error).message}`);
  }
}

/** Bilinear resize to height x width; writes channels (1: luminance, 3: RGB) scaled to 0..1. */
export function resizeInto(img: DecodedImage, height: number, width: number, channels: 1 | 3, out: Float32Array, offset: number): void {
  const sy = img.height / height;
  const sx = img.width / width;
  const px = (x: number, y: number, c: number) => img.rgba[(y * img.width + x) * 4 + c] as number;
  for (let y = 0; y < height; y++) {
    const fy = Math.min(img.height - 1, Math.max(0, (y + 0.5) * sy - 0.5));
    const y0 = Math.floor(fy);
    const y1 = Math.min(img.height - 1, y0 + 1);
    const wy = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = Math.min(img.width - 1, Math.max(0, (x + 0.5) * sx - 0.5));
      const x0 = Math.floor(fx);
      const x1 = Math.min(img.width - 1, x0 + 1);
      const wx = fx - x0;
      const sample = (c: number) =>
        (px(x0, y0, c) * (1 - wx) + px(x1, y0, c) * wx) * (1 - wy) + (px(x0, y1, c) * (1 - wx) + px(x1, y1, c) * wx) * wy;
      // Transparent pixels count as white paper behind the image.
      const alpha = sample(3) / 255;
      const rgb = [0, 1, 2].map((c) => (sample(c) * alpha + 255 * (1 - alpha)) / 255);
      const o = offset + (y * width + x) * channels;
      if (channels === 1) out[o] = 0.299 * (rgb[0] as number) + 0.587 * (rgb[1] as number) + 0.114 * (rgb[2] as number);
      else for (let c = 0; c < 3; c++) out[o + c] = rgb[c] as number;
    }
  }
}

export interface ImageFolderListing {
  readonly classNames: string[];
  /** [file, class index] pairs, classes in order, files sorted within each. */
  readonly files: [string, number][];
  readonly warnings: string[];
}

/** The classes (sub-folders) and their images; errors name the folder. */
export function listImageFolder(dir: string): ImageFolderListing {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    throw new DataFileError(`${dir} does not exist or is not a folder.`);
  }
  const classNames = naturalSort(entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name));
  if (classNames.length < 2) {
    throw new DataFileError(`${dir} needs one sub-folder of images per class (at least two); found ${classNames.length}.`);
  }
  const files: [string, number][] = [];
  const warnings: string[] = [];
  classNames.forEach((c, ci) => {
    const names = naturalSort(fs.readdirSync(path.join(dir, c)).filter((f) => IMAGE_EXT.test(f)));
    if (names.length === 0) throw new DataFileError(`${path.join(dir, c)} has no PNG or JPEG images.`);
    for (const f of names) files.push([path.join(dir, c, f), ci]);
  });
  if (files.length > MAX_IMAGES) throw new DataFileError(`${dir} holds ${files.length} images; at most ${MAX_IMAGES} can be imported.`);
  return { classNames, files, warnings };
}
