import { execFileSync } from 'node:child_process';
import { copyFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test, expect } from './fixtures';
import { choosePath, clickEmptyCanvas } from './support/canvas';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

test('import a trained TF.js model: layers on the canvas, its weights as a run, evaluated and fine-tuned', async ({ page, server }) => {
  test.setTimeout(240_000);
  // A model trained and exported with the CLI (TF.js model.json + weights.bin), in the scratch folder.
  const source = path.join(server.scratch, 'source-mlp.nwproj');
  copyFileSync(path.join(root, 'resources', 'templates', 'mnist-mlp.nwproj'), source);
  const cli = (...args: string[]) => execFileSync(process.execPath, [path.join(root, 'bin', 'netwright.cjs'), ...args], { env: { ...process.env, NETWRIGHT_HOME: server.home }, encoding: 'utf8' });
  cli('train', source, '--epochs', '1', '--limit', '3000', '--test-limit', '500');
  const exported = path.join(server.scratch, 'mlp-tfjs');
  cli('export', source, '--format', 'tfjs', '--run', 'latest', '--out', exported, '--no-check');

  await page.goto(server.url);
  await page.getByRole('button', { name: 'More file actions' }).click();
  await page.getByRole('menuitem', { name: /Import model/ }).click();
  await choosePath(page, path.join(exported, 'model.json'));

  // The layers are on the canvas, laid out left to right, and the project is saved beside the model.
  await expect(page.getByTestId('node-Dense')).toHaveCount(2);
  await expect(page.getByTestId('node-Input')).toHaveCount(1);
  await expect(page.getByTestId('project-name')).toHaveText('model.nwproj');
  const xs = await page.locator('.react-flow__node').evaluateAll((nodes) => nodes.map((n) => n.getBoundingClientRect().x));
  expect(new Set(xs.map((x) => Math.round(x))).size).toBeGreaterThan(2);

  // Its weights are a run, marked imported.
  await page.getByRole('tab', { name: 'Runs' }).click();
  const history = page.getByRole('table', { name: 'Run history' });
  await expect(history.locator('tbody tr')).toHaveCount(1);
  await expect(history.locator('tbody tr').first()).toContainText('imported');

  // Evaluate: no training, the test accuracy of the trained weights.
  await clickEmptyCanvas(page);
  await page.getByLabel('Training samples', { exact: true }).fill('500');
  await page.getByLabel('Test samples', { exact: true }).fill('500');
  await page.getByLabel('Epochs', { exact: true }).fill('1');
  await history.getByRole('button', { name: /^Evaluate / }).click();
  await expect(page.getByTestId('training-status')).toHaveText(/Finished/, { timeout: 120_000 });
  await expect(history.locator('tbody tr')).toHaveCount(2);
  const evaluated = history.locator('tbody tr', { hasText: 'evaluation' });
  const accuracy = async (row: typeof evaluated) => Number((await row.locator('td').nth(3).textContent())?.replace('%', ''));
  await expect.poll(() => accuracy(evaluated)).toBeGreaterThan(80);

  // Fine-tune one epoch on a slice, starting from the imported weights.
  await history.locator('tbody tr', { hasText: 'imported' }).getByRole('button', { name: /^Fine-tune from / }).click();
  await expect(page.getByTestId('training-status')).toHaveText(/Finished/, { timeout: 120_000 });
  await expect(history.locator('tbody tr')).toHaveCount(3);
  const tuned = history.locator('tbody tr', { hasText: 'fine-tuned' });
  await expect(tuned).toHaveCount(1);
  await expect.poll(() => accuracy(tuned)).toBeGreaterThan(80);
});

test('import an ONNX model with Ctrl+Shift+O: channels-first CNN layers on the canvas and its weights run', async ({ page, server }) => {
  const source = path.join(server.scratch, 'source-cnn.nwproj');
  copyFileSync(path.join(root, 'resources', 'templates', 'mnist-cnn.nwproj'), source);
  const exported = path.join(server.scratch, 'cnn-onnx');
  execFileSync(process.execPath, [path.join(root, 'bin', 'netwright.cjs'), 'export', source, '--format', 'onnx', '--out', exported, '--no-check'], {
    env: { ...process.env, NETWRIGHT_HOME: server.home },
  });
  const onnxFile = readdirSync(exported).find((f) => f.endsWith('.onnx'));
  if (!onnxFile) throw new Error('no .onnx exported');

  await page.goto(server.url);
  await page.locator('.react-flow__pane').click();
  await page.keyboard.press('Control+Shift+O');
  await choosePath(page, path.join(exported, onnxFile));
  await expect(page.getByTestId('node-Conv2D')).toHaveCount(2);
  await expect(page.getByTestId('node-MaxPooling2D')).toHaveCount(2);
  await expect(page.getByTestId('node-Dense')).toHaveCount(1);
  await page.getByRole('tab', { name: 'Runs' }).click();
  const history = page.getByRole('table', { name: 'Run history' });
  await expect(history.locator('tbody tr')).toHaveCount(1);
  await expect(history.locator('tbody tr').first()).toContainText('imported');
  await expect(history.getByRole('button', { name: /^Fine-tune from / })).toBeEnabled();
});
