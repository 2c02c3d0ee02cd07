import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cliSession, layerWeightBytes, weightsEvent } from './test-support';
import { fashionMnistMissing } from '../trainer/datasets/mnist';

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
  const { dir, cli } = cliSession('nw-template-backbone-');
  // A copy of the template elsewhere: the backbone comes from the app's own (none beside it).
  const project = path.join(dir, 'transfer.nwproj');
  beforeAll(() => fs.copyFileSync(TEMPLATE, project));
  const runIdOf = (out: string) => /\(run (\S+)\):/.exec(out)?.[1] as string;

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
    const shipped = await layerWeightBytes(SHIPPED, ['conv2d_1', 'conv2d_2']);
    const trained = await layerWeightBytes(runDir, ['conv2d_1', 'conv2d_2']);
    expect(trained).toHaveLength(4);
    trained.forEach((w, i) => expect(w.equals(shipped[i] as Buffer), `conv weight ${i} changed`).toBe(true));
    const record = JSON.parse(fs.readFileSync(path.join(runDir, 'run.json'), 'utf8')) as { weights: { loaded: { nodeId: string }[]; fresh: { nodeId: string }[] } };
    expect(record.weights.loaded.map((l) => l.nodeId)).toEqual(['conv1', 'conv2']);
    expect(record.weights.fresh.map((l) => l.nodeId)).toEqual(['head', 'classes']);

    // The second run finds the backbone installed (one copy), as --json's weights event says.
    const b = await cli('train', project, '--epochs', '1', '--limit', '128', '--test-limit', '50', '--json');
    expect(b.code).toBe(0);
    const weights = weightsEvent(b.out);
    expect(weights?.fromRunId).toBe(shippedId);
    expect(weights?.loaded.map((l) => l.nodeId)).toEqual(['conv1', 'conv2']);
    expect(fs.readdirSync(runs).filter((n) => n === shippedId)).toHaveLength(1);

    const fresh = await cli('train', project, '--epochs', '1', '--limit', '128', '--test-limit', '50', '--no-backbone');
    expect(fresh.code).toBe(0);
    expect(fresh.out).not.toContain('Backbone:');
    expect(fresh.out).not.toContain('Weights from run');
  }, 300_000);
});
