import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { test, expect } from './fixtures';
import { PROJECT_VERSION } from '../shared/graph/document';
import { choosePath, clickEmptyCanvas, connect, dropLayer } from './support/canvas';

/**
 * The walking skeleton's user journey, in the browser mode, with real mouse drags:
 * build an MLP from an empty canvas, train on a slice of MNIST, stop a run,
 * finish a run, export it and reload the export with stock tfjs, save and reopen.
 */
test('build, train, stop, export, save and reopen an MLP on MNIST', async ({ page, server }) => {
  await page.goto(server.url);
  await expect(page.getByTestId('total-params')).toHaveText(/^0 params/);
  await expect(page.getByRole('button', { name: 'Train' })).toBeDisabled();

  // Build Input -> Flatten -> Dense(128, relu) -> Dense(10, softmax) from the palette.
  const input = await dropLayer(page, 'Input', 120, 120);
  // On MNIST a new Input has the data set's full shape: height, width and a channel.
  await expect(page.getByLabel('Shape', { exact: true })).toHaveValue('28, 28, 1');
  const flatten = await dropLayer(page, 'Flatten', 420, 120);
  const hidden = await dropLayer(page, 'Dense', 120, 330);
  await page.getByLabel('Units', { exact: true }).fill('128');
  await page.getByRole('combobox', { name: 'Activation' }).selectOption('relu');
  const output = await dropLayer(page, 'Dense', 420, 330);
  await page.getByLabel('Units', { exact: true }).fill('10');
  await page.getByRole('combobox', { name: 'Activation' }).selectOption('softmax');

  // Unconnected inputs are marked on the nodes and keep Train disabled.
  await expect(flatten).toHaveClass(/has-error/);
  await expect(flatten).toContainText('nothing connected');
  await expect(page.getByRole('button', { name: 'Train' })).toBeDisabled();

  await connect(page, input, flatten);
  await connect(page, flatten, hidden);
  await expect(hidden.getByTestId('node-shape')).toHaveText('[?, 128]');
  await expect(output).toHaveClass(/has-error/);
  await connect(page, hidden, output);

  // Shapes on edges, counts on nodes and in the header.
  await expect(page.getByTestId('total-params')).toHaveText(/101,770/);
  await expect(page.locator('.react-flow__edge-text, .react-flow__edgelabel-renderer').filter({ hasText: '[?, 784]' }).first()).toBeVisible();
  await expect(page.locator('body')).toContainText('[?, 128]');
  await expect(hidden).toContainText('100,480');
  await expect(output).toContainText('1,290');
  await expect(page.getByTestId('validity')).toHaveText(/valid/i);
  await expect(output).not.toHaveClass(/has-error/);

  // A run on the full training set, stopped once it is under way. More epochs than the test waits
  // for: on the native backend one epoch of this MLP (one compiled TensorFlow function per batch)
  // takes a few seconds, so a 1-epoch run could finish before Stop is pressed.
  await clickEmptyCanvas(page);
  await page.getByLabel('Epochs', { exact: true }).fill('50');
  await page.getByLabel('Test samples', { exact: true }).fill('500');
  await page.getByRole('button', { name: 'Train' }).click();
  const progress = page.getByRole('progressbar', { name: 'Training progress' });
  await expect.poll(async () => Number(await progress.getAttribute('aria-valuenow')), { timeout: 60_000 }).toBeGreaterThan(0);
  await expect(page.getByTestId('backend-label')).not.toBeEmpty();
  await page.getByRole('button', { name: 'Stop' }).click();
  await expect(page.getByTestId('training-status')).toHaveText(/Stopped/, { timeout: 60_000 });
  expect(Number(await progress.getAttribute('aria-valuenow'))).toBeLessThan(100);

  // A run on a slice that finishes; the charts fill in.
  await clickEmptyCanvas(page);
  await page.getByLabel('Epochs', { exact: true }).fill('1');
  await page.getByLabel('Training samples', { exact: true }).fill('3000');
  await page.getByLabel('Test samples', { exact: true }).fill('1000');
  await page.getByRole('button', { name: 'Train' }).click();
  await expect(page.getByTestId('training-status')).toHaveText(/Finished/, { timeout: 120_000 });
  await expect.poll(async () => Number(await page.getByTestId('batch-loss-chart').getAttribute('data-points'))).toBeGreaterThan(2);
  await expect(page.getByTestId('epoch-chart')).toHaveAttribute('data-points', '1');
  const accuracy = Number(await page.getByTestId('test-accuracy').getAttribute('data-value'));
  expect(accuracy).toBeGreaterThan(0.7);
  await expect(page.getByTestId('test-accuracy')).toHaveText(/%/);

  // Export the trained model and reload it with stock tfjs.
  const exportDir = path.join(server.scratch, 'mlp-export');
  await page.getByRole('button', { name: 'Export' }).click();
  await choosePath(page, exportDir);
  await expect(page.getByTestId('export-result')).toContainText('model.json');
  const modelJson = JSON.parse(readFileSync(path.join(exportDir, 'model.json'), 'utf8'));
  const weights = readFileSync(path.join(exportDir, 'weights.bin'));
  const model = await tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: modelJson.modelTopology,
      weightSpecs: modelJson.weightsManifest.flatMap((g: { weights: tf.io.WeightsManifestEntry[] }) => g.weights),
      weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
    }),
  );
  expect(model.countParams()).toBe(101_770);
  const probs = tf.tidy(() => (model.predict(tf.zeros([2, 28, 28, 1])) as tf.Tensor).sum(1).arraySync() as number[]);
  for (const p of probs) expect(p).toBeCloseTo(1, 4);
  model.dispose();
  await expect(page.getByTestId('export-check')).toHaveAttribute('data-ok', 'true');

  // The same run as ONNX: written, then run in onnxruntime-node by the back end's self-check.
  const onnxDir = path.join(server.scratch, 'mlp-onnx');
  await page.getByRole('combobox', { name: 'Export format' }).selectOption('onnx');
  await page.getByRole('button', { name: 'Export' }).click();
  await choosePath(page, onnxDir);
  await expect(page.getByTestId('export-result')).toContainText('model.onnx', { timeout: 60_000 });
  await expect(page.getByTestId('export-check')).toHaveAttribute('data-ok', 'true');
  await expect(page.getByTestId('export-check')).toContainText('passed: onnxruntime');
  expect(existsSync(path.join(onnxDir, 'model.onnx'))).toBe(true);

  // Save the project, start a new one, reopen the file: graph and settings are back.
  const projectPath = path.join(server.scratch, 'mlp.nwproj');
  await page.getByRole('button', { name: 'Save' }).click();
  await choosePath(page, projectPath);
  await expect.poll(() => existsSync(projectPath)).toBe(true);
  const saved = JSON.parse(readFileSync(projectPath, 'utf8'));
  expect(saved.format).toBe('netwright-project');
  expect(saved.version).toBe(PROJECT_VERSION);
  expect(saved.graph.nodes).toHaveLength(4);
  expect(saved.training.trainLimit).toBe(3000);

  await page.getByRole('button', { name: 'New' }).click();
  await expect(page.getByTestId('total-params')).toHaveText(/^0 params/);
  await page.getByRole('button', { name: 'Open' }).click();
  await choosePath(page, projectPath);
  await expect(page.getByTestId('total-params')).toHaveText(/101,770/);
  await expect(page.locator('.react-flow__edge')).toHaveCount(3);
  await clickEmptyCanvas(page);
  await expect(page.getByLabel('Training samples', { exact: true })).toHaveValue('3000');
});
