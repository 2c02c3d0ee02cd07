import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, type Page } from '@playwright/test';
import type { NetwrightServer } from '../fixtures';
import { choosePath } from './canvas';

/** Generated projects for the editor tests. */

/** Input -> residual blocks of Dense, Dense, Add(skip) -> Dense(10). */
export function residualProject(n: number) {
  const nodes: { id: string; type: string; position: { x: number; y: number }; params: Record<string, unknown> }[] = [];
  const edges: { id: string; source: string; target: string; targetPort: string }[] = [];
  const place = (i: number) => ({ x: (i % 12) * 240, y: Math.floor(i / 12) * 150 });
  const add = (id: string, type: string, params: Record<string, unknown>) => nodes.push({ id, type, position: place(nodes.length), params });
  const link = (source: string, target: string, targetPort = 'in') => edges.push({ id: `e${edges.length + 1}`, source, target, targetPort });
  add('input', 'Input', { shape: [16] });
  let prev = 'input';
  for (let b = 1; nodes.length + 3 <= n - 1; b++) {
    add(`d${b}a`, 'Dense', { units: 16, activation: 'relu' });
    add(`d${b}b`, 'Dense', { units: 16 });
    add(`add${b}`, 'Add', { inputs: 2 });
    link(prev, `d${b}a`);
    link(`d${b}a`, `d${b}b`);
    link(prev, `add${b}`, 'in1');
    link(`d${b}b`, `add${b}`, 'in2');
    prev = `add${b}`;
  }
  add('output', 'Dense', { units: 10, activation: 'softmax' });
  link(prev, 'output');
  return { project: { format: 'netwright-project', version: 1, name: 'Render count', graph: { nodes, edges }, training: { dataset: 'mnist', epochs: 1, batchSize: 32, optimizer: 'adam', learningRate: 0.001, validationSplit: 0.1, trainLimit: null, testLimit: null } }, edges: edges.length };
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
