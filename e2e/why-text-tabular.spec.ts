import type { Locator, Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { clickEmptyCanvas } from './support/canvas';

/**
 * Issue 19, "why this prediction" for text and tabular models with a real mouse and keyboard (the
 * image case is in explain-step.spec.ts): in the gallery of wrong predictions and in Try it, a
 * per-token strip (gradient × input at the embedding) for an IMDB LSTM and signed feature
 * attributions for the Iris classifier, both computed by the trainer.
 */

async function openTemplate(page: Page, url: string, name: string): Promise<void> {
  await page.goto(url);
  await page.getByRole('button', { name: 'Templates' }).click();
  await page.getByRole('dialog', { name: 'Templates' }).getByRole('button', { name: `Open template ${name}` }).click();
  await clickEmptyCanvas(page);
}

/** Clicks a field, selects what is there and types `text`, then Tab. */
async function typeInto(page: Page, field: Locator, text: string): Promise<void> {
  await field.click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.type(text);
  await page.keyboard.press('Tab');
}

async function train(page: Page, epochs: string, slice?: { train: string; test: string }): Promise<void> {
  const settings = page.getByLabel('Training settings');
  await typeInto(page, settings.getByLabel('Epochs', { exact: true }), epochs);
  if (slice) {
    await typeInto(page, settings.getByLabel('Training samples', { exact: true }), slice.train);
    await typeInto(page, settings.getByLabel('Test samples', { exact: true }), slice.test);
  }
  await page.getByRole('button', { name: 'Train' }).click();
  await expect(page.getByTestId('training-status')).toHaveText(/Finished/, { timeout: 240_000 });
}

/** The token strip as shown: each word, its attribution, and whether it is coloured "for". */
async function readTokens(strip: Locator): Promise<{ token: string; attribution: number; isFor: boolean }[]> {
  return strip.locator('.why__token').evaluateAll((spans) =>
    spans.map((s) => ({ token: s.textContent ?? '', attribution: Number(s.getAttribute('data-attribution')), isFor: s.classList.contains('is-for') })),
  );
}

/** The feature rows as shown, top to bottom: name, value, attribution. */
async function readFeatures(table: Locator): Promise<{ name: string; value: string; attribution: number }[]> {
  return table.getByRole('row').evaluateAll((rows) =>
    rows.map((r) => {
      const cells = [...r.querySelectorAll('[role="cell"]')].map((c) => c.textContent ?? '');
      return { name: cells[0] ?? '', value: cells[1] ?? '', attribution: Number(r.getAttribute('data-attribution')) };
    }),
  );
}

/** The gallery's first wrong prediction picked with the keyboard: its index, actual and predicted class. */
async function pickFirstWrong(page: Page, panel: Locator): Promise<{ index: string; actual: string; predicted: string }> {
  const picks = panel.getByRole('button', { name: /^Why was test sample \d+/ });
  await expect(picks.first()).toBeVisible();
  const label = (await picks.first().getAttribute('aria-label')) ?? '';
  const [, index, actual, predicted] = /test sample (\d+) \(actually (.+)\) predicted (.+)\?$/.exec(label) ?? [];
  await picks.first().focus();
  await page.keyboard.press('Enter');
  await expect(picks.first()).toHaveAttribute('aria-pressed', 'true');
  return { index: index as string, actual: actual as string, predicted: predicted as string };
}

test('why this prediction for text: a wrong review’s token strip (and why not the actual class), and a typed review’s', async ({ page, server }) => {
  test.setTimeout(480_000);
  await page.setViewportSize({ width: 1280, height: 720 });
  await openTemplate(page, server.url, 'LSTM sentiment on IMDB');
  await train(page, '1', { train: '256', test: '40' });

  // The gallery: a wrong review picked with the keyboard, explained for the class it was given.
  await page.getByRole('tab', { name: 'Evaluation' }).click();
  const panel = page.getByRole('tabpanel', { name: 'Evaluation' });
  const wrong = await pickFirstWrong(page, panel);
  const why = panel.getByTestId('why');
  const summary = why.getByTestId('why-summary');
  await expect(summary).toHaveAttribute('data-sample', wrong.index, { timeout: 120_000 });
  await expect(summary).toHaveAttribute('data-target', wrong.predicted);
  await expect(summary).toContainText(`actual class ${wrong.actual}`);
  const strip = why.getByTestId('why-tokens');
  await expect(strip).toBeVisible();
  const forPredicted = await readTokens(strip);
  // The review's words as the model read them (at most the sequence length), each scored.
  expect(forPredicted.length).toBeGreaterThan(0);
  expect(forPredicted.length).toBeLessThanOrEqual(200);
  expect(forPredicted.every((t) => Number.isFinite(t.attribution))).toBe(true);
  expect(forPredicted.some((t) => t.attribution !== 0)).toBe(true);
  // Colour follows sign; "Most for" leads with the word that raises the score most.
  for (const t of forPredicted) expect(t.isFor, t.token).toBe(t.attribution >= 0);
  const top = [...forPredicted].sort((a, b) => b.attribution - a.attribution)[0];
  if (top && top.attribution > 0) await expect(why.getByTestId('why-top-for')).toHaveText(new RegExp(`^${top.token.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(,|$)`));

  // Why not the actual class (the mouse): one sigmoid unit scores class 1 by its logit z and class 0
  // by -z, so every word's attribution flips sign.
  await why.getByRole('button', { name: `Why not ${wrong.actual}?` }).click();
  await expect(summary).toHaveAttribute('data-target', wrong.actual, { timeout: 120_000 });
  const forActual = await readTokens(strip);
  expect(forActual.map((t) => t.token)).toEqual(forPredicted.map((t) => t.token));
  forActual.forEach((t, i) => expect(t.attribution).toBeCloseTo(-(forPredicted[i]?.attribution ?? NaN), 5));

  // Try it: a review typed with the keyboard, predicted, then Why?
  await page.getByRole('tab', { name: 'Try it' }).click();
  const review = 'a wonderful film with great acting but a boring end';
  await page.getByLabel('Text', { exact: true }).click();
  await page.keyboard.type(review);
  await page.getByRole('button', { name: 'Predict' }).click();
  const prediction = page.getByTestId('prediction');
  await expect(prediction).toBeVisible({ timeout: 60_000 });
  const predictedClass = await prediction.getAttribute('data-class');
  await page.getByRole('button', { name: 'Why?' }).click();
  const tryWhy = page.getByRole('tabpanel', { name: 'Try it' }).getByTestId('why');
  await expect(tryWhy.getByTestId('why-summary')).toHaveAttribute('data-target', predictedClass as string, { timeout: 120_000 });
  await expect(tryWhy.getByTestId('why-summary')).not.toContainText('actual class');
  // One entry per typed word, in order (words outside the vocabulary too).
  const typed = await readTokens(tryWhy.getByTestId('why-tokens'));
  expect(typed.map((t) => t.token)).toEqual(review.split(' '));
  expect(typed.some((t) => t.attribution !== 0)).toBe(true);
  await page.screenshot({ path: test.info().outputPath('why-text-1280.png') });
});

test('why this prediction for a table: a wrong flower’s feature attributions, and entered measurements’', async ({ page, server }) => {
  test.setTimeout(300_000);
  await page.setViewportSize({ width: 1440, height: 900 });
  await openTemplate(page, server.url, 'Iris species from four measurements');
  await train(page, '1');

  await page.getByRole('tab', { name: 'Evaluation' }).click();
  const panel = page.getByRole('tabpanel', { name: 'Evaluation' });
  const wrong = await pickFirstWrong(page, panel);
  const why = panel.getByTestId('why');
  const summary = why.getByTestId('why-summary');
  await expect(summary).toHaveAttribute('data-sample', wrong.index, { timeout: 120_000 });
  await expect(summary).toHaveAttribute('data-target', wrong.predicted);
  const table = why.getByRole('table', { name: `Feature attributions for ${wrong.predicted}` });
  const rows = await readFeatures(table);
  // The four measurements, largest share first, each with its value.
  expect(rows.map((r) => r.name).sort()).toEqual(['petal_length', 'petal_width', 'sepal_length', 'sepal_width']);
  const sizes = rows.map((r) => Math.abs(r.attribution));
  expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
  expect(rows.every((r) => Number.isFinite(Number(r.value)))).toBe(true);
  expect(sizes[0]).toBeGreaterThan(0);

  // Another class with the select (keyboard): the same values, other attributions.
  const classSelect = why.getByRole('combobox', { name: 'Explain class' });
  await classSelect.focus();
  await page.keyboard.press('End');
  const last = await classSelect.evaluate((el) => (el as HTMLSelectElement).options[(el as HTMLSelectElement).options.length - 1]?.text ?? '');
  await expect(summary).toHaveAttribute('data-target', last, { timeout: 120_000 });
  const other = await readFeatures(why.getByRole('table', { name: `Feature attributions for ${last}` }));
  expect(Object.fromEntries(other.map((r) => [r.name, r.value]))).toEqual(Object.fromEntries(rows.map((r) => [r.name, r.value])));

  // Try it: measurements typed in; sepal_width left at its training mean, so it moves nothing
  // (its standardized value is ~0, and the attribution is gradient × standardized value).
  await page.getByRole('tab', { name: 'Try it' }).click();
  const tryPanel = page.getByRole('tabpanel', { name: 'Try it' });
  await typeInto(page, tryPanel.getByLabel('sepal_length'), '6.7');
  await typeInto(page, tryPanel.getByLabel('petal_length'), '5.2');
  await typeInto(page, tryPanel.getByLabel('petal_width'), '2.3');
  await tryPanel.getByLabel('petal_width').press('Enter');
  const prediction = page.getByTestId('prediction');
  await expect(prediction).toBeVisible({ timeout: 60_000 });
  const predictedClass = (await prediction.getAttribute('data-class')) as string;
  await page.getByRole('button', { name: 'Why?' }).click();
  const tryWhy = tryPanel.getByTestId('why');
  await expect(tryWhy.getByTestId('why-summary')).toHaveAttribute('data-target', predictedClass, { timeout: 120_000 });
  const entered = await readFeatures(tryWhy.getByRole('table', { name: `Feature attributions for ${predictedClass}` }));
  const byName = Object.fromEntries(entered.map((r) => [r.name, r]));
  expect(Number(byName['sepal_length']?.value)).toBeCloseTo(6.7, 5);
  expect(Number(byName['petal_length']?.value)).toBeCloseTo(5.2, 5);
  expect(Number(byName['petal_width']?.value)).toBeCloseTo(2.3, 5);
  const largest = Math.max(...entered.map((r) => Math.abs(r.attribution)));
  expect(largest).toBeGreaterThan(0);
  expect(Math.abs(byName['sepal_width']?.attribution ?? NaN)).toBeLessThan(largest * 1e-2);
  await page.screenshot({ path: test.info().outputPath('why-table-1440.png') });
});
