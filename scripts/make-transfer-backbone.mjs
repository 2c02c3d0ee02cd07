#!/usr/bin/env node
/**
 * Makes the backbone the template "Transfer: MNIST features → Fashion-MNIST" ships:
 * resources/templates/backbones/mnist-cnn-features/ (run.json, model.json, weights.bin), a run of
 * Netwright's own trainer. It trains the MNIST CNN template (resources/templates/mnist-cnn.nwproj)
 * with a fixed seed on the 60,000 MNIST digits for 2 epochs with `netwright train`, and keeps that run
 * (its run.json on one line, so the three files stay under 300 KB).
 * The same backend gives the same weights (seeded); another backend gives close ones.
 *
 *   node scripts/build.mjs && node scripts/make-transfer-backbone.mjs
 *   (NETWRIGHT_NATIVE_DIR=~/.cache/netwright-ci/native for native TensorFlow's speed)
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'resources', 'templates', 'backbones', 'mnist-cnn-features');
const SETTINGS = { seed: 1, epochs: 2, trainLimit: null, testLimit: null, validationSplit: 0.1 };

const template = JSON.parse(fs.readFileSync(path.join(root, 'resources', 'templates', 'mnist-cnn.nwproj'), 'utf8'));
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'nw-transfer-backbone-'));
try {
  const project = path.join(work, 'mnist-cnn-features.nwproj');
  const NAME = 'MNIST digits CNN';
  const doc = { ...template, name: NAME, training: { ...template.training, ...SETTINGS } };
  delete doc.description;
  delete doc.goal;
  fs.writeFileSync(project, `${JSON.stringify(doc, null, 2)}\n`);
  const cli = spawnSync(process.execPath, [path.join(root, 'bin', 'netwright.cjs'), 'train', project], {
    env: { ...process.env, NETWRIGHT_HOME: work },
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
  });
  process.stdout.write(cli.stdout);
  if (cli.status !== 0) throw new Error(`netwright train exited with ${cli.status}`);
  const runs = path.join(work, 'mnist-cnn-features.runs');
  const [runId] = fs.readdirSync(runs).filter((n) => fs.existsSync(path.join(runs, n, 'model.json')));
  if (!runId) throw new Error('the run saved no model');
  const run = path.join(runs, runId);
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(out, { recursive: true });
  fs.copyFileSync(path.join(run, 'model.json'), path.join(out, 'model.json'));
  fs.copyFileSync(path.join(run, 'weights.bin'), path.join(out, 'weights.bin'));
  // The record as the run wrote it, named, less the temporary folder it was kept in.
  const record = JSON.parse(fs.readFileSync(path.join(run, 'run.json'), 'utf8'));
  fs.writeFileSync(path.join(out, 'run.json'), `${JSON.stringify({ ...record, name: NAME, projectPath: null })}\n`);
  const size = ['model.json', 'weights.bin', 'run.json'].reduce((n, f) => n + fs.statSync(path.join(out, f)).size, 0);
  console.log(`Backbone: run ${runId}, test accuracy ${(record.test?.accuracy * 100).toFixed(2)}%, ${(size / 1024).toFixed(0)} KB in ${path.relative(root, out)}`);
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
