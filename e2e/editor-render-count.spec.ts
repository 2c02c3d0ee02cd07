import { test, expect } from './fixtures';
import { cardPoint, zoomLevel } from './support/canvas';
import { openGenerated, residualProject } from './support/projects';

/**
 * Dragging one layer re-renders O(1) components, not O(graph): counted with a
 * React DevTools hook (the hook React itself reports every commit to), on a
 * generated graph of 120 layers and 158 connections.
 */

declare global {
  interface Window {
    __counts: { commits: number; layers: number; edges: number } | null;
  }
}

test('dragging one layer of 120 re-renders that card and its two connections, not the graph', async ({ page, server }) => {
  await page.addInitScript(() => {
    window.__counts = null;
    type Fiber = { type: unknown; flags: number; alternate: Fiber | null; child: Fiber | null; sibling: Fiber | null; memoizedProps: Record<string, unknown> | null };
    const walk = (start: Fiber | null) => {
      const c = window.__counts;
      for (let f = start; f && c; f = f.sibling) {
        // Rendered in this commit: mounted, or its function ran (PerformedWork). A bailed-out
        // subtree keeps its old child fibers, which are not visited.
        const rendered = !f.alternate || (f.flags & 1) === 1;
        if (rendered && typeof f.type === 'function' && f.memoizedProps) {
          const p = f.memoizedProps;
          const data = p['data'] as { node?: { type?: unknown } } | undefined;
          if (typeof data?.node?.type === 'string') c.layers++;
          if ('edgesReconnectable' in p && 'id' in p) c.edges++;
        }
        if (f.child && (!f.alternate || f.child !== f.alternate.child)) walk(f.child);
      }
    };
    (window as unknown as Record<string, unknown>)['__REACT_DEVTOOLS_GLOBAL_HOOK__'] = {
      supportsFiber: true,
      renderers: new Map(),
      inject: () => 1,
      checkDCE: () => undefined,
      onScheduleFiberRoot: () => undefined,
      onCommitFiberUnmount: () => undefined,
      onPostCommitFiberRoot: () => undefined,
      onCommitFiberRoot: (_id: number, root: { current: Fiber }) => {
        if (!window.__counts) return;
        window.__counts.commits++;
        walk(root.current.child);
      },
    };
  });

  const generated = residualProject(120);
  const { edges } = generated;
  await openGenerated(page, server, 'render-count', generated);

  // This test is about the cards: zoom in to the layer at 100% (select it, Shift+F), whether the
  // fitted view shows cards or the overview (editor-overview.spec.ts), then clear the selection.
  const spot = await cardPoint(page, 'd20a');
  await page.mouse.click(spot.x, spot.y);
  await page.keyboard.press('Shift+F');
  await expect.poll(() => zoomLevel(page)).toBeCloseTo(1, 2);
  await page.keyboard.press('Escape');
  await expect(page.locator('section.canvas')).not.toHaveClass(/is-overview/);

  // The hook sees renders: selecting a card renders it.
  const card = page.locator('.react-flow__node[data-id="d20a"]');
  const head = card.locator('.layer-node__head');
  await page.evaluate(() => (window.__counts = { commits: 0, layers: 0, edges: 0 }));
  await head.click();
  await expect(card.locator('.layer-node')).toHaveClass(/is-selected/);
  expect((await page.evaluate(() => window.__counts))?.layers).toBeGreaterThan(0);

  const before = await card.boundingBox();
  const box = await head.boundingBox();
  if (!before || !box) throw new Error('no card');
  const moves = 20;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.evaluate(() => (window.__counts = { commits: 0, layers: 0, edges: 0 }));
  for (let i = 1; i <= moves; i++) await page.mouse.move(box.x + box.width / 2 + i * 4, box.y + box.height / 2 + i * 2);
  const counts = await page.evaluate(() => window.__counts);
  await page.mouse.up();
  const after = await card.boundingBox();
  expect(after?.x).toBeGreaterThan(before.x);

  if (!counts) throw new Error('no counts');
  expect(counts.commits).toBeGreaterThan(0);
  // One card (the dragged one) and its two connections per commit, give or take a commit.
  expect(counts.layers).toBeLessThanOrEqual(2 * counts.commits);
  expect(counts.edges).toBeLessThanOrEqual(3 * counts.commits);
  // Re-rendering the whole graph on each move would be edges x commits.
  expect(counts.edges).toBeLessThan(edges);
});
