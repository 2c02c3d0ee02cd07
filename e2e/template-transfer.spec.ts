import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test, expect } from './fixtures';
import { choosePath, clickEmptyCanvas } from './support/canvas';
import { weightBytes } from './support/weights';

/**
 * The template "Transfer: MNIST features → Fashion-MNIST" (issue 18 item 5), with the mouse: opened
 * from the gallery, it already has its backbone (the bar says so) and frozen convolutions; Train on a
 * slice loads the shipped convolutions (the dashboard lists them), which come out byte for byte the
 * shipped ones. Saved, the project keeps its backbone, whose run moves beside it.
 */

const SHIPPED = path.join(process.cwd(), 'resources/templates/backbones/mnist-cnn-features');

for (const viewport of [
  { width: 1280, height: 720 },
  { width: 1440, height: 900 },
]) {
  test(`transfer template: opened from the gallery, Train starts from its MNIST backbone (${viewport.width}x${viewport.height})`, async ({ page, server }, testInfo) => {
    test.setTimeout(420_000);
    await page.setViewportSize(viewport);
    await page.goto(server.url);
    await page.getByRole('button', { name: 'Templates' }).click();
    await page.getByRole('dialog', { name: 'Templates' }).getByRole('button', { name: 'Open template Transfer: MNIST features → Fashion-MNIST' }).click();
    const bar = page.getByTestId('backbone-bar');
    await expect(bar).toContainText('Backbone: MNIST digits CNN · matching layers start from its weights', { timeout: 60_000 });
    await expect(page.getByTestId('node-Conv2D')).toHaveCount(2);
    await expect(page.getByTestId('node-Conv2D').first()).toHaveClass(/is-frozen/);
    await expect(page.getByTestId('node-Conv2D').nth(1)).toHaveClass(/is-frozen/);

    await clickEmptyCanvas(page);
    await expect(page.getByLabel('Training settings').getByRole('combobox', { name: 'Dataset' })).toHaveValue('fashion-mnist');
    await page.getByLabel('Epochs', { exact: true }).fill('1');
    await page.getByLabel('Training samples', { exact: true }).fill('600');
    await page.getByLabel('Test samples', { exact: true }).fill('200');
    await page.getByRole('button', { name: 'Train' }).click();
    await expect(page.getByTestId('training-status')).toHaveText(/Finished/, { timeout: 300_000 });
    const report = page.getByTestId('weights-report');
    await expect(report).toContainText('2 layers loaded, 2 fresh, 1 dropped');
    await expect(report.getByRole('list', { name: 'Loaded' }).getByRole('listitem')).toHaveText(['conv2d_1', 'conv2d_2']);
    await expect(report).toBeVisible();
    await expect(bar).toBeVisible();
    await report.scrollIntoViewIfNeeded();
    await page.screenshot({ path: testInfo.outputPath(`transfer-${viewport.width}.png`) });

    // Saved: the backbone's run and the new one move beside the project, and it stays the backbone.
    await page.getByRole('button', { name: 'Save' }).click();
    const project = path.join(server.scratch, `transfer-${viewport.width}.nwproj`);
    await choosePath(page, project);
    await expect(bar).toContainText('MNIST digits CNN');
    const runsDir = path.join(server.scratch, `transfer-${viewport.width}.runs`);
    const runDirs = () => (existsSync(runsDir) ? readdirSync(runsDir).filter((d) => existsSync(path.join(runsDir, d, 'run.json'))) : []);
    await expect.poll(() => runDirs().length, { timeout: 30_000 }).toBe(2);
    const records = runDirs().map((d) => ({ dir: path.join(runsDir, d), record: JSON.parse(readFileSync(path.join(runsDir, d, 'run.json'), 'utf8')) as { name: string; weights?: { fromRunId: string } } }));
    const trained = records.find((r) => r.record.weights);
    const backbone = records.find((r) => !r.record.weights);
    if (!trained || !backbone) throw new Error(`expected the backbone's run and the trained one in ${runsDir}`);
    expect(backbone.record.name).toBe('MNIST digits CNN');
    expect(trained.record.weights?.fromRunId).toBe(path.basename(backbone.dir));

    // The trained run's frozen convolutions are the shipped ones, byte for byte.
    const shipped = weightBytes(SHIPPED);
    const after = weightBytes(trained.dir);
    for (const name of ['conv2d_1/kernel', 'conv2d_1/bias', 'conv2d_2/kernel', 'conv2d_2/bias']) {
      expect(after.get(name)?.length, name).toBeGreaterThan(0);
      expect(after.get(name)?.equals(shipped.get(name) as Buffer), name).toBe(true);
    }
  });
}
