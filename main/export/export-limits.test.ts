import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chain, docWithGraph } from '../trainer/test-helpers';
import { testBackend } from '../services/test-backend';
import { exportProject } from './export';
import { ExportError } from './model-info';

/**
 * Exporting a model too large to build (issue 14): a Dense of 40000 x 40000 (1.6 billion
 * parameters, 6.4 GB of weights). On the main branch before this change the export began
 * allocating its weights in the host; now the parameter count is checked before anything is
 * built, and the error names the limit, the layer and the fix.
 */
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nw-export-limits-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const hugeDoc = () =>
  docWithGraph(chain(['in', 'Input', { shape: [40000] }], ['wide', 'Dense', { units: 40000 }], ['o', 'Dense', { units: 2, activation: 'softmax' }]));

describe('export parameter limit', () => {
  it('refuses a Dense 40000 x 40000 before building it, naming the limit and the fix', async () => {
    const outDir = path.join(tmp, 'out');
    const before = process.memoryUsage().rss;
    const started = Date.now();
    const error = await exportProject(hugeDoc(), { format: 'onnx', outDir, selfCheck: false }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(Date.now() - started).toBeLessThan(5000);
    expect(error).toBeInstanceOf(ExportError);
    expect((error as Error).message).toMatch(/1,600\.1 million parameters; exports are limited to 100 million \(400 MB of weights\)/);
    expect((error as Error).message).toMatch(/largest layer is wide \(Dense\) with 1,600 million: reduce its units or filters/);
    expect(process.memoryUsage().rss - before).toBeLessThan(500 * 1024 * 1024);
    expect(fs.existsSync(outDir)).toBe(false);
  });

  it('the back end answers NOT_EXPORTABLE with the same message', async () => {
    const { backend } = testBackend({ dataDir: path.join(tmp, 'home') });
    await expect(backend.handle('export.model', { doc: hugeDoc(), format: 'keras', runId: null, outDir: path.join(tmp, 'k') })).rejects.toMatchObject({
      code: 'NOT_EXPORTABLE',
      message: expect.stringMatching(/exports are limited to 100 million/),
    });
    await backend.dispose();
  });
});
