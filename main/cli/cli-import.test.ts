import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main, type CliIo } from './cli';
import { parseProject } from '../../shared/graph/migrations';

const FIXTURES = path.resolve(__dirname, '../import/fixtures');

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: Partial<CliIo> = { stdout: (t) => (out += t), stderr: (t) => (err += t), env: {}, interactive: false };
  return { code: await main(argv, io), out, err };
}

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'nw-import-'));

describe('netwright import', () => {
  it('writes a project that summary reports with Keras\'s parameter count', async () => {
    const out = path.join(tmp(), 'convnet.nwproj');
    const r = await run(['import', path.join(FIXTURES, 'keras3-sequential-mnist-convnet.json'), '--out', out]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Imported 8 layers \(34,826 parameters\) from keras3-sequential-mnist-convnet\.json into .*convnet\.nwproj\n$/);
    const doc = parseProject(fs.readFileSync(out, 'utf8'));
    expect(doc.name).toBe('convnet');
    expect(doc.graph.nodes).toHaveLength(8);
    const summary = await run(['summary', out, '--json']);
    expect(JSON.parse(summary.out).totalParams).toBe(34_826);
  });

  it('refuses an unsupported layer in one line naming it, and writes nothing', async () => {
    const dir = tmp();
    const model = path.join(dir, 'model.json');
    fs.writeFileSync(
      model,
      JSON.stringify({
        format: 'layers-model',
        modelTopology: {
          class_name: 'Sequential',
          config: { name: 's', layers: [{ class_name: 'ConvLSTM2D', config: { name: 'clstm', batch_input_shape: [null, 3, 8, 8, 1], filters: 4 } }] },
        },
      }),
    );
    const out = path.join(dir, 'out.nwproj');
    const r = await run(['import', model, '--out', out]);
    expect(r.code).toBe(1);
    expect(r.err).toBe('netwright: Layer "clstm" (ConvLSTM2D): Netwright has no ConvLSTM2D layer, so this model cannot be imported.\n');
    expect(fs.existsSync(out)).toBe(false);
  });

  it('explains missing arguments and files', async () => {
    expect((await run(['import'])).err).toMatch(/^netwright: import needs a model\.json file/);
    expect((await run(['import', 'x.json'])).err).toMatch(/^netwright: import needs --out <file\.nwproj>/);
    const r = await run(['import', path.join(tmp(), 'missing.json'), '--out', path.join(tmp(), 'o.nwproj')]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^netwright: cannot read .*missing\.json: ENOENT/);
  });
});

describe('netwright import with weights, then train --from-run', () => {
  let trainerEntry: string;
  beforeAll(async () => {
    const { buildTrainerForTests } = await import('../services/build-trainer-for-tests');
    trainerEntry = await buildTrainerForTests();
  }, 120_000);
  afterAll(() => fs.rmSync(trainerEntry, { force: true }));

  const runWith = async (argv: string[], home: string) => {
    let out = '';
    let err = '';
    const code = await main(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t), env: { NETWRIGHT_HOME: home }, interactive: false, trainerEntry });
    return { code, out, err };
  };

  it('imports a TF.js model.json with its weights as a run, which train --from-run evaluates and fine-tunes', async () => {
    const dir = tmp();
    const { galleryProjects, randomizedRun } = await import('../export/test-support');
    const mlp = galleryProjects().find((p) => p.file === 'templates/mnist-mlp.nwproj');
    if (!mlp) throw new Error('templates/mnist-mlp.nwproj is missing');
    const modelDir = await randomizedRun(mlp.doc, 4);
    const out = path.join(dir, 'mlp.nwproj');
    const imported = await runWith(['import', path.join(modelDir, 'model.json'), '--out', out], dir);
    fs.rmSync(modelDir, { recursive: true, force: true });
    expect(imported.err).toBe('');
    expect(imported.out).toMatch(/^Imported 5 layers \(101,770 parameters\) from model\.json into .*mlp\.nwproj\nWeights imported as run (\S+-imported-\S+) /);
    const runId = /as run (\S+)/.exec(imported.out)?.[1] as string;
    expect(fs.existsSync(path.join(dir, 'mlp.runs', runId, 'weights.bin'))).toBe(true);

    const evaluated = await runWith(['train', out, '--from-run', 'latest', '--evaluate', '--limit', '64', '--test-limit', '100', '--json'], dir);
    expect(evaluated.err).toBe('');
    const lines = evaluated.out.trim().split('\n').map((l) => JSON.parse(l) as { event: string; epochs?: number; test?: { accuracy: number } });
    expect(lines.filter((l) => l.event === 'epoch')).toHaveLength(0);
    expect(lines.at(-1)?.event).toBe('done');
    expect(typeof lines.at(-1)?.test?.accuracy).toBe('number');

    const tuned = await runWith(['train', out, '--from-run', runId, '--epochs', '1', '--limit', '64', '--test-limit', '100', '--json'], dir);
    expect(tuned.code).toBe(0);
    expect(tuned.out).toContain('"event":"epoch"');
    const runs = await runWith(['runs', out, '--json'], dir);
    const origins = (JSON.parse(runs.out) as { origin?: { kind: string; runId?: string } }[]).map((r) => r.origin);
    expect(origins).toEqual(expect.arrayContaining([{ kind: 'fineTuned', runId }, { kind: 'evaluated', runId }, expect.objectContaining({ kind: 'imported', format: 'tfjs' })]));
  }, 180_000);

  it('refuses --evaluate without --from-run, and a run that does not exist', async () => {
    const dir = tmp();
    const project = path.join(dir, 'p.nwproj');
    fs.copyFileSync(path.resolve(__dirname, '../../resources/templates/mnist-mlp.nwproj'), project);
    const a = await runWith(['train', project, '--evaluate'], dir);
    expect(a.code).toBe(2);
    expect(a.err).toMatch(/^netwright: --evaluate needs --from-run/);
    const b = await runWith(['train', project, '--from-run', 'latest'], dir);
    expect(b.err).toMatch(/^netwright: there is no run with a saved model in .*p\.runs to start from\.\n$/);
    const c = await runWith(['train', project, '--from-run', 'nope'], dir);
    expect(c.err).toMatch(/^netwright: There is no run "nope" in /);
  }, 60_000);

  it('refuses an ONNX model with unsupported operations in one line, writing nothing', async () => {
    const dir = tmp();
    const { OnnxGraph } = await import('../export/onnx-graph');
    const g = new OnnxGraph();
    const x = g.input('x', 'float32', ['batch', 4]);
    g.output(g.op1('Cos', [x], {}, 'wave'), 'float32', ['batch', 4]);
    const file = path.join(dir, 'cos.onnx');
    fs.writeFileSync(file, g.encode('cos', ''));
    const r = await runWith(['import', file, '--out', path.join(dir, 'cos.nwproj')], dir);
    expect(r.code).toBe(1);
    expect(r.err).toBe('netwright: Netwright has no layer for this ONNX operation: Cos (node "node/wave"). Nothing was imported.\n');
    expect(fs.existsSync(path.join(dir, 'cos.nwproj'))).toBe(false);
  });
});
