import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, expect } from './fixtures';
import { slowCalls } from './support/slow-calls';
import { expectUncovered, VIEWPORTS } from './support/visible';

/**
 * The browser mode's file dialog (#15): a double-clicked folder keeps the typed file name, New folder
 * with its inline errors, and a listing that arrives late never replaces what was typed.
 */

for (const size of VIEWPORTS) {
  test(`file dialog opened while the page still connects: the allowed folder and the suggested name, once the back end says them, at ${size.width}x${size.height}`, async ({ page, server }) => {
    await page.setViewportSize(size);
    // The back end's facts (app.info: the folder pickers start in) answer 2.5 s late, as under load.
    await slowCalls(page, 'app.info', 2500, true);
    await page.goto(server.url);
    await expect(page.getByRole('button', { name: 'Train' })).toBeVisible();
    await page.keyboard.press('Control+s');
    const dialog = page.getByRole('dialog', { name: 'Save the project as' });
    await expect(dialog).toBeVisible();
    await expect(dialog.getByLabel('Path', { exact: true })).toHaveValue(path.join(server.scratch, 'Untitled.nwproj'));
    await expect(dialog.getByTestId('file-dialog-dir')).toHaveText(server.scratch);
    await expect(dialog.getByLabel('Path', { exact: true })).toBeFocused();
    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
  });

  test(`file dialog: folders keep the file name, New folder, late listings at ${size.width}x${size.height}`, async ({ page, server }) => {
    test.setTimeout(180_000);
    await page.setViewportSize(size);
    const slow = await slowCalls(page, 'files.list');
    const base = path.join(server.scratch, `dialog-${size.width}`);
    mkdirSync(path.join(base, 'existing'), { recursive: true });
    await page.goto(server.url);
    await expect(page.getByRole('button', { name: 'Train' })).toBeVisible();

    // Save: the dialog opens on the allowed folder with the suggested name; type another name.
    await page.keyboard.press('Control+s');
    const dialog = page.getByRole('dialog', { name: 'Save the project as' });
    await expect(dialog).toBeVisible();
    const pathField = dialog.getByLabel('Path', { exact: true });
    const dir = dialog.getByTestId('file-dialog-dir');
    await expect(pathField).toBeFocused();
    await expect(pathField).toHaveValue(path.join(server.scratch, 'Untitled.nwproj'));
    await expect(dir).toHaveText(server.scratch);
    await pathField.press('Control+a');
    await page.keyboard.type('my net.nwproj');

    // Double-clicking a folder opens it and keeps the typed file name.
    await dialog.getByRole('button', { name: `Folder dialog-${size.width}` }).dblclick();
    await expect(dir).toHaveText(base);
    await expect(pathField, 'the typed file name survives the double-click').toHaveValue(path.join(base, 'my net.nwproj'));
    await expect(dialog.getByRole('button', { name: 'Folder existing' })).toBeVisible();

    // New folder: the prompt, its inline errors, then a folder made and entered.
    const newFolder = dialog.getByRole('button', { name: 'New folder' });
    await expectUncovered(page, newFolder);
    await newFolder.click();
    const prompt = dialog.getByRole('form', { name: 'New folder' });
    const nameField = prompt.getByLabel('Folder name');
    await expect(nameField).toBeFocused();
    const problem = prompt.getByTestId('new-folder-error');
    await page.keyboard.type('existing');
    await page.keyboard.press('Enter');
    await expect(problem).toContainText('already exists');
    await expect(nameField).toHaveAttribute('aria-invalid', 'true');
    await nameField.press('Control+a');
    await page.keyboard.type('../escape');
    await page.keyboard.press('Enter');
    await expect(problem).toContainText('may not contain /');
    await nameField.press('Control+a');
    await page.keyboard.type('..');
    await prompt.getByRole('button', { name: 'Create' }).click();
    await expect(problem).toContainText('".." is not a folder name');
    const outside = path.join(os.tmpdir(), `netwright-outside-${process.pid}-${size.width}`);
    await nameField.press('Control+a');
    await page.keyboard.type(outside);
    await page.keyboard.press('Enter');
    await expect(problem).toContainText('outside the folders this server may use');
    await expect(problem).not.toContainText('parent:');
    expect(existsSync(outside)).toBe(false);
    await expectUncovered(page, problem);
    await page.screenshot({ path: test.info().outputPath(`new-folder-error-${size.width}.png`) });
    // Escape closes the prompt, not the dialog.
    await page.keyboard.press('Escape');
    await expect(prompt).toBeHidden();
    await expect(dialog).toBeVisible();
    await newFolder.click();
    await expect(nameField).toBeFocused();
    await expect(problem).toBeHidden();
    await page.keyboard.type('models 2026');
    await page.keyboard.press('Enter');
    await expect(prompt).toBeHidden();
    await expect(dir).toHaveText(path.join(base, 'models 2026'));
    expect(statSync(path.join(base, 'models 2026')).isDirectory()).toBe(true);
    await expect(pathField, 'the new folder keeps the typed file name').toHaveValue(path.join(base, 'models 2026', 'my net.nwproj'));
    await expect(dialog.getByText('Empty folder')).toBeVisible();

    // Up, one click selects a folder (no navigation), Enter on it opens it.
    await dialog.getByRole('button', { name: 'Parent folder' }).click();
    await expect(dir).toHaveText(base);
    await expect(pathField).toHaveValue(path.join(base, 'my net.nwproj'));
    await dialog.getByRole('button', { name: 'Folder existing' }).click();
    await expect(dir).toHaveText(base);
    await expect(dialog.getByRole('button', { name: 'Folder existing' })).toHaveAttribute('aria-pressed', 'true');
    await page.keyboard.press('Enter');
    await expect(dir).toHaveText(path.join(base, 'existing'));
    await expect(pathField).toHaveValue(path.join(base, 'existing', 'my net.nwproj'));

    // A listing that arrives after the user typed does not replace the typed path: double-click
    // a folder while listings are slow, type a path at once, wait for the listing, press Enter.
    await dialog.getByRole('button', { name: 'Parent folder' }).click();
    await expect(dir).toHaveText(base);
    await slow.setSlow(true);
    await dialog.getByRole('button', { name: 'Folder models 2026' }).dblclick();
    await pathField.click();
    await pathField.press('Control+a');
    const typed = path.join(base, 'typed fast.nwproj');
    await page.keyboard.type(typed);
    await expect(dir, 'the late listing arrives').toHaveText(path.join(base, 'models 2026'), { timeout: 30_000 });
    await expect(pathField).toHaveValue(typed);
    await slow.setSlow(false);
    await page.keyboard.press('Enter');
    await expect(dialog).toBeHidden();
    const project = page.locator('.header__project');
    await expect(project, 'saved to the typed path').toHaveAttribute('title', typed, { timeout: 30_000 });
    expect(JSON.parse(readFileSync(typed, 'utf8'))).toHaveProperty('version');

    // Open: type a path and press Enter before the first (slow) listing arrives.
    await page.getByRole('button', { name: 'New', exact: true }).click();
    await expect(project).toHaveAttribute('title', 'Not saved yet');
    await slow.setSlow(true);
    await page.keyboard.press('Control+o');
    const openDialog = page.getByRole('dialog', { name: 'Open a Netwright project' });
    await expect(openDialog).toBeVisible();
    await expect(openDialog.getByTestId('file-dialog-dir')).toHaveText('…');
    await openDialog.getByLabel('Path', { exact: true }).press('Control+a');
    await page.keyboard.type(typed);
    await page.keyboard.press('Enter');
    await expect(openDialog).toBeHidden();
    await expect(project, 'the typed file was opened').toHaveAttribute('title', typed);
    await slow.setSlow(false);
  });
}
