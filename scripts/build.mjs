#!/usr/bin/env node
// Builds everything the app needs into dist/: the Node/Electron side with esbuild
// (CommonJS bundles, tfjs and electron left external) and the renderer with Vite.
import { build as esbuild } from 'esbuild';
import { build as viteBuild } from 'vite';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { buildNetwrightLayers } from './build-layers.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const only = process.argv.includes('--main-only') ? 'main' : process.argv.includes('--renderer-only') ? 'renderer' : 'all';

const entries = {
  cli: 'main/cli/cli.ts',
  trainer: 'main/trainer/trainer-entry.ts',
  'heavy-worker': 'main/services/heavy-worker-entry.ts',
  'electron-main': 'main/electron/electron-main.ts',
  preload: 'main/electron/preload.ts',
};

async function buildMain() {
  await esbuild({
    absWorkingDir: root,
    entryPoints: Object.fromEntries(Object.entries(entries).map(([k, v]) => [k, path.join(root, v)])),
    outdir: path.join(root, 'dist/main'),
    outExtension: { '.js': '.cjs' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: true,
    external: ['electron', '@tensorflow/*', 'onnxruntime-node', 'h5wasm', 'h5wasm/*'],
    logLevel: 'warning',
    define: { NETWRIGHT_VERSION: JSON.stringify(JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).version) },
  });
}

/** Files the bundles read at run time: the export's netwright-layers.js, generated from the trainer's layers. */
async function buildAssets() {
  await buildNetwrightLayers(path.join(root, 'dist/main/assets/netwright-layers.js'));
}

async function buildRenderer() {
  await viteBuild({ configFile: path.join(root, 'vite.config.ts'), logLevel: 'warn' });
}

const started = Date.now();
if (only !== 'renderer') {
  await buildMain();
  await buildAssets();
}
if (only !== 'main') await buildRenderer();
if (!process.env.NETWRIGHT_QUIET_BUILD) console.log(`Built Netwright (${only}) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
