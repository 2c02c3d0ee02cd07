import { beforeAll, describe, expect, it } from 'vitest';
import { ESLint, type Linter } from 'eslint';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Proves that each architecture rule in eslint.config.js fires on a small
 * offending snippet, as an error, and that the allowed cases stay clean.
 * Snippets are linted as if they were at the given path; nothing is written.
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({ cwd: ROOT, overrideConfigFile: path.join(ROOT, 'eslint.config.js') });
});

async function lint(filePath: string, code: string): Promise<Linter.LintMessage[]> {
  const [result] = await eslint.lintText(code, { filePath });
  expect(result, filePath).toBeDefined();
  return result!.messages;
}

const errors = (messages: Linter.LintMessage[]) => messages.filter((m) => m.severity === 2);
const show = (messages: Linter.LintMessage[]) => messages.map((m) => `${m.ruleId}: ${m.message}`).join('\n');

type Case = readonly [file: string, code: string, rule: string];

/** Every case must raise `rule` as an error. */
async function expectViolation([file, code, rule]: Case) {
  const messages = await lint(file, code);
  const hits = errors(messages).filter((m) => m.ruleId === rule);
  expect(hits.length, `${file}: expected ${rule} for\n  ${code}\ngot:\n${show(messages)}`).toBeGreaterThan(0);
  return hits;
}

/** No errors at all (the snippets use what they import, so generic rules stay quiet too). */
async function expectClean(file: string, code: string) {
  const messages = await lint(file, code);
  expect(errors(messages), `${file}: expected no errors for\n  ${code}\ngot:\n${show(messages)}`).toEqual([]);
}

describe('shared/ is runtime-free', () => {
  const imports: Case[] = [
    ['shared/x.ts', "import fs from 'fs';\nexport const r = fs;", 'no-restricted-imports'],
    ['shared/x.ts', "import { readFile } from 'node:fs/promises';\nexport const r = readFile;", 'no-restricted-imports'],
    ['shared/x.ts', "import path from 'path';\nexport const r = path;", 'no-restricted-imports'],
    ['shared/x.ts', "import os from 'os';\nexport const r = os;", 'no-restricted-imports'],
    ['shared/x.ts', "import { spawn } from 'child_process';\nexport const r = spawn;", 'no-restricted-imports'],
    ['shared/x.ts', "import { join } from 'node:path';\nexport const r = join;", 'no-restricted-imports'],
    ['shared/graph/x.ts', "export * from 'node:crypto';", 'no-restricted-imports'],
    ['shared/x.ts', "import { app } from 'electron';\nexport const r = app;", 'no-restricted-imports'],
    ['shared/x.ts', "import type { BrowserWindow } from 'electron';\nexport type W = BrowserWindow;", 'no-restricted-imports'],
    ['shared/x.ts', "import { useState } from 'react';\nexport const r = useState;", 'no-restricted-imports'],
    ['shared/x.ts', "import { createRoot } from 'react-dom/client';\nexport const r = createRoot;", 'no-restricted-imports'],
    ['shared/x.ts', "import { ReactFlow } from '@xyflow/react';\nexport const r = ReactFlow;", 'no-restricted-imports'],
    ['shared/layers/x.ts', "import * as tf from '@tensorflow/tfjs';\nexport const r = tf;", 'no-restricted-imports'],
    ['shared/x.ts', "import WebSocket from 'ws';\nexport const r = WebSocket;", 'no-restricted-imports'],
  ];
  it.each(imports)('%s: %s', async (...c) => {
    await expectViolation(c);
  });

  it('names the reason in the message', async () => {
    const [hit] = await expectViolation(['shared/x.ts', "import * as tf from '@tensorflow/tfjs';\nexport const r = tf;", 'no-restricted-imports']);
    expect(hit!.message).toMatch(/tfjs/);
  });

  const dynamic: Case[] = [
    ['shared/x.ts', "export const load = () => import('node:fs');", 'netwright/import-boundaries'],
    ['shared/x.ts', "export const load = () => import('electron');", 'netwright/import-boundaries'],
    ['shared/graph/x.ts', "import { trainModel } from '../../main/trainer/train';\nexport const r = trainModel;", 'netwright/import-boundaries'],
    ['shared/graph/x.ts', "export { useStore } from '../../renderer/src/state/store';", 'netwright/import-boundaries'],
  ];
  it.each(dynamic)('%s: %s', async (...c) => {
    await expectViolation(c);
  });

  const globals: Case[] = [
    ['shared/x.ts', "export const w = () => window.innerWidth;", 'no-restricted-globals'],
    ['shared/x.ts', "export const t = () => document.title;", 'no-restricted-globals'],
    ['shared/x.ts', "export const e = () => process.env['HOME'];", 'no-restricted-globals'],
    ['shared/x.ts', "export const m = () => require('zod');", 'no-restricted-globals'],
    ['shared/x.ts', "export const b = () => Buffer.from('a');", 'no-restricted-globals'],
  ];
  it.each(globals)('%s: %s', async (...c) => {
    await expectViolation(c);
  });

  it('allows zod, relative imports within shared/, and a local named like a global', async () => {
    await expectClean(
      'shared/graph/x.ts',
      [
        "import { z } from 'zod';",
        "import { getLayerSpec } from '../layers/registry';",
        'export const S = z.string();',
        'export const spec = getLayerSpec;',
        'export function f(process: number, document: string): string { return `${process}${document}`; }',
      ].join('\n'),
    );
  });
});

describe('renderer/ is the browser', () => {
  const cases: Case[] = [
    ['renderer/src/x.ts', "import fs from 'node:fs';\nexport const r = fs;", 'no-restricted-imports'],
    ['renderer/src/x.ts', "import path from 'path';\nexport const r = path;", 'no-restricted-imports'],
    ['renderer/src/x.tsx', "import { ipcRenderer } from 'electron';\nexport const r = ipcRenderer;", 'no-restricted-imports'],
    ['renderer/src/x.ts', "import { shell } from 'electron';\nexport const r = shell;", 'no-restricted-imports'],
    ['renderer/src/canvas/x.ts', "import { startHost } from '../../../main/host/host';\nexport const r = startHost;", 'netwright/import-boundaries'],
    ['renderer/src/canvas/x.ts', "export * from '../../../main/app-paths';", 'netwright/import-boundaries'],
    ['renderer/src/x.ts', "export const load = () => import('node:child_process');", 'netwright/import-boundaries'],
  ];
  it.each(cases)('%s: %s', async (...c) => {
    await expectViolation(c);
  });

  it('allows React, React Flow, shared/, and a renderer folder that happens to be called main', async () => {
    await expectClean(
      'renderer/src/canvas/Canvas.tsx',
      [
        "import { useState } from 'react';",
        "import { ReactFlow } from '@xyflow/react';",
        "import { analyzeGraph } from '../../../shared/graph/analyze';",
        "import { helper } from './main/helper';",
        'export function Canvas() { const [n] = useState(0); return <ReactFlow nodes={[]} edges={[]}>{String(n)}{String(analyzeGraph)}{String(helper)}</ReactFlow>; }',
      ].join('\n'),
    );
  });
});

describe('only renderer/src/platform/ touches window.api', () => {
  const cases: Case[] = [
    ['renderer/src/canvas/Canvas.tsx', "export const go = () => window.api['app.info']({});", 'no-restricted-properties'],
    ['renderer/src/state/store.ts', 'export const api = window.api;', 'no-restricted-properties'],
    ['renderer/src/state/store.ts', 'const { api } = window;\nexport default api;', 'no-restricted-properties'],
    ['renderer/src/state/store.ts', 'export const api = globalThis.api;', 'no-restricted-properties'],
    ['renderer/src/state/store.ts', '// eslint-disable-next-line @typescript-eslint/no-explicit-any\nexport const api = (window as any).api;', 'no-restricted-syntax'],
    ['renderer/src/state/store.ts', 'export const api = window!.api;', 'no-restricted-syntax'],
  ];
  it.each(cases)('%s: %s', async (...c) => {
    const [hit] = await expectViolation(c);
    expect(hit!.message).toMatch(/renderer\/src\/platform/);
  });

  it('allows it in the platform layer', async () => {
    await expectClean('renderer/src/platform/electron-api.ts', "export const info = () => window.api['app.info']({});");
  });

  it('allows other properties of window elsewhere in the renderer', async () => {
    await expectClean('renderer/src/canvas/x.ts', 'export const w = () => window.innerWidth;');
  });
});

describe('ipcMain / ipcRenderer only in ipc-main.ts and preload.ts', () => {
  const cases: Case[] = [
    ['main/electron/dialogs.ts', "import { ipcMain } from 'electron';\nexport const r = ipcMain;", 'no-restricted-imports'],
    ['main/electron/electron-main.ts', "import { app, ipcRenderer } from 'electron';\nexport const r = [app, ipcRenderer];", 'no-restricted-imports'],
    ['main/electron/dialogs.ts', "import * as electron from 'electron';\nexport const r = electron;", 'no-restricted-imports'],
    ['scripts/x.ts', "import { ipcMain } from 'electron';\nexport const r = ipcMain;", 'no-restricted-imports'],
    ['e2e/x.ts', "import { ipcRenderer } from 'electron';\nexport const r = ipcRenderer;", 'no-restricted-imports'],
  ];
  it.each(cases)('%s: %s', async (...c) => {
    const [hit] = await expectViolation(c);
    expect(hit!.message).toMatch(/ipc-main\.ts/);
  });

  it('allows ipcMain in main/electron/ipc-main.ts', async () => {
    await expectClean('main/electron/ipc-main.ts', "import { ipcMain } from 'electron';\nexport const off = () => ipcMain.removeHandler('x');");
  });

  it('allows ipcRenderer and contextBridge in main/electron/preload.ts', async () => {
    await expectClean(
      'main/electron/preload.ts',
      "import { contextBridge, ipcRenderer } from 'electron';\ncontextBridge.exposeInMainWorld('api', { ping: () => ipcRenderer.invoke('ping') });",
    );
  });

  it('allows the rest of electron elsewhere in main/electron/', async () => {
    await expectClean('main/electron/electron-main.ts', "import { app, BrowserWindow } from 'electron';\nexport const r = [app, BrowserWindow];");
  });
});

describe('main/ outside main/electron/ does not import electron', () => {
  const cases: Case[] = [
    ['main/host/host.ts', "import { app } from 'electron';\nexport const r = app;", 'no-restricted-imports'],
    ['main/trainer/train.ts', "import type { WebContents } from 'electron';\nexport type W = WebContents;", 'no-restricted-imports'],
    ['main/services/x.ts', "export const load = () => import('electron');", 'netwright/import-boundaries'],
    ['main/host/x.ts', "import { useStore } from '../../renderer/src/state/store';\nexport const r = useStore;", 'netwright/import-boundaries'],
  ];
  it.each(cases)('%s: %s', async (...c) => {
    await expectViolation(c);
  });

  it('allows Node built-ins, tfjs and ws in main/', async () => {
    await expectClean(
      'main/trainer/x.ts',
      [
        "import fs from 'node:fs';",
        "import * as tf from '@tensorflow/tfjs';",
        "import { WebSocketServer } from 'ws';",
        "import { analyzeGraph } from '../../shared/graph/analyze';",
        'export const r = [fs, tf, WebSocketServer, analyzeGraph];',
      ].join('\n'),
    );
  });
});

describe('layers inside main/, shared/ and the renderer', () => {
  const R = 'netwright/import-boundaries';
  const layered: Case[] = [
    ['main/export/x.ts', "import { createBackend } from '../services/backend';\nexport const r = createBackend;", R],
    ['main/import/x.ts', "import { listRuns } from '../services/runs';\nexport const r = listRuns;", R],
    ['main/export/lowering/x.ts', "export { openProject } from '../../services/project-files';", R],
    ['main/trainer/datasets/x.ts', "import { createBackend } from '../../services/backend';\nexport const r = createBackend;", R],
    ['main/storage/x.ts', "import { exportProject } from '../export/export';\nexport const r = exportProject;", R],
    ['main/storage/x.ts', "import { createBackend } from '../services/backend';\nexport const r = createBackend;", R],
    ['main/services/x.ts', "import { main } from '../cli/cli';\nexport const r = main;", R],
    ['main/cli/x.ts', "import { exportProject } from '../export/export';\nexport const r = exportProject;", R],
    ['main/cli/x.ts', "export const load = () => import('../import/import-model');", R],
    ['shared/training/x.ts', "import type { DatasetInfo } from '../api/contract';\nexport type D = DatasetInfo;", R],
    ['renderer/src/graph/x.ts', "import { useEditor } from '../state/store';\nexport const r = useEditor;", R],
  ];
  it.each(layered)('%s: %s', async (...c) => {
    await expectViolation(c);
  });

  it('names the layer and the way out in the message', async () => {
    const [hit] = await expectViolation(layered[0]!);
    expect(hit!.message).toMatch(/main\/services\/.*main\/storage/);
  });

  it('allows imports downwards, and tests that reach across', async () => {
    await expectClean('main/import/x.ts', "import { runsRoot } from '../storage/runs';\nexport const r = runsRoot;");
    await expectClean('main/export/x.ts', "import { writeStaged } from '../storage/staged-dir';\nexport const r = writeStaged;");
    await expectClean('main/services/x.ts', "import { exportProject } from '../export/export';\nexport const r = exportProject;");
    await expectClean('main/cli/x.ts', "import { createBackend } from '../services/backend';\nexport const r = createBackend;");
    await expectClean('main/export/x.test.ts', "import { testBackend } from '../services/test-backend';\nexport const r = testBackend;");
    await expectClean('shared/training/x.ts', "import { TrainingSettingsSchema } from '../graph/document';\nexport const r = TrainingSettingsSchema;");
    await expectClean('shared/api/x.ts', "import { DatasetInfoSchema } from '../training/dataset-info';\nexport const r = DatasetInfoSchema;");
    await expectClean('renderer/src/graph/x.ts', "import { wouldCycle } from '../../../shared/graph/connect';\nexport const r = wouldCycle;");
  });
});

describe('React hooks (eslint-plugin-react-hooks) in the renderer', () => {
  it('refuses a hook called under a condition', async () => {
    await expectViolation([
      'renderer/src/x.tsx',
      "import { useState } from 'react';\nexport function X({ on }: { on: boolean }) {\n  if (on) {\n    const [v] = useState(0);\n    return <b>{v}</b>;\n  }\n  return null;\n}",
      'react-hooks/rules-of-hooks',
    ]);
  });

  it('warns about an effect that reads a value it does not list', async () => {
    const messages = await lint(
      'renderer/src/x.tsx',
      "import { useEffect } from 'react';\nexport function X({ n }: { n: number }) {\n  useEffect(() => {\n    document.title = String(n);\n  }, []);\n  return null;\n}",
    );
    expect(messages.map((m) => m.ruleId)).toContain('react-hooks/exhaustive-deps');
  });
});

describe('ignored paths', () => {
  it.each(['dist/main/cli.cjs', 'node_modules/zod/index.js', 'test-results/x/trace.js', 'playwright-report/index.js'])('%s is ignored', async (file) => {
    expect(await eslint.isPathIgnored(path.join(ROOT, file))).toBe(true);
  });

  it.each(['shared/graph/analyze.ts', 'renderer/src/App.tsx', 'main/electron/preload.ts', 'scripts/build.mjs'])('%s is linted', async (file) => {
    expect(await eslint.isPathIgnored(path.join(ROOT, file))).toBe(false);
  });
});
