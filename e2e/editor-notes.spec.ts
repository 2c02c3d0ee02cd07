import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test, expect } from './fixtures';
import { choosePath, clickEmptyCanvas, dropLayer } from './support/canvas';

test('notes: add with the button and with N, type, undo, delete, save and reopen', async ({ page, server }) => {
  const file = path.join(server.scratch, 'noted.nwproj');
  await page.goto(server.url);
  await dropLayer(page, 'Input', 300, 300);

  // The toolbar button adds a note, focused for typing.
  await page.getByRole('toolbar', { name: 'Canvas tools' }).getByRole('button', { name: 'Add note' }).click();
  const notes = page.getByTestId('note');
  await expect(notes).toHaveCount(1);
  const text = notes.first().getByRole('textbox', { name: 'Note text' });
  await expect(text).toBeFocused();
  await page.keyboard.type('Inputs are 28x28 grey images');
  await expect(text).toHaveValue('Inputs are 28x28 grey images');
  // Analysis ignores it: the Input alone, no parameters, no error from the note.
  await expect(page.getByTestId('total-params')).toHaveText(/^0 params/);

  // N over the canvas adds a second one; undo takes it away again, the typing stays.
  await clickEmptyCanvas(page);
  await page.keyboard.press('n');
  await expect(notes).toHaveCount(2);
  await clickEmptyCanvas(page);
  await page.keyboard.press('Control+z');
  await expect(notes).toHaveCount(1);
  await expect(text).toHaveValue('Inputs are 28x28 grey images');

  // Dragging it by its header moves it.
  const head = notes.first().locator('.note-node__head');
  const before = await notes.first().boundingBox();
  const box = await head.boundingBox();
  if (!before || !box) throw new Error('note not laid out');
  await page.mouse.move(box.x + 20, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + 80, box.y + 60, { steps: 8 });
  await page.mouse.up();
  await expect.poll(async () => (await notes.first().boundingBox())?.y ?? 0).toBeGreaterThan(before.y + 30);

  await page.getByRole('button', { name: 'Save' }).click();
  await choosePath(page, file);
  await expect(page.getByTestId('dirty-indicator')).toHaveCount(0);
  const saved = JSON.parse(readFileSync(file, 'utf8')) as { notes?: { text: string }[] };
  expect(saved.notes?.map((n) => n.text)).toEqual(['Inputs are 28x28 grey images']);

  // New project: no notes; reopen the file: the note is back.
  await page.getByRole('button', { name: 'New' }).click();
  await expect(notes).toHaveCount(0);
  await page.getByRole('button', { name: 'Open' }).click();
  await choosePath(page, file);
  await expect(notes).toHaveCount(1);
  await expect(notes.first().getByRole('textbox', { name: 'Note text' })).toHaveValue('Inputs are 28x28 grey images');

  // Delete from its header button.
  await notes.first().getByRole('button', { name: 'Delete note' }).click();
  await expect(notes).toHaveCount(0);
  await expect(page.getByTestId('dirty-indicator')).toBeVisible();
});
