import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect, it } from 'vitest';
import { loadBestBackend } from '../backend-loader';
import { runSelfCheck } from './self-check';

// The self-check as the trainer runs it: only the training backend's kernels registered (the
// other kernel tests register ours on wasm and cpu alike, which hid this). UpSampling2D's
// gradient needs our ResizeNearestNeighborGrad on the cpu reference too, else a correct wasm
// gradient is compared with stock cpu's wrong one and the layer is refused (relative error 0.77).
it('passes UpSampling2D (and every layer type) on the backend the trainer loads', async () => {
  const report = await loadBestBackend();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netwright-selfcheck-trainer-'));
  try {
    const check = runSelfCheck({ dir, force: true });
    expect(check.backend).toBe(report.backend);
    expect(check.results.find((r) => r.id === 'UpSampling2D')?.ok).toBe(true);
    expect(check.failing).toEqual([]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 180_000);
