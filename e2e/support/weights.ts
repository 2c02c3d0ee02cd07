import { readFileSync } from 'node:fs';
import path from 'node:path';

interface Manifest {
  weightsManifest: { weights: { name: string; shape: number[]; dtype: string }[] }[];
}

/** Each weight's bytes in a run folder's weights.bin, by name (float32 only). */
export function weightBytes(runDir: string): Map<string, Buffer> {
  const json = JSON.parse(readFileSync(path.join(runDir, 'model.json'), 'utf8')) as Manifest;
  const bin = readFileSync(path.join(runDir, 'weights.bin'));
  const out = new Map<string, Buffer>();
  let offset = 0;
  for (const w of json.weightsManifest.flatMap((g) => g.weights)) {
    const bytes = w.shape.reduce((a, b) => a * b, 1) * 4;
    out.set(w.name, bin.subarray(offset, offset + bytes));
    offset += bytes;
  }
  return out;
}
