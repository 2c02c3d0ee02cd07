import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { testBackend } from './test-backend';
import { exampleDoc } from '../trainer/test-helpers';

describe('export.model', () => {
  const base = mkdtempSync(path.join(os.tmpdir(), 'nw-backend-export-'));
  const { backend } = testBackend({ dataDir: path.join(base, 'data'), defaultDir: base });

  it('writes the architecture with fresh weights and reports its self-check', async () => {
    const outDir = path.join(base, 'fresh');
    const result = (await backend.handle('export.model', { format: 'tfjs', doc: exampleDoc(), runId: null, outDir })) as {
      ok: boolean;
      files: string[];
      params: { netwright: number };
      checks: { status: string }[];
    };
    expect(result.ok).toBe(true);
    expect(result.params.netwright).toBe(101_770);
    expect(result.checks.some((c) => c.status === 'passed')).toBe(true);
    expect(existsSync(path.join(outDir, 'model.json'))).toBe(true);
  });

  it('refuses a run that does not exist, and an unknown format', async () => {
    await expect(backend.handle('export.model', { format: 'tfjs', doc: exampleDoc(), runId: '20260101-000000-abcdef', outDir: path.join(base, 'x') })).rejects.toMatchObject({
      code: 'NO_MODEL',
    });
    await expect(backend.handle('export.model', { format: 'caffe', doc: exampleDoc(), runId: null, outDir: path.join(base, 'y') })).rejects.toMatchObject({
      code: 'BAD_PARAMS',
    });
  });
});
