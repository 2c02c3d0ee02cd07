import { copyFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test, expect } from './fixtures';
import { choosePath, dropLayer } from './support/canvas';

test('open, newer-version and damaged files say so and lose nothing; recent files reopen', async ({ page, server }) => {
  const good = path.join(server.scratch, 'recent-mlp.nwproj');
  copyFileSync(path.join(process.cwd(), 'resources/examples/mnist-mlp.nwproj'), good);
  const newer = path.join(server.scratch, 'from-the-future.nwproj');
  writeFileSync(newer, JSON.stringify({ format: 'netwright-project', version: 99, name: 'Future', graph: { nodes: [], edges: [] } }));
  const damaged = path.join(server.scratch, 'damaged.nwproj');
  writeFileSync(damaged, '{"format": "netwright-project", "version": 1, "graph": {"nodes": [');

  await page.goto(server.url);
  await page.getByRole('button', { name: 'Open' }).click();
  await choosePath(page, good);
  await expect(page.getByTestId('total-params')).toHaveText(/101,770/);
  await expect(page.getByTestId('project-name')).toHaveText('recent-mlp.nwproj');

  // A file from a newer Netwright: a message, and the open project stays as it was.
  await page.getByRole('button', { name: 'Open' }).click();
  await choosePath(page, newer);
  await expect(page.getByText(/newer Netwright/)).toBeVisible();
  await expect(page.getByTestId('total-params')).toHaveText(/101,770/);
  await expect(page.getByTestId('project-name')).toHaveText('recent-mlp.nwproj');

  await page.getByRole('button', { name: 'Open' }).click();
  await choosePath(page, damaged);
  await expect(page.getByText(/not valid JSON/)).toBeVisible();
  await expect(page.getByTestId('total-params')).toHaveText(/101,770/);

  // The recent list (kept in localStorage) reopens the good file after New.
  await page.getByRole('button', { name: 'New' }).click();
  await expect(page.getByTestId('total-params')).toHaveText(/^0 params/);
  await page.getByRole('button', { name: 'More file actions' }).click();
  const recent = page.getByRole('menuitem', { name: 'Open recent recent-mlp.nwproj' });
  await expect(recent).toBeVisible();
  await expect(page.getByRole('menuitem', { name: /damaged/ })).toHaveCount(0);
  await recent.click();
  await expect(page.getByTestId('total-params')).toHaveText(/101,770/);
  const stored = await page.evaluate(() => localStorage.getItem('netwright.recentFiles'));
  expect(JSON.parse(stored ?? '[]')).toEqual([good]);
});

test('unsaved changes: the dot, the prompt, and the recovery copy offered after a reload', async ({ page, server }) => {
  page.on('dialog', (d) => void d.accept());
  await page.goto(server.url);
  await expect(page.getByTestId('dirty-indicator')).toHaveCount(0);
  await dropLayer(page, 'Input', 150, 150);
  await dropLayer(page, 'Dense', 450, 150);
  await expect(page.getByTestId('dirty-indicator')).toBeVisible();
  await expect(page).toHaveTitle(/^● /);

  // New asks first; Cancel keeps the work.
  await page.getByRole('button', { name: 'New' }).click();
  const prompt = page.getByRole('alertdialog', { name: 'Unsaved changes' });
  await expect(prompt).toBeVisible();
  await prompt.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByTestId('node-Dense')).toHaveCount(1);

  // The recovery copy is written shortly after the edit; a reload offers it back.
  await expect.poll(() => page.evaluate(() => localStorage.getItem('netwright.recovery') !== null)).toBe(true);
  await page.reload();
  const offer = page.getByRole('region', { name: 'Recover unsaved work' });
  await expect(offer).toContainText('2 layers');
  await expect(page.getByTestId('node-Dense')).toHaveCount(0);
  await offer.getByRole('button', { name: 'Restore' }).click();
  await expect(page.getByTestId('node-Dense')).toHaveCount(1);
  await expect(page.getByTestId('node-Input')).toHaveCount(1);
  await expect(page.getByTestId('dirty-indicator')).toBeVisible();
  await expect(offer).toBeHidden();

  // Saving removes the copy: nothing is offered on the next reload.
  await page.getByRole('button', { name: 'Save' }).click();
  await choosePath(page, path.join(server.scratch, 'recovered.nwproj'));
  await expect(page.getByTestId('dirty-indicator')).toHaveCount(0);
  await expect.poll(() => page.evaluate(() => localStorage.getItem('netwright.recovery'))).toBeNull();
  await page.reload();
  await expect(page.getByRole('button', { name: 'Train' })).toBeVisible();
  await expect(offer).toHaveCount(0);

  // Discard drops an offered copy for good.
  await dropLayer(page, 'Flatten', 300, 300);
  await expect.poll(() => page.evaluate(() => localStorage.getItem('netwright.recovery') !== null)).toBe(true);
  await page.reload();
  await offer.getByRole('button', { name: 'Discard' }).click();
  await expect(offer).toBeHidden();
  await page.reload();
  await expect(page.getByRole('button', { name: 'Train' })).toBeVisible();
  await expect(offer).toHaveCount(0);
});
