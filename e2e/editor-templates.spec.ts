import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DATASET_IDS } from '../shared/graph/document';
import { test, expect } from './fixtures';

test('the templates gallery opens each template; Train says why when it cannot run yet', async ({ page, server }) => {
  await page.goto(server.url);
  await page.getByRole('button', { name: 'Templates' }).click();
  const gallery = page.getByRole('dialog', { name: 'Templates' });
  const files = fs.readdirSync(path.join(path.dirname(fileURLToPath(import.meta.url)), '../resources/templates')).filter((f) => f.endsWith('.nwproj'));
  await expect(gallery.getByRole('listitem')).toHaveCount(files.length);
  // What a template reaches with its own settings is on its card.
  await expect(gallery.getByRole('listitem').filter({ hasText: 'Playground classifier on spirals' })).toContainText('≥ 95% test accuracy');
  await gallery.getByRole('button', { name: 'Open template CNN on MNIST' }).click();
  await expect(gallery).toBeHidden();
  await expect(page.getByTestId('node-Conv2D')).toHaveCount(2);
  await expect(page.getByTestId('validity')).toHaveText(/valid model/i);
  await expect(page.getByTestId('total-params')).not.toHaveText(/^0 params/);
  await expect(page.getByRole('button', { name: 'Train' })).toBeEnabled();

  // Templates open with a graph that fits their data (no error count in the header).
  for (const name of ['ResNet-style CNN', 'LSTM sentiment on IMDB', 'Transformer encoder on IMDB', 'Playground classifier on spirals']) {
    await page.getByRole('button', { name: 'Templates' }).click();
    await gallery.getByRole('button', { name: `Open template ${name}` }).click();
    await expect(page.getByTestId('project-name')).toHaveText(name);
    await expect(page.getByTestId('validity')).not.toHaveText(/error/);
  }

  // The autoencoder trains with each image as its own target (reconstruction): its output
  // [?, 28, 28, 1] is no mismatch with MNIST's 10 classes, and Train is enabled.
  await page.getByRole('button', { name: 'Templates' }).click();
  await expect(gallery.getByRole('listitem').filter({ hasText: 'Convolutional autoencoder' })).toContainText('test loss ≤');
  await gallery.getByRole('button', { name: 'Open template Convolutional autoencoder' }).click();
  await expect(page.getByTestId('node-Conv2DTranspose')).toHaveCount(2);
  await expect(page.getByTestId('validity')).not.toHaveText(/error/);
  await expect(page.getByRole('button', { name: 'Train' })).toBeEnabled();
  await expect(page.getByTestId('train-why')).toHaveCount(0);

  // IMDB: trainable once the engine offers the data set; until then Train says why not.
  await page.getByRole('button', { name: 'Templates' }).click();
  await gallery.getByRole('button', { name: 'Open template GRU sentiment on IMDB' }).click();
  await expect(page.getByTestId('node-GRU')).toHaveCount(1);
  if (!(DATASET_IDS as readonly string[]).includes('imdb')) {
    await expect(page.getByRole('button', { name: 'Train' })).toBeDisabled();
    await expect(page.getByTestId('train-why')).toContainText('IMDB reviews data set');
  } else {
    // The run settings come with it: the loss for one sigmoid output and the tokenizer's sizes.
    await expect(page.getByRole('button', { name: 'Train' })).toBeEnabled();
    await expect(page.getByRole('combobox', { name: 'Loss' })).toHaveValue('binaryCrossentropy');
    await expect(page.getByLabel('Vocabulary size', { exact: true })).toHaveValue('10000');
    await expect(page.getByLabel('Sequence length', { exact: true })).toHaveValue('200');
  }

  // Editing after a template is ordinary editing: undo works, the file is unsaved.
  await expect(page.getByTestId('dirty-indicator')).toHaveCount(0);
});
