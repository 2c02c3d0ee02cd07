import path from 'node:path';
import { test, expect } from './fixtures';
import { choosePath, clickEmptyCanvas } from './support/canvas';

/**
 * The convolutional autoencoder trains (reconstruction: each image is its own target): the
 * dashboard shows test loss and MAE, no accuracy; Evaluation shows test images beside their
 * reconstructions; Try it says it is not for reconstruction runs.
 */
test('the conv-autoencoder template trains and shows its reconstructions', async ({ page, server }, testInfo) => {
  await page.goto(server.url);
  await page.getByRole('button', { name: 'Templates' }).click();
  await page.getByRole('dialog', { name: 'Templates' }).getByRole('button', { name: 'Open template Convolutional autoencoder' }).click();
  await page.getByRole('button', { name: 'Save' }).click();
  await choosePath(page, path.join(server.scratch, 'autoencoder.nwproj'));
  await clickEmptyCanvas(page);
  await page.getByLabel('Epochs', { exact: true }).fill('1');
  await page.getByLabel('Training samples', { exact: true }).fill('1000');
  await page.getByLabel('Test samples', { exact: true }).fill('200');
  await page.getByRole('button', { name: 'Train' }).click();
  await expect(page.getByTestId('training-status')).toHaveText(/Finished/, { timeout: 170_000 });
  await expect(page.getByTestId('training-error')).toHaveCount(0);
  expect(Number(await page.getByTestId('test-loss').getAttribute('data-value'))).toBeGreaterThan(0);
  expect(Number(await page.getByTestId('test-mae').getAttribute('data-value'))).toBeGreaterThan(0);
  await expect(page.getByTestId('test-accuracy')).toHaveCount(0);

  await page.getByRole('tab', { name: 'Evaluation' }).click();
  const evaluation = page.getByTestId('reconstruction-evaluation');
  await expect(evaluation).toHaveAttribute('data-examples', '8');
  await expect(evaluation.getByRole('img', { name: 'Reconstruction of test sample 0' })).toBeVisible();
  await expect(evaluation).toContainText('No classes, so no confusion matrix');
  await page.screenshot({ path: testInfo.outputPath('autoencoder-evaluation.png') });

  await page.getByRole('tab', { name: 'Try it' }).click();
  await expect(page.getByTestId('try-it-reconstruction')).toContainText('not for reconstruction');
});
