import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { onnx } from 'onnx-proto';
import { ApiError } from '../../shared/api/contract';
import type { TrainingSettings } from '../../shared/graph/document';
import { chain, docWithGraph, exampleDoc } from '../trainer/test-helpers';
import { DataFileError } from '../trainer/datasets/csv';
import { inspectDataset } from '../trainer/datasets/load-dataset';
import { importModelFile } from '../import/import-model';
import { ImportError } from '../import/keras-json';
import { loadExportSource } from '../export/source';
import { onnxModel } from '../export/onnx';
import { randomizedRun } from '../export/test-support';
import { openProject } from '../storage/project-files';
import { isInside } from '../storage/safe-read';
import { rootedPaths } from './path-policy';

/**
 * Fuzzing every file Netwright opens from strangers (issue 14): project files, model.json (and
 * its shard list), ONNX bytes and CSV text, mutated by fast-check. Each input either gives a
 * result or is refused with one of the app's readable errors (ImportError, ApiError,
 * DataFileError), never another exception (a crash), within a few seconds (never a hang), and
 * nothing is written outside the allowed folder. Bounded and repeatable: a fixed seed, about 15 s in all here.
 */
beforeAll(async () => {
  await tf.setBackend('cpu');
});
const base = fs.mkdtempSync(path.join(os.tmpdir(), 'nw-fuzz-'));
const root = path.join(base, 'allowed');
const outside = path.join(base, 'outside');
fs.mkdirSync(root);
fs.mkdirSync(outside);
fs.writeFileSync(path.join(outside, 'canary.bin'), 'x'.repeat(64));
afterAll(() => fs.rmSync(base, { recursive: true, force: true }));
const confine = rootedPaths([root]).check;
let caseNo = 0;
const caseDir = () => {
  const dir = path.join(root, `case-${caseNo++}`);
  fs.mkdirSync(dir);
  return dir;
};

const readable = (error: unknown) => error instanceof ImportError || error instanceof ApiError || error instanceof DataFileError;

/** Runs one input: a result or a readable error, quickly; the outside folder untouched. */
const tally = { ok: 0, refused: 0 };
async function outcome(run: () => unknown): Promise<void> {
  const started = Date.now();
  try {
    await run();
    tally.ok++;
  } catch (error) {
    tally.refused++;
    if (!readable(error)) throw new Error(`not a readable error: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
    expect((error as Error).message.length).toBeGreaterThan(0);
  }
  expect(Date.now() - started).toBeLessThan(10_000);
  expect(fs.readdirSync(outside)).toEqual(['canary.bin']);
}

/** Replaces the value at a random path of `value` (objects and arrays) by `replacement`. */
function mutateAt(value: unknown, choices: number[], replacement: unknown): unknown {
  if (choices.length === 0 || value === null || typeof value !== 'object') return replacement;
  const keys = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
  if (keys.length === 0) return replacement;
  const [c, ...rest] = choices as [number, ...number[]];
  const key = keys[c % keys.length] as string | number;
  const copy = (Array.isArray(value) ? [...(value as unknown[])] : { ...(value as Record<string, unknown>) }) as Record<string | number, unknown>;
  copy[key] = mutateAt((value as Record<string | number, unknown>)[key], rest, replacement);
  return copy;
}

const hostileJson = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom('../outside/canary.bin', path.join(outside, 'canary.bin'), '/dev/zero', '', '\u0000', 1e308, -1, 2 ** 53, [1e9, 1e9], null),
);

describe('fuzz: project files', () => {
  const text = JSON.stringify(exampleDoc());
  it('a mutated project opens or is refused readably', async () => {
    const original = JSON.parse(text) as unknown;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat(), { maxLength: 5 }), hostileJson, async (choices, replacement) => {
        const file = path.join(caseDir(), 'p.nwproj');
        fs.writeFileSync(file, JSON.stringify(mutateAt(original, choices, replacement)));
        await outcome(() => openProject(file));
      }),
      { numRuns: 60, seed: 14 },
    );
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 300 }), async (raw) => {
        const file = path.join(caseDir(), 'p.nwproj');
        fs.writeFileSync(file, raw);
        await outcome(() => openProject(file));
      }),
      { numRuns: 40, seed: 14 },
    );
  }, 60_000);
});

describe('fuzz: CSV files', () => {
  const settings = (file: string, labelColumn: string | null): TrainingSettings => {
    const t = exampleDoc().training;
    return { ...t, dataset: 'csv', data: { ...t.data, path: file, labelColumn } };
  };
  const cell = fc.oneof(fc.constantFrom('', '"', '""', ',', ';', '\t', '\n', '\r\n', 'NaN', '1e400', '-0', '?', 'a"b', '\u2028', '\uFEFF'), fc.string({ maxLength: 6 }), fc.double().map(String));
  it('CSV text made of hostile cells is read or refused readably', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(cell, { minLength: 1, maxLength: 5 }), { maxLength: 12 }), fc.option(fc.string({ maxLength: 4 })), fc.boolean(), async (rows, label, textCsv) => {
        const file = path.join(caseDir(), 'data.csv');
        fs.writeFileSync(file, rows.map((r) => r.join(',')).join('\n'));
        const s = settings(file, label);
        await outcome(() => inspectDataset(textCsv ? { ...s, dataset: 'text-csv' } : s));
      }),
      { numRuns: 150, seed: 14 },
    );
  }, 60_000);
});

describe('fuzz: model.json', () => {
  let json: unknown;
  let weights: Buffer;
  beforeAll(async () => {
    const run = await randomizedRun(docWithGraph(chain(['in', 'Input', { shape: [4] }], ['h', 'Dense', { units: 3 }], ['o', 'Dense', { units: 2, activation: 'softmax' }])), 5);
    json = JSON.parse(fs.readFileSync(path.join(run, 'model.json'), 'utf8'));
    weights = fs.readFileSync(path.join(run, 'weights.bin'));
    fs.rmSync(run, { recursive: true, force: true });
  });
  it('a mutated model.json imports or is refused readably, reading and writing only inside the folder', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat(), { maxLength: 6 }), hostileJson, async (choices, replacement) => {
        const dir = caseDir();
        fs.mkdirSync(path.join(dir, 'model'));
        fs.writeFileSync(path.join(dir, 'model', 'weights.bin'), weights);
        const file = path.join(dir, 'model', 'model.json');
        fs.writeFileSync(file, JSON.stringify(mutateAt(json, choices, replacement)));
        await outcome(() => importModelFile(file, { dataDir: path.join(dir, 'home'), outPath: path.join(dir, 'p.nwproj'), confine }));
      }),
      { numRuns: 30, seed: 14 },
    );
    // Both ways are exercised: some mutations still import, others are refused.
    expect(tally.ok).toBeGreaterThan(0);
    expect(tally.refused).toBeGreaterThan(0);
  }, 90_000);

  it('a hostile shard path imports only a shard inside the model folder, or is refused readably', async () => {
    // The canary outside now holds valid weights: an import that read it would succeed, and is caught below.
    fs.writeFileSync(path.join(outside, 'canary.bin'), weights);
    const canary = path.join(outside, 'canary.bin');
    const segment = fc.constantFrom('..', '.', '', 'outside', 'canary.bin', 'weights.bin', 'model', 'link.bin', 'link-dir', '%2e%2e', '..\\..', 'C:', '~');
    const shard = fc.oneof(
      fc.array(segment, { minLength: 1, maxLength: 6 }).map((parts) => parts.join('/')),
      fc.constantFrom(canary, `file://${canary}`, `file:weights.bin`, '/dev/zero', '/proc/self/environ', 'weights.bin\u0000', '\u0000', 'link.bin', 'link-dir/canary.bin', './weights.bin', 'model/../weights.bin'),
      fc.string({ maxLength: 12 }),
    );
    let inside = 0;
    await fc.assert(
      fc.asyncProperty(shard, async (shardPath) => {
        const dir = caseDir();
        const modelDir = path.join(dir, 'model');
        fs.mkdirSync(modelDir);
        fs.writeFileSync(path.join(modelDir, 'weights.bin'), weights);
        fs.symlinkSync(canary, path.join(modelDir, 'link.bin'));
        fs.symlinkSync(outside, path.join(modelDir, 'link-dir'));
        const manifest = (json as { weightsManifest: { paths: string[] }[] }).weightsManifest.map((g) => ({ ...g, paths: [shardPath] }));
        const file = path.join(modelDir, 'model.json');
        fs.writeFileSync(file, JSON.stringify({ ...(json as object), weightsManifest: manifest }));
        let withWeights = false;
        await outcome(async () => {
          const r = await importModelFile(file, { dataDir: path.join(dir, 'home'), outPath: path.join(dir, 'p.nwproj'), confine });
          // A shard that is not there imports the graph alone (with a warning); a run means weights were read.
          withWeights = r.runId !== null;
        });
        if (withWeights) {
          // What was read as weights is a file inside the model folder, links followed.
          expect(isInside(fs.realpathSync(modelDir), fs.realpathSync(path.resolve(modelDir, shardPath)))).toBe(true);
          inside++;
        }
      }),
      { numRuns: 80, seed: 14 },
    );
    // The shard beside the model.json is still found under some of its spellings.
    expect(inside).toBeGreaterThan(0);
  }, 90_000);
});

describe('fuzz: ONNX files', () => {
  let bytes: Uint8Array;
  beforeAll(async () => {
    const source = await loadExportSource(docWithGraph(chain(['in', 'Input', { shape: [4] }], ['h', 'Dense', { units: 3 }], ['o', 'Dense', { units: 2, activation: 'softmax' }])), null);
    try {
      bytes = onnx.ModelProto.encode(onnx.ModelProto.decode(onnxModel(source.info, 'm').bytes)).finish();
    } finally {
      source.model.dispose();
    }
  });
  it('ONNX bytes with flipped bytes or cut short import or are refused readably', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }), fc.option(fc.nat()), async (flips, cut) => {
        const b = Buffer.from(bytes);
        for (const [at, v] of flips) b[at % b.length] = v;
        const dir = caseDir();
        const file = path.join(dir, 'm.onnx');
        fs.writeFileSync(file, cut === null ? b : b.subarray(0, cut % b.length));
        await outcome(() => importModelFile(file, { dataDir: path.join(dir, 'home'), outPath: path.join(dir, 'p.nwproj'), confine }));
      }),
      { numRuns: 60, seed: 14 },
    );
  }, 90_000);
});
