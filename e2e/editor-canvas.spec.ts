import { test, expect } from './fixtures';
import { dropLayer } from './support/canvas';
import { buildSmallChain, centreOf, lefts, paneBox } from './support/editor';

/** The canvas editor with real mouse and keyboard, in the browser mode. */

test('palette search, quick add at the cursor by double-click and by "/"', async ({ page, server }) => {
  await page.goto(server.url);
  const search = page.getByRole('searchbox', { name: 'Search layers' });
  await search.fill('conv');
  await expect(page.getByRole('button', { name: 'Add Conv2D', exact: true })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Add Dense', exact: true })).toHaveCount(0);
  await search.fill('zzzz');
  await expect(page.getByRole('navigation', { name: 'Layers' })).toContainText('No layer matches');
  await search.fill('flatt');
  await search.press('Enter');
  await expect(page.getByTestId('node-Flatten')).toHaveCount(1);
  await search.fill('');
  await expect(page.getByRole('button', { name: 'Add Dense', exact: true })).toBeVisible();

  // Double-click on an empty spot: the search opens there and the layer lands there.
  const pane = await paneBox(page);
  const at = { x: pane.x + 300, y: pane.y + 320 };
  await page.mouse.dblclick(at.x, at.y);
  const quick = page.getByRole('dialog', { name: 'Quick add' });
  await expect(quick).toBeVisible();
  await page.keyboard.type('dense');
  await expect(quick.getByRole('option').first()).toContainText('Dense');
  await page.keyboard.press('Enter');
  await expect(quick).toBeHidden();
  const dense = page.getByTestId('node-Dense');
  await expect(dense).toHaveCount(1);
  const box = await dense.boundingBox();
  expect(Math.abs((box?.x ?? 0) - at.x)).toBeLessThan(30);
  expect(Math.abs((box?.y ?? 0) - at.y)).toBeLessThan(30);

  // "/" opens it at the pointer; arrows pick; Escape closes without adding.
  await page.mouse.move(pane.x + 600, pane.y + 380);
  await page.keyboard.press('/');
  await expect(quick).toBeVisible();
  await page.keyboard.type('drop');
  await page.keyboard.press('Escape');
  await expect(quick).toBeHidden();
  await expect(page.getByTestId('node-Dropout')).toHaveCount(0);
  await page.keyboard.press('/');
  await page.keyboard.type('dropout');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('node-Dropout')).toHaveCount(1);
});

test('a refused connection says why while dragging; dropping a layer on a connection inserts it', async ({ page, server }) => {
  await page.goto(server.url);
  const { flatten, dense } = await buildSmallChain(page);
  const edges = page.locator('.react-flow__edge');
  await expect(edges).toHaveCount(2);

  // Dense -> Flatten would close a loop: refused while the mouse is still down.
  const from = await centreOf(dense.locator('.react-flow__handle[data-handleid="out"]'));
  const to = await centreOf(flatten.locator('.react-flow__handle[data-handleid="in"]'));
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(to.x, to.y, { steps: 15 });
  await expect(page.getByTestId('connect-hint')).toContainText('loop');
  await page.mouse.up();
  await expect(edges).toHaveCount(2);

  // A Dense output ([?, 10]) can never feed a Conv2D (rank 4).
  const conv = await dropLayer(page, 'Conv2D', 720, 420);
  const convIn = await centreOf(conv.locator('.react-flow__handle[data-handleid="in"]'));
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(convIn.x, convIn.y, { steps: 15 });
  await expect(page.getByTestId('connect-hint')).toContainText('needs at least 4 dimensions');
  await expect(page.getByTestId('connect-hint')).toContainText('[?, 10]');
  await page.mouse.up();
  await expect(edges).toHaveCount(2);
  await page.keyboard.press('Delete'); // the Conv2D is selected
  await expect(page.getByTestId('node-Conv2D')).toHaveCount(0);

  // Drop a Dropout from the palette onto the middle of Flatten -> Dense: it is spliced in.
  const a = await centreOf(flatten.locator('.react-flow__handle[data-handleid="out"]'));
  const b = await centreOf(dense.locator('.react-flow__handle[data-handleid="in"]'));
  const pane = await paneBox(page);
  await page.getByRole('button', { name: 'Add Dropout', exact: true }).dragTo(page.locator('.react-flow__pane'), {
    targetPosition: { x: (a.x + b.x) / 2 - pane.x, y: (a.y + b.y) / 2 - pane.y },
  });
  await expect(page.getByTestId('node-Dropout')).toHaveCount(1);
  await expect(edges).toHaveCount(3);
  await expect(page.locator('.react-flow__edge[aria-label="Connection flatten_1 to dropout_1"]')).toHaveCount(1);
  await expect(page.locator('.react-flow__edge[aria-label="Connection dropout_1 to dense_1"]')).toHaveCount(1);
  await expect(page.getByTestId('validity')).toHaveText(/valid/i);

  // One undo removes the insertion and restores the original connection.
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+z');
  await expect(page.getByTestId('node-Dropout')).toHaveCount(0);
  await expect(edges).toHaveCount(2);
  await expect(page.locator('.react-flow__edge[aria-label="Connection flatten_1 to dense_1"]')).toHaveCount(1);

  // Dragging an unconnected layer onto a connection splices it in too.
  const drop = await dropLayer(page, 'Dropout', 420, 420);
  const grab = await centreOf(drop.locator('.layer-node__head'));
  const card = await centreOf(drop);
  await page.mouse.move(grab.x, grab.y);
  await page.mouse.down();
  // Move so that the card's centre lands on the middle of the connection.
  await page.mouse.move((a.x + b.x) / 2 + grab.x - card.x, (a.y + b.y) / 2 + grab.y - card.y + 8, { steps: 12 });
  await expect(page.locator('.react-flow__edge.is-insert-target')).toHaveCount(1);
  await page.mouse.up();
  await expect(edges).toHaveCount(3);
  await expect(page.getByTestId('total-params')).toHaveText(/7,850/);
});

test('select, copy/paste, duplicate, rename, delete and undo/redo each step', async ({ page, server }) => {
  await page.goto(server.url);
  const { flatten, dense } = await buildSmallChain(page);

  // Shift-click selects two layers; Ctrl+C / Ctrl+V pastes them with their connection.
  await flatten.click();
  await dense.click({ modifiers: ['Shift'] });
  await expect(page.getByRole('complementary', { name: 'Inspector' })).toContainText('2 layers');
  await page.keyboard.press('Control+c');
  const pane = await paneBox(page);
  // (Left of centre: the pasted pair and its duplicate, 200 px cards, stay inside the box below.)
  await page.mouse.move(pane.x + 360, pane.y + 420);
  await page.keyboard.press('Control+v');
  await expect(page.getByTestId('node-Flatten')).toHaveCount(2);
  await expect(page.getByTestId('node-Dense')).toHaveCount(2);
  await expect(page.locator('.react-flow__edge')).toHaveCount(3);
  await expect(page.locator('.react-flow__edge[aria-label="Connection flatten_2 to dense_2"]')).toHaveCount(1);

  // Ctrl+D duplicates the (pasted, now selected) pair; one undo takes it back.
  await page.keyboard.press('Control+d');
  await expect(page.getByTestId('node-Dense')).toHaveCount(3);
  await page.keyboard.press('Control+z');
  await expect(page.getByTestId('node-Dense')).toHaveCount(2);
  await page.keyboard.press('Control+Shift+z');
  await expect(page.getByTestId('node-Dense')).toHaveCount(3);

  // Box select (Shift+drag) over the lower area, then Delete.
  await page.keyboard.press('Escape');
  await page.keyboard.down('Shift');
  await page.mouse.move(pane.x + 300, pane.y + 330);
  await page.mouse.down();
  await page.mouse.move(pane.x + pane.width - 10, pane.y + pane.height - 10, { steps: 10 });
  await page.mouse.up();
  await page.keyboard.up('Shift');
  await expect(page.getByRole('complementary', { name: 'Inspector' })).toContainText(/4 layers/);
  await page.keyboard.press('Delete');
  await expect(page.getByTestId('node-Dense')).toHaveCount(1);
  await expect(page.getByTestId('total-params')).toHaveText(/7,850/);

  // Rename with F2; undo brings the type name back.
  await dense.click();
  await page.keyboard.press('F2');
  await page.keyboard.type('classifier');
  await page.keyboard.press('Enter');
  await expect(dense).toContainText('classifier');
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+z');
  await expect(dense).not.toContainText('classifier');
  await page.keyboard.press('Control+y');
  await expect(dense).toContainText('classifier');

  // Layers copied here paste into a new project (the clipboard carries JSON text).
  await page.keyboard.press('Control+a');
  await page.keyboard.press('Control+c');
  await page.getByRole('button', { name: 'New' }).click();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Discard changes' }).click();
  await expect(page.getByTestId('total-params')).toHaveText(/^0 params/);
  await page.mouse.move(pane.x + 200, pane.y + 200);
  await page.keyboard.press('Control+v');
  await expect(page.getByTestId('total-params')).toHaveText(/7,850/);
  await expect(page.locator('.react-flow__edge')).toHaveCount(2);
});

test('auto-layout, align, zoom to fit, minimap and the shortcut cheat sheet', async ({ page, server }) => {
  await page.goto(server.url);
  // Placed right to left and staggered, then laid out: left to right in data-flow order.
  const dense = await dropLayer(page, 'Dense', 150, 150);
  const flatten = await dropLayer(page, 'Flatten', 420, 330);
  const input = await dropLayer(page, 'Input', 700, 200);
  const { connect } = await import('./support/canvas');
  await connect(page, input, flatten);
  await connect(page, flatten, dense);
  await page.keyboard.press('Escape');
  await page.keyboard.press('Shift+L');
  await expect.poll(async () => {
    const [i, f, d] = await lefts([input, flatten, dense]);
    return (i as number) < (f as number) && (f as number) < (d as number);
  }).toBe(true);
  const tops = async () => Promise.all([input, flatten, dense].map(async (n) => Math.round((await n.boundingBox())?.y ?? 0)));
  await expect.poll(async () => new Set(await tops()).size).toBe(1);
  await page.keyboard.press('Control+z');
  await expect.poll(async () => {
    const [i, , d] = await lefts([input, flatten, dense]);
    return (i as number) > (d as number);
  }).toBe(true);

  // Align top from the toolbar's Edit menu: the two selected cards share a top edge.
  await input.click();
  await flatten.click({ modifiers: ['Shift'] });
  await page.getByRole('button', { name: 'Edit ▾' }).click();
  await page.getByRole('menu', { name: 'Edit' }).getByRole('menuitem', { name: 'Align top' }).click();
  await expect.poll(async () => Math.round((await input.boundingBox())?.y ?? 0)).toBe(Math.round((await flatten.boundingBox())?.y ?? -1));

  // Zoom to fit (F) brings every card into view; the minimap shows the graph.
  await page.keyboard.press('Escape');
  await page.getByRole('button', { name: 'zoom out' }).click();
  await page.getByRole('button', { name: 'zoom out' }).click();
  const before = (await dense.boundingBox())?.width ?? 0;
  await page.keyboard.press('f');
  await expect.poll(async () => (await dense.boundingBox())?.width ?? 0).toBeGreaterThan(before);
  await expect(page.getByLabel('Minimap')).toBeVisible();
  await expect(page.locator('.react-flow__minimap-node')).toHaveCount(3);

  // "?" opens the cheat sheet; Escape closes it.
  await page.keyboard.press('?');
  const sheet = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(sheet).toBeVisible();
  await expect(sheet).toContainText('Quick add');
  await expect(sheet).toContainText('Ctrl+D');
  await page.keyboard.press('Escape');
  await expect(sheet).toBeHidden();
  await page.getByRole('button', { name: 'Keyboard shortcuts' }).click();
  await expect(sheet).toBeVisible();
  await sheet.getByRole('button', { name: 'Close' }).click();
  await expect(sheet).toBeHidden();
});
