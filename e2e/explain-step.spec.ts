import type { Locator, Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { clickEmptyCanvas } from './support/canvas';

/**
 * Issue 19: "why this prediction" (the gallery of wrong predictions and Try it) and
 * step mode on the canvas, with a real mouse and keyboard, at 1280x720 and 1440x900.
 */

/** How many distinct colours a canvas shows, and whether any pixel differs from the first. */
async function colours(canvas: Locator): Promise<number> {
  return canvas.evaluate((el) => {
    const c = el as HTMLCanvasElement;
    const data = c.getContext('2d')?.getImageData(0, 0, c.width, c.height).data ?? new Uint8ClampedArray();
    const seen = new Set<number>();
    for (let i = 0; i < data.length; i += 4) seen.add(((data[i] as number) << 16) | ((data[i + 1] as number) << 8) | (data[i + 2] as number));
    return seen.size;
  });
}

/** Opens the MNIST CNN template and trains it briefly (one epoch on 600 digits, 100 test digits). */
async function trainSmallCnn(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.getByRole('button', { name: 'Templates' }).click();
  await page.getByRole('dialog', { name: 'Templates' }).getByRole('button', { name: 'Open template CNN on MNIST' }).click();
  await clickEmptyCanvas(page);
  await page.getByLabel('Epochs', { exact: true }).fill('1');
  await page.getByLabel('Training samples', { exact: true }).fill('600');
  await page.getByLabel('Test samples', { exact: true }).fill('100');
  await page.getByRole('button', { name: 'Train' }).click();
  await expect(page.getByTestId('training-status')).toHaveText(/Finished/, { timeout: 170_000 });
}

for (const size of [
  { width: 1280, height: 720 },
  { width: 1440, height: 900 },
]) {
  test.describe(`at ${size.width}x${size.height}`, () => {
    test.use({ viewport: size });

    test('why this prediction: a wrong digit’s saliency and Grad-CAM (layer and class chosen), and a drawn digit’s', async ({ page, server }) => {
      test.setTimeout(300_000);
      await trainSmallCnn(page, server.url);
      await page.getByRole('tab', { name: 'Evaluation' }).click();
      const panel = page.getByRole('tabpanel', { name: 'Evaluation' });
      const picks = panel.getByRole('button', { name: /^Why was test sample \d+/ });
      await expect(picks.first()).toBeVisible();
      const label = (await picks.first().getAttribute('aria-label')) ?? '';
      const [, actual, predicted] = /actually (\S+)\) predicted (\S+)\?$/.exec(label) ?? [];
      await picks.first().click();
      await expect(picks.first()).toHaveAttribute('aria-pressed', 'true');

      const why = panel.getByTestId('why');
      await expect(why.getByTestId('why-summary')).toHaveAttribute('data-target', predicted as string, { timeout: 120_000 });
      await expect(why.getByTestId('why-summary')).toContainText(`actual class ${actual}`);
      const saliency = why.getByTestId('why-saliency');
      const cam = why.getByTestId('why-gradcam');
      await saliency.scrollIntoViewIfNeeded();
      await expect(saliency).toBeVisible();
      await expect(cam).toBeVisible();
      expect(await colours(saliency)).toBeGreaterThan(20);
      expect(await colours(cam)).toBeGreaterThan(20);
      // For the README (NETWRIGHT_SCREENSHOTS=1): the dashboard with a wrong digit explained.
      if (process.env['NETWRIGHT_SCREENSHOTS']) {
        // A zero Grad-CAM map is legitimate (no region raises the score) but shows nothing: for the
        // picture, the first wrong digit whose map is not zero everywhere.
        const sampleOf = async (pick: Locator) => /test sample (\d+)/.exec((await pick.getAttribute('aria-label')) ?? '')?.[1] ?? '';
        const summary = why.getByTestId('why-summary');
        for (let i = 1; i < Math.min(12, await picks.count()) && !(Number(await cam.getAttribute('data-max')) > 0); i++) {
          await picks.nth(i).click();
          await expect(summary).toHaveAttribute('data-sample', await sampleOf(picks.nth(i)), { timeout: 120_000 });
        }
        // The dashboard made taller by its border (as a user would) so the explanation shows whole, then put back.
        const split = await page.getByTestId('splitter-dashboard').boundingBox();
        if (!split) throw new Error('no dashboard border');
        const drag = async (dy: number) => {
          await page.mouse.move(split.x + 40, split.y + split.height / 2 + (dy > 0 ? -Math.abs(dy) : 0));
          await page.mouse.down();
          await page.mouse.move(split.x + 40, split.y + split.height / 2 + (dy > 0 ? 0 : dy), { steps: 10 });
          await page.mouse.up();
        };
        await drag(-220);
        await why.scrollIntoViewIfNeeded();
        await page.locator('.dashboard').screenshot({ path: size.width === 1440 ? 'docs/screenshots/why-gradcam.png' : test.info().outputPath('why-gradcam-1280.png') });
        await drag(220);
        // Back to the first wrong digit for the rest of the test.
        if ((await picks.first().getAttribute('aria-pressed')) !== 'true') await picks.first().click();
        await expect(summary).toHaveAttribute('data-sample', await sampleOf(picks.first()), { timeout: 120_000 });
        await expect(summary).toHaveAttribute('data-target', predicted as string);
      }
      // The last conv layer by default; the first one chosen with the keyboard.
      const layerSelect = why.getByRole('combobox', { name: 'Grad-CAM layer' });
      const layers = await layerSelect.evaluate((el) => [...(el as HTMLSelectElement).options].map((o) => o.value));
      expect(layers).toHaveLength(4); // two convs and two poolings
      // Each choice's text fits the closed list ('maxpooling2d_2 · 5×5×64' was cut to '…5×5×6').
      const cut = await layerSelect.evaluate((el) => {
        const select = el as HTMLSelectElement;
        const style = getComputedStyle(select);
        const ctx = document.createElement('canvas').getContext('2d');
        if (!ctx) return ['no canvas'];
        ctx.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
        // The room for text: the list's inner width less its padding and the drop-down arrow (about 20 px).
        const room = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 20;
        return [...select.options].filter((o) => ctx.measureText(o.text).width > room).map((o) => `${o.text} (${Math.round(ctx.measureText(o.text).width)} > ${Math.round(room)} px)`);
      });
      expect(cut).toEqual([]);
      await expect(cam).toHaveAttribute('data-layer', layers.at(-1) as string);
      await layerSelect.focus();
      await page.keyboard.press('Home');
      await expect(cam).toHaveAttribute('data-layer', layers[0] as string, { timeout: 120_000 });
      // Why not the actual class: the other quick choice, with the mouse.
      await why.getByRole('button', { name: `Why not ${actual}?` }).click();
      await expect(why.getByTestId('why-summary')).toHaveAttribute('data-target', actual as string, { timeout: 120_000 });
      await expect(why.getByRole('button', { name: `Why not ${actual}?` })).toHaveAttribute('aria-pressed', 'true');

      // Try it: draw a digit, ask why.
      await page.getByRole('tab', { name: 'Try it' }).click();
      const pad = page.getByTestId('draw-pad');
      const box = await pad.boundingBox();
      if (!box) throw new Error('no drawing pad');
      await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.15);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.85, { steps: 12 });
      await page.mouse.up();
      await expect(page.getByTestId('prediction')).toBeVisible({ timeout: 60_000 });
      const drawnClass = await page.getByTestId('prediction').getAttribute('data-class');
      const whyButton = page.getByRole('button', { name: 'Why?' });
      await whyButton.click();
      await expect(whyButton).toHaveAttribute('aria-pressed', 'true');
      const tryWhy = page.getByRole('tabpanel', { name: 'Try it' }).getByTestId('why');
      await expect(tryWhy.getByTestId('why-summary')).toHaveAttribute('data-target', drawnClass as string, { timeout: 120_000 });
      await expect(tryWhy.getByTestId('why-summary')).not.toContainText('actual class');
      // The input it explains is the drawing: a white vertical stroke on black.
      expect(await colours(tryWhy.getByTestId('why-input'))).toBeGreaterThan(2);
      await expect(tryWhy.getByTestId('why-gradcam')).toBeVisible();
    });

    test('step mode: one test digit forward layer by layer on the cards, then backward with gradient norms', async ({ page, server }) => {
      test.setTimeout(300_000);
      await trainSmallCnn(page, server.url);
      await clickEmptyCanvas(page);
      await page.keyboard.press('Shift+S');
      const bar = page.getByTestId('step-bar');
      await expect(bar).toBeVisible();
      const position = bar.getByTestId('step-position');
      await expect(position).toHaveText(/^Forward 1 \/ 9: /, { timeout: 120_000 });
      await expect(bar.getByTestId('step-example')).toContainText('Example 0 of 100');
      await expect(page.getByRole('button', { name: 'Step through' })).toHaveAttribute('aria-pressed', 'true');

      // Step 1: the Input card is current and shows the digit; the others wait.
      const inputCard = page.getByTestId('node-Input').getByTestId('step-card');
      await expect(inputCard).toHaveAttribute('data-current', 'true');
      const convCard = page.getByTestId('node-Conv2D').first().getByTestId('step-card');
      await expect(convCard).toContainText('not reached yet');
      // Forward with the arrow key to the first conv layer: its card shows feature maps.
      await page.keyboard.press('ArrowRight');
      await expect(position).toHaveText(/^Forward 2 \/ 9: /);
      await page.keyboard.press('ArrowRight');
      await expect(position).toHaveText(/^Forward 3 \/ 9: .*Conv2D/);
      await expect(convCard).toHaveAttribute('data-current', 'true');
      await expect(convCard.getByRole('listitem')).toHaveCount(4);
      // A filter whose ReLU output is zero everywhere for this digit is a flat map (a legitimate
      // state of a briefly trained net); the maps as a whole must show the digit's features.
      const maps = convCard.getByRole('listitem');
      const perMap = await Promise.all([0, 1, 2, 3].map((i) => colours(maps.nth(i))));
      expect(Math.max(...perMap), `colours per map: ${perMap.join(', ')}`).toBeGreaterThan(3);
      await expect(bar.getByTestId('step-detail').getByRole('listitem')).toHaveCount(16);
      await expect(inputCard).toHaveAttribute('data-current', 'false');
      // Back with the mouse.
      await bar.getByRole('button', { name: '◀ Back' }).click();
      await expect(position).toHaveText(/^Forward 2 \/ 9: /);

      // To the end of the forward pass and into the backward one with the mouse.
      const next = bar.getByRole('button', { name: 'Next ▶' });
      for (let i = 0; i < 7; i++) await next.click();
      await expect(position).toHaveText(/^Forward 9 \/ 9: .*Dense/);
      await expect(page.getByTestId('node-Dense').getByTestId('step-gradient')).toHaveCount(0);
      await next.click();
      await expect(position).toHaveText(/^Backward 1 \/ 9: .*Dense/);
      await expect(position).toHaveAttribute('data-phase', 'backward');
      const denseGrad = page.getByTestId('node-Dense').getByTestId('step-gradient');
      await expect(denseGrad).toContainText(/‖∇out‖ [\d.e+-]+ · ‖∇W‖ [\d.e+-]+/);
      await expect(bar.getByTestId('step-detail')).toContainText('‖∂loss/∂kernel‖');
      // The conv layers get theirs only when the backward pass reaches them.
      await expect(page.getByTestId('node-Conv2D').first().getByTestId('step-gradient')).toHaveCount(0);
      await page.keyboard.press('End');
      await expect(position).toHaveText(/^Backward 9 \/ 9: /);
      await expect(page.getByTestId('step-gradient')).toHaveCount(9);
      await page.keyboard.press('Home');
      await expect(position).toHaveText(/^Forward 1 \/ 9: /);

      // Another example, typed.
      const example = bar.getByRole('spinbutton', { name: 'Test example' });
      await example.fill('5');
      await example.press('Enter');
      await expect(bar.getByTestId('step-example')).toContainText('Example 5 of 100', { timeout: 120_000 });
      await expect(position).toHaveText(/^Forward 1 \/ 9: /);

      // Escape leaves step mode; the cards are plain again.
      await page.keyboard.press('Escape');
      await expect(bar).toBeHidden();
      await expect(page.getByTestId('step-card')).toHaveCount(0);

      // An edit ends a trace: the run no longer matches the canvas.
      await page.getByRole('button', { name: 'Step through' }).click();
      await expect(position).toHaveText(/^Forward 1 \/ 9: /, { timeout: 120_000 });
      await page.getByTestId('node-Dropout').click();
      await page.keyboard.press('Delete');
      await expect(bar.getByRole('alert')).toContainText('The graph changed');
      await expect(page.getByTestId('step-card')).toHaveCount(0);
    });
  });
}
