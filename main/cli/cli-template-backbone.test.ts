import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from './cli';
import { fashionMnistMissing } from '../trainer/datasets/mnist';
import { loadModelFromDir } from '../trainer/save-model';

/**
 * `netwright train` on the template "Transfer: MNIST features → Fashion-MNIST" starts from the
 * backbone it ships (installed once beside the project as the run it was), with no option: the
 * convolutions are loaded and stay bit-identical, the new head learns; `--no-backbone` trains the
 * same graph from fresh weights.
 */

const missing = fashionMnistMissing();
const TEMPLATE = path.resolve(__dirname, '../../resources/templates/transfer-mnist-fashion.nwproj');
const SHIPPED = path.resolve(__dirname, '../../resources/templates/backbones/mnist-cnn-features');

describe.skipIf(missing !== null)(`netwright train <the transfer template>${missing ? ` (skipped: ${missing})` : ''}`, () => {
  let trainerEntry: string;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nw-template-backbone-'));
  // A copy of the template elsewhere: the backbone comes from the app's own (none beside it).
  const project = path.join(dir, 'transfer.nwproj');
  beforeAll(async () => {
    const { buildTrainerForTests } = await import('../services/build-trainer-for-tests');
    trainerEntry = await buildTrainerForTests();
    fs.copyFileSync(TEMPLATE, project);
  }, 120_000);
  afterAll(() => {
    fs.rmSync(trainerEntry, { force: true });
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const cli = async (...argv: string[]) => {
    let out = '';
    let err = '';
    const code = await main(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t), env: { NETWRIGHT_HOME: dir }, interactive: false, trainerEntry });
    return { code, out, err };
  };
  const runIdOf = (out: string) => /\(run (\S+)\):/.exec(out)?.[1] as string;
  const layerBytes = async (runDir: string, layers: readonly string[]) => {
    const model = await loadModelFromDir(runDir);
    try {
      return layers.flatMap((l) => model.getLayer(l).getWeights().map((w) => Buffer.from((w.dataSync() as Float32Array).buffer)));
    } finally {
      model.dispose();
    }
  };

  it('loads the shipped convolutions with no option, keeps them frozen, and trains the new head', async () => {
    const shippedId = (JSON.parse(fs.readFileSync(path.join(SHIPPED, 'run.json'), 'utf8')) as { runId: string }).runId;
    const a = await cli('train', project, '--epochs', '1', '--limit', '256', '--test-limit', '100');
    expect(a.err).toBe('');
    expect(a.code).toBe(0);
    expect(a.out).toContain(`Backbone: MNIST digits CNN (shipped with the template), run ${shippedId} (--no-backbone trains without it)\n`);
    expect(a.out).toContain(`Weights from run ${shippedId}: 2 layers loaded, 2 fresh, 1 dropped\n`);
    expect(a.out).toContain('  loaded: conv2d_1, conv2d_2\n');
    const runs = path.join(dir, 'transfer.runs');
    const runDir = path.join(runs, runIdOf(a.out));
    const shipped = await layerBytes(SHIPPED, ['conv2d_1', 'conv2d_2']);
    const trained = await layerBytes(runDir, ['conv2d_1', 'conv2d_2']);
    expect(trained).toHaveLength(4);
    trained.forEach((w, i) => expect(w.equals(shipped[i] as Buffer), `conv weight ${i} changed`).toBe(true));
    const record = JSON.parse(fs.readFileSync(path.join(runDir, 'run.json'), 'utf8')) as { weights: { loaded: { nodeId: string }[]; fresh: { nodeId: string }[] } };
    expect(record.weights.loaded.map((l) => l.nodeId)).toEqual(['conv1', 'conv2']);
    expect(record.weights.fresh.map((l) => l.nodeId)).toEqual(['head', 'classes']);

    // The second run finds the backbone installed (one copy), as --json's weights event says.
    const b = await cli('train', project, '--epochs', '1', '--limit', '128', '--test-limit', '50', '--json');
    expect(b.code).toBe(0);
    const weights = b.out
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { event: string; report?: { fromRunId: string; loaded: { nodeId: string }[] } })
      .find((e) => e.event === 'weights');
    expect(weights?.report?.fromRunId).toBe(shippedId);
    expect(weights?.report?.loaded.map((l) => l.nodeId)).toEqual(['conv1', 'conv2']);
    expect(fs.readdirSync(runs).filter((n) => n === shippedId)).toHaveLength(1);

    const fresh = await cli('train', project, '--epochs', '1', '--limit', '128', '--test-limit', '50', '--no-backbone');
    expect(fresh.code).toBe(0);
    expect(fresh.out).not.toContain('Backbone:');
    expect(fresh.out).not.toContain('Weights from run');
  }, 300_000);
});
