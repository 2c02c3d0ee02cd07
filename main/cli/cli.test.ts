import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main, type CliIo } from './cli';
import { analyzeGraph } from '../../shared/graph/analyze';
import { buildTrainerForTests } from '../services/build-trainer-for-tests';
import { EXAMPLE_PATH, chain, docWithGraph, exampleDoc } from '../trainer/test-helpers';
import { TRAINING_BACKEND } from '../trainer/native/native-for-tests';

const NATIVE = TRAINING_BACKEND === 'tensorflow';

let trainerEntry: string;
beforeAll(async () => {
  trainerEntry = await buildTrainerForTests();
});
afterAll(() => fs.rmSync(trainerEntry, { force: true }));

function tmp(prefix = 'nw-cli-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

async function run(argv: string[], home = tmp('nw-home-')): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: Partial<CliIo> = {
    stdout: (t) => (out += t),
    stderr: (t) => (err += t),
    env: { NETWRIGHT_HOME: home },
    trainerEntry,
    interactive: false,
  };
  const code = await main(argv, io);
  return { code, out, err };
}

function expectOneLineError(r: { code: number; out: string; err: string }, pattern: RegExp): void {
  expect(r.code).not.toBe(0);
  expect(r.err.trimEnd().split('\n')).toHaveLength(1);
  expect(r.err).toMatch(/^netwright: /);
  expect(r.err).toMatch(pattern);
  expect(r.err).not.toMatch(/\n\s+at /);
}

function writeDoc(doc: unknown): string {
  const file = path.join(tmp(), 'p.nwproj');
  fs.writeFileSync(file, JSON.stringify(doc));
  return file;
}

describe('netwright summary', () => {
  it('prints exactly one JSON object matching the graph analysis, 101,770 in total', async () => {
    const r = await run(['summary', EXAMPLE_PATH, '--json']);
    expect(r.code).toBe(0);
    const lines = r.out.trim().split('\n');
    expect(lines).toHaveLength(1);
    const parsed = JSON.parse(lines[0] as string);
    const analysis = analyzeGraph(exampleDoc().graph);
    expect(parsed.totalParams).toBe(101_770);
    expect(parsed.totalParams).toBe(analysis.totalParams);
    expect(parsed.layers).toEqual(
      analysis.order.map((id) => {
        const n = analysis.nodes.get(id);
        return { id, type: n?.type, outputShape: n?.outputShape, params: n?.params, trainable: true };
      }),
    );
    expect(parsed.layers[0].outputShape).toEqual([null, 28, 28]);
    expect([parsed.trainableParams, parsed.nonTrainableParams]).toEqual([101_770, 0]);
  });

  it('counts a frozen layer (params.trainable: false) as Keras\'s summary() does', async () => {
    const doc = exampleDoc();
    const first = doc.graph.nodes.find((n) => n.type === 'Dense');
    if (!first) throw new Error('the example has a Dense layer');
    const frozen = { ...doc, graph: { ...doc.graph, nodes: doc.graph.nodes.map((n) => (n === first ? { ...n, params: { ...n.params, trainable: false } } : n)) } };
    const r = await run(['summary', writeDoc(frozen), '--json']);
    expect(r.code).toBe(0);
    const parsed = JSON.parse(r.out);
    const frozenParams = analyzeGraph(frozen.graph).nodes.get(first.id)?.params ?? 0;
    expect(frozenParams).toBeGreaterThan(0);
    expect(parsed.nonTrainableParams).toBe(frozenParams);
    expect(parsed.trainableParams).toBe(101_770 - frozenParams);
    expect(parsed.layers.filter((l: { trainable: boolean }) => !l.trainable).map((l: { id: string }) => l.id)).toEqual([first.id]);
    const table = await run(['summary', writeDoc(frozen)]);
    expect(table.out).toMatch(/Trainable params: [\d,]+\nNon-trainable params: [\d,]+/);
    expect(table.out).toMatch(/\(frozen\)/);
  });

  it('prints a readable table', async () => {
    const r = await run(['summary', EXAMPLE_PATH]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Layer\s+Type\s+Output shape\s+Params/);
    expect(r.out).toContain('Total params: 101,770');
  });

  it('explains missing and damaged files and invalid graphs in one line', async () => {
    expectOneLineError(await run(['summary', path.join(tmp(), 'none.nwproj')]), /does not exist/);
    const damaged = path.join(tmp(), 'bad.nwproj');
    fs.writeFileSync(damaged, '{ not json');
    expectOneLineError(await run(['summary', damaged]), /not valid JSON/);
    const invalid = docWithGraph(chain(['in', 'Input', { shape: [28, 28] }], ['d', 'Dense', { units: 0 }]));
    expectOneLineError(await run(['summary', writeDoc(invalid)]), /Units must be at least 1/);
    expectOneLineError(await run(['train', writeDoc(invalid)]), /Units must be at least 1/);
  });
});

describe('netwright usage errors', () => {
  it('prints help with exit 0', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Usage: netwright/);
  });

  it('refuses unknown commands, unknown options and bad numbers', async () => {
    expectOneLineError(await run(['frobnicate']), /unknown command "frobnicate"/);
    expectOneLineError(await run(['summary', EXAMPLE_PATH, '--bogus']), /Unknown option '--bogus'/);
    expectOneLineError(await run(['summary']), /project file/);
    expectOneLineError(await run(['train', EXAMPLE_PATH, '--epochs', 'two']), /--epochs needs a positive whole number/);
    expectOneLineError(await run(['export', EXAMPLE_PATH, '--format', 'caffe', '--out', tmp()]), /unknown export format "caffe"/);
    expectOneLineError(await run(['export', EXAMPLE_PATH, '--format', 'tfjs']), /--out/);
  });
});

/** A copy of the example in its own folder: runs are kept beside the project. */
function projectCopy(): string {
  const file = path.join(tmp('nw-proj-'), 'example.nwproj');
  fs.copyFileSync(EXAMPLE_PATH, file);
  return file;
}

describe('netwright train', () => {
  it('prints one JSON object per event, ending with done and test metrics; the run is kept beside the project', async () => {
    const home = tmp('nw-home-');
    const project = projectCopy();
    const r = await run(['train', project, '--limit', '300', '--test-limit', '100', '--epochs', '2', '--json'], home);
    expect(r.code).toBe(0);
    const events = r.out.trim().split('\n').map((l) => JSON.parse(l));
    expect(events[0]).toMatchObject({ event: 'started', trainSamples: 270, validationSamples: 30, testSamples: 100, epochs: 2 });
    expect(events[0].backend.backend).toBe(TRAINING_BACKEND);
    expect(events.filter((e) => e.event === 'epoch')).toHaveLength(2);
    const done = events.at(-1);
    expect(done.event).toBe('done');
    expect(Object.keys(done.test).sort()).toEqual(['accuracy', 'loss']);
    expect(done.test.accuracy).toBeGreaterThan(0.3);
    expect(fs.existsSync(path.join(path.dirname(project), 'example.runs', done.runId, 'model.json'))).toBe(true);
    expect(fs.existsSync(path.join(home, 'runs'))).toBe(false);
    const runs = await run(['runs', project, '--json'], home);
    expect(JSON.parse(runs.out).map((x: { runId: string; status: string }) => [x.runId, x.status])).toEqual([[done.runId, 'done']]);
  });

  it('prints the backend, an epoch line and test metrics in text mode', async () => {
    const r = await run(['train', projectCopy(), '--limit', '200', '--test-limit', '50']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(NATIVE ? /^Backend: TensorFlow 2\.\d+\.\d+ native/ : /^Backend: WebAssembly/);
    expect(r.out).toMatch(/not used: @tensorflow\/tfjs-node-gpu: not installed/);
    if (!NATIVE) {
      expect(r.out).toMatch(/not used: netwright-native: not set up/);
      expect(r.out).toMatch(/not used: @tensorflow\/tfjs-node: not installed/);
    }
    expect(r.out).toMatch(/Epoch 1\/1: loss \d+\.\d+, accuracy \d+\.\d+% \| validation loss/);
    expect(r.out).toMatch(/Test: loss \d+\.\d+, accuracy \d+\.\d+%/);
    // On the native backend the CLI says whether each batch is one compiled TensorFlow function.
    const stepLine = /Each batch trains (as one compiled TensorFlow function|through tfjs's layers \(not compiled: .+\))\./;
    if (NATIVE) expect(r.out).toMatch(stepLine);
    else expect(r.out).not.toMatch(stepLine);
  });

  // The backend that loads (native TensorFlow where set up), and WebAssembly as well where that is native.
  const augmentationBackends: ('tensorflow' | 'wasm')[] = NATIVE ? ['tensorflow', 'wasm'] : ['wasm'];
  it.each(augmentationBackends)('trains a graph with every augmentation layer (Keras names and params) on %s', async (backend) => {
    const doc = docWithGraph(
      chain(
        ['in', 'Input', { shape: [28, 28, 1] }],
        ['flip', 'RandomFlip', { mode: 'horizontal' }],
        ['rot', 'RandomRotation', { factor: 0.05, fillMode: 'constant' }],
        ['zoom', 'RandomZoom', { heightFactor: 0.1, widthFactor: 0.1 }],
        ['shift', 'RandomTranslation', { heightFactor: 0.1, widthFactor: 0.1 }],
        ['contrast', 'RandomContrast', { factor: 0.2, valueRange: [0, 1] }],
        ['crop', 'RandomCrop', { height: 24, width: 24 }],
        ['gdrop', 'GaussianDropout', { rate: 0.1 }],
        ['noise', 'GaussianNoise', { stddev: 0.05 }],
        ['conv', 'Conv2D', { filters: 4, kernelSize: [3, 3], activation: 'relu' }],
        ['pool', 'MaxPooling2D'],
        ['flat', 'Flatten'],
        ['out', 'Dense', { units: 10, activation: 'softmax' }],
      ),
    );
    doc.training.seed = 7;
    // The trainer process inherits this process's environment: NETWRIGHT_NATIVE=off leaves the add-on out.
    const before = process.env['NETWRIGHT_NATIVE'];
    if (backend === 'wasm' && NATIVE) process.env['NETWRIGHT_NATIVE'] = 'off';
    let r: Awaited<ReturnType<typeof run>>;
    try {
      r = await run(['train', writeDoc(doc), '--limit', '256', '--test-limit', '64', '--epochs', '2', '--json']);
    } finally {
      if (before === undefined) delete process.env['NETWRIGHT_NATIVE'];
      else process.env['NETWRIGHT_NATIVE'] = before;
    }
    expect(r.code, r.err).toBe(0);
    const events = r.out.trim().split('\n').map((l) => JSON.parse(l));
    expect(events[0].backend.backend).toBe(backend);
    const epochs = events.filter((e) => e.event === 'epoch');
    expect(epochs).toHaveLength(2);
    // What the model sees: the batch's first 8 examples after the last augmentation layer (RandomCrop: 24 x 24).
    const augmented = events.find((e) => e.event === 'augmented');
    expect(augmented).toMatchObject({ step: 0, layer: expect.any(String) });
    expect(augmented.images).toHaveLength(8);
    expect(augmented.images[0]).toMatchObject({ kind: 'image', width: 24, height: 24, channels: 1 });
    const done = events.at(-1);
    expect(done.event).toBe('done');
    expect(Number.isFinite(done.test.loss)).toBe(true);
    // Inference sees the centre crop resized: the test metrics come from the same graph without
    // augmentation. (256 samples for 2 epochs is near chance: the point is that evaluation runs.)
    expect(done.test.accuracy).toBeGreaterThanOrEqual(0);
    expect(done.test.accuracy).toBeLessThanOrEqual(1);
  });

  it('refuses a graph that does not fit MNIST before starting', async () => {
    const doc = docWithGraph(chain(['in', 'Input', { shape: [28, 28] }], ['f', 'Flatten'], ['d', 'Dense', { units: 5, activation: 'softmax' }]));
    expectOneLineError(await run(['train', writeDoc(doc)]), /must be \[\?, 10\]/);
  });
});

describe('netwright doctor', () => {
  it('--json: the backend that loads, each one tried with its reason and fix, device and threads', async () => {
    const r = await run(['doctor', '--json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out);
    expect(report.backend).toBe(TRAINING_BACKEND);
    const names = ['@tensorflow/tfjs-node-gpu', 'netwright-native', ...(NATIVE ? [] : ['@tensorflow/tfjs-node', '@tensorflow/tfjs-backend-wasm'])];
    expect(report.tried.map((t: { name: string }) => t.name)).toEqual(names);
    expect(report.tried[0]).toMatchObject({ ok: false, reason: expect.stringMatching(/not installed/), fix: expect.stringMatching(/setup native .*tensorflow\[and-cuda\].*CUDA 11\.2 and cuDNN 8\.1/) });
    if (NATIVE) {
      expect(report.tried[1]).toMatchObject({ ok: true, reason: 'loaded', fix: null });
      expect(report.threads).toBe(os.cpus().length);
    } else {
      // Without the add-on, the doctor says exactly what to run.
      expect(report.tried[1]).toMatchObject({ ok: false, reason: expect.stringMatching(/^not set up/), fix: expect.stringMatching(/pip install tensorflow-cpu.*npx netwright setup native/) });
      expect(report.tried[3]).toMatchObject({ ok: true, reason: 'loaded', fix: null });
      expect(report.threads).toBe(1);
    }
    expect(typeof report.device).toBe('string');
  });

  it('prints the same for people', async () => {
    const r = await run(['doctor']);
    expect(r.code).toBe(0);
    if (NATIVE) {
      expect(r.out).toMatch(/^Training backend: TensorFlow 2\.\d+\.\d+ native on the CPU \(built by netwright setup native\) \[tensorflow\]/m);
      expect(r.out).toMatch(/ok {5}netwright-native: loaded/);
    } else {
      expect(r.out).toMatch(/^Training backend: WebAssembly \(SIMD, 1 thread\) \[wasm\]/);
      expect(r.out).toMatch(/failed @tensorflow\/tfjs-node: not installed/);
      expect(r.out).toMatch(/To get a faster backend:\n(.*\n)* {2}- netwright-native: Install TensorFlow for Python .*npx netwright setup native/);
    }
  });
});

describe('netwright setup', () => {
  it('refuses what it cannot set up, in one line', async () => {
    expectOneLineError(await run(['setup']), /what to set up\? The one thing is "netwright setup native"/);
    expectOneLineError(await run(['setup', 'gpu']), /what to set up\?/);
    expectOneLineError(await run(['setup', 'native', '--python', 'a', '--tensorflow', 'b']), /give --python or --tensorflow, not both/);
    expectOneLineError(await run(['setup', 'native', '--bogus']), /Unknown option '--bogus'/);
  });

  it('says there is no TensorFlow at a folder given, and changes nothing', async () => {
    const home = tmp('nw-home-');
    const r = await run(['setup', 'native', '--tensorflow', path.join(home, 'no-such-tf')], home);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^netwright setup native: No TensorFlow to build against: .*no-such-tf does not exist\.$/m);
    expect(fs.existsSync(path.join(home, 'native'))).toBe(false);
  });
});

describe('netwright export', () => {
  it('writes fresh weights, and a trained run with --run latest', async () => {
    const home = tmp('nw-home-');
    const project = projectCopy();
    const fresh = path.join(tmp(), 'fresh');
    const r1 = await run(['export', EXAMPLE_PATH, '--format', 'tfjs', '--out', fresh], home);
    expect(r1.code).toBe(0);
    expect(fs.readdirSync(fresh).sort()).toEqual(['README.md', 'model.json', 'netwright-export.json', 'netwright-layers.js', 'weights.bin']);
    expect(r1.out).toMatch(/^PASSED: tfjs export, max difference/m);

    expectOneLineError(await run(['export', project, '--format', 'tfjs', '--out', tmp(), '--run', 'latest'], home), /no trained run/);

    const trained = await run(['train', project, '--limit', '100', '--test-limit', '20', '--json'], home);
    const runId = JSON.parse(trained.out.trim().split('\n').at(-1) as string).runId as string;
    const out = path.join(tmp(), 'trained');
    const r2 = await run(['export', project, '--format', 'tfjs', '--out', out, '--run', 'latest'], home);
    expect(r2.code).toBe(0);
    expect(r2.out).toContain(runId);
    const runDir = path.join(path.dirname(project), 'example.runs', runId);
    expect(fs.readFileSync(path.join(out, 'weights.bin'))).toEqual(fs.readFileSync(path.join(runDir, 'weights.bin')));
    // The preprocessing travels with the model.
    expect(JSON.parse(fs.readFileSync(path.join(out, 'preprocessing.json'), 'utf8'))).toMatchObject({ kind: 'image', scale: 255 });
    // Trained weights differ from fresh ones of the same architecture, yet have the same size.
    expect(fs.statSync(path.join(out, 'weights.bin')).size).toBe(fs.statSync(path.join(fresh, 'weights.bin')).size);

    expectOneLineError(await run(['export', project, '--format', 'tfjs', '--out', tmp(), '--run', 'nope'], home), /no run "nope"/);

    // The same run as PyTorch and ONNX: each checked in its runtime (or reported as skipped), exit 0.
    for (const format of ['pytorch', 'onnx']) {
      const dir = path.join(tmp(), format);
      const r = await run(['export', project, '--format', format, '--out', dir, '--run', runId, '--json'], home);
      expect(r.code, r.err).toBe(0);
      const result = JSON.parse(r.out) as { ok: boolean; runId: string; checks: { status: string; maxDifference: number | null }[] };
      expect(result).toMatchObject({ ok: true, runId });
      for (const c of result.checks) if (c.maxDifference !== null) expect(c.maxDifference).toBeLessThanOrEqual(1e-4);
      expect(JSON.parse(fs.readFileSync(path.join(dir, 'preprocessing.json'), 'utf8'))).toMatchObject({ kind: 'image' });
    }
  }, 300_000);

  it('names the node that cannot be exported and why', async () => {
    const project = writeDoc(
      docWithGraph(chain(['in', 'Input', { shape: [8, 8, 1] }], ['up', 'UpSampling2D', { interpolation: 'bilinear' }], ['f', 'Flatten'], ['o', 'Dense', { units: 2 }])),
    );
    expectOneLineError(await run(['export', project, '--format', 'keras', '--out', tmp()]), /cannot export "test" to keras: upsampling2d_1 \(UpSampling2D\) cannot be exported to Keras: Keras's bilinear/);
  });
});
