import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, type Page } from '@playwright/test';
import type { NetwrightServer } from '../fixtures';
import { choosePath } from './canvas';
import { residualProject as generate } from './residual-project.mjs';

/** Generated projects for the editor tests. */

/** Input -> residual blocks of Dense(16), Dense(16), Add(skip) -> Dense(10), in rows of 12; its number of connections. */
export function residualProject(n: number) {
  const project = generate(n, { name: 'Render count', perRow: 12, units: 16, pad: false });
  return { project, edges: project.graph.edges.length };
}

/**
 * Writes a generated project to the server's scratch folder and opens it from the menu, the way
 * a user would; resolves once its connections are drawn and its counts are in.
 */
export async function openGenerated(page: Page, server: NetwrightServer, name: string, generated: ReturnType<typeof residualProject>): Promise<void> {
  const file = path.join(server.scratch, `${name}.nwproj`);
  writeFileSync(file, JSON.stringify(generated.project));
  await page.goto(server.url);
  await page.getByRole('button', { name: 'Open' }).click();
  await choosePath(page, file);
  await expect(page.locator('.react-flow__edge')).toHaveCount(generated.edges);
  await expect(page.getByTestId('total-params')).not.toHaveText(/^0 params/);
}
