import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliSession, layerWeightBytes, weightsEvent } from './test-support';
import { parseProject } from '../../shared/graph/migrations';
import { cutAfter } from '../../shared/graph/backbone';
import { fashionMnistMissing } from '../trainer/datasets/mnist';

/**
 * The backbone journey on the CLI (issue 18): train the MNIST CNN template, turn the same project
 * into Fashion-MNIST with its head cut and replaced, then `train --from-run latest --freeze-before
 * flatten`: it prints which layers were loaded, fresh and dropped, the frozen convolutions come out
 * bit-identical, and it beats the same head on a frozen random backbone.
 */

const missing = fashionMnistMissing();
const TEMPLATE = path.resolve(__dirname, '../../resources/templates/mnist-cnn.nwproj');

describe.skipIf(missing !== null)(`netwright train --from-run as a backbone, --freeze${missing ? ` (skipped: ${missing})` : ''}`, () => {
  const { dir, cli } = cliSession('nw-backbone-');
  const project = path.join(dir, 'transfer.nwproj');
  const runIdOf = (out: string) => /\(run (\S+)\)/.exec(out)?.[1] as string;
  const testAccuracy = (out: string) => Number(/^Test: loss [\d.]+, accuracy ([\d.]+)%/m.exec(out)?.[1]);
  const convWeights = (runId: string) => layerWeightBytes(path.join(dir, 'transfer.runs', runId), ['conv2d_1', 'conv2d_2']);

  it('trains the MNIST CNN, then Fashion-MNIST from it with a new head and the convolutions frozen', async () => {
    const doc = parseProject(fs.readFileSync(TEMPLATE, 'utf8'));
    fs.writeFileSync(project, JSON.stringify({ ...doc, training: { ...doc.training, seed: 3, validationSplit: 0 } }));
    const mnist = await cli('train', project, '--epochs', '1', '--limit', '6000', '--test-limit', '300');
    expect(mnist.err).toBe('');
    const mnistRun = runIdOf(mnist.out);

    // The same project, its head cut after Flatten and replaced, on Fashion-MNIST.
    const cut = cutAfter(doc.graph, 'flatten');
    const at = (x: number) => ({ x, y: 0 });
    const graph = {
      ...cut,
      nodes: [...cut.nodes, { id: 'head', type: 'Dense', position: at(900), params: { units: 64, activation: 'relu' } }, { id: 'classes', type: 'Dense', position: at(1000), params: { units: 10, activation: 'softmax' } }],
      edges: [...cut.edges, { id: 'e-head', source: 'flatten', target: 'head', targetPort: 'in' }, { id: 'e-classes', source: 'head', target: 'classes', targetPort: 'in' }],
    };
    fs.writeFileSync(project, JSON.stringify({ ...doc, graph, training: { ...doc.training, dataset: 'fashion-mnist', seed: 7, validationSplit: 0 } }));

    const transfer = await cli('train', project, '--from-run', 'latest', '--freeze-before', 'flatten', '--epochs', '1', '--limit', '3000', '--test-limit', '1000');
    expect(transfer.err).toBe('');
    expect(transfer.code).toBe(0);
    expect(transfer.out).toContain(`Weights from run ${mnistRun}: 2 layers loaded, 2 fresh, 1 dropped\n`);
    expect(transfer.out).toContain('  loaded: conv2d_1, conv2d_2\n');
    expect(transfer.out).toContain('  fresh: dense_1 (new: the run has no such layer)\n');
    expect(transfer.out).toContain('  dropped: dense_1 (not in the graph any more)\n');
    const before = await convWeights(mnistRun);
    const after = await convWeights(runIdOf(transfer.out));
    expect(after).toHaveLength(4);
    after.forEach((w, i) => expect(w.equals(before[i] as Buffer)).toBe(true));
    // The project file itself is left as it was (the freeze is for this run).
    expect(fs.readFileSync(project, 'utf8')).not.toContain('"trainable"');

    const random = await cli('train', project, '--freeze-before', 'flatten', '--epochs', '1', '--limit', '3000', '--test-limit', '1000');
    expect(random.code).toBe(0);
    expect(random.out).not.toContain('Weights from run');
    expect(testAccuracy(transfer.out)).toBeGreaterThan(60);
    expect(testAccuracy(transfer.out)).toBeGreaterThan(testAccuracy(random.out) + 2);

    const json = await cli('train', project, '--from-run', mnistRun, '--freeze', 'conv1,conv2', '--epochs', '1', '--limit', '256', '--test-limit', '100', '--json');
    expect(weightsEvent(json.out)?.loaded.map((l) => l.nodeId)).toEqual(['conv1', 'conv2']);
  }, 600_000);

  it('explains a freeze option that names no layer, or a layer without weights', async () => {
    fs.copyFileSync(TEMPLATE, project);
    const a = await cli('train', project, '--freeze', 'nope');
    expect([a.code, a.err]).toEqual([2, 'netwright: --freeze: the graph has no layer "nope" (give a layer\'s id or name; netwright summary lists them).\n']);
    const b = await cli('train', project, '--freeze', 'conv1,pool1');
    expect([b.code, b.err]).toEqual([2, 'netwright: --freeze: pool1 (MaxPooling2D) has no weights to freeze.\n']);
    const c = await cli('train', project, '--freeze-before', 'reshape');
    expect([c.code, c.err]).toEqual([2, 'netwright: --freeze-before: no layer with weights comes before reshape.\n']);
    const d = await cli('train', project, '--replay', 'latest', '--freeze', 'conv1');
    expect(d.err).toMatch(/cannot be combined with --freeze\.\n$/);
  }, 60_000);
});
