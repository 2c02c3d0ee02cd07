// Generates netwright-layers.js, the file a TF.js export ships for Netwright's custom layers,
// from the trainer's own classes (main/trainer/custom-layers/): one copy of each layer.
// esbuild bundles main/trainer/custom-layers/export-entry.ts with TF.js left out; the bundle
// reads TF.js from the function's argument, so the file works with whichever TF.js loads it:
//
//   const tf = require('@tensorflow/tfjs');        // or tfjs-node, or window.tf in a page
//   require('./netwright-layers.js')(tf);          // registers the layers; returns their names
//
// In a browser page loaded after tf.min.js it registers itself with window.tf.
import { build } from 'esbuild';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const LAYERS_ENTRY = path.join(root, 'main/trainer/custom-layers/export-entry.ts');

/** Every TF.js package the trainer's classes import resolves to the TF.js passed in. */
const tfFromArgument = {
  name: 'tf-from-argument',
  setup(b) {
    b.onResolve({ filter: /^@tensorflow\// }, (args) => ({ path: args.path, namespace: 'tf-argument' }));
    b.onLoad({ filter: /.*/, namespace: 'tf-argument' }, () => ({ contents: 'module.exports = __netwrightTf;', loader: 'js' }));
  },
};

const HEADER = `/**
 * netwright-layers.js: Netwright's custom TensorFlow.js layers, for loading an exported model
 * with stock TensorFlow.js (\`tf.loadLayersModel\`). Generated from Netwright's own layer classes
 * (the ones it trains with); no dependencies besides the \`tf\` you pass in.
 *
 *   const tf = require('@tensorflow/tfjs');         // or tfjs-node, or window.tf in a page
 *   require('./netwright-layers.js')(tf);           // registers the layers (returns their names)
 *   const model = await tf.loadLayersModel(...);
 *
 * In a browser page loaded after tf.min.js, it registers itself with window.tf.
 */
`;

/** The file's text. */
export async function netwrightLayersSource() {
  const out = await build({
    entryPoints: [LAYERS_ENTRY],
    bundle: true,
    write: false,
    format: 'iife',
    globalName: '__netwrightLayers',
    platform: 'neutral',
    target: 'es2019',
    plugins: [tfFromArgument],
    legalComments: 'none',
    logLevel: 'warning',
  });
  const bundle = out.outputFiles[0].text;
  return `${HEADER}/* global module, self */
(function (root, factory) {
  if (typeof module === 'object' && module.exports) module.exports = factory;
  else if (root && root.tf) {
    root.registerNetwrightLayers = factory;
    factory(root.tf);
  }
})(typeof self !== 'undefined' ? self : this, function registerNetwrightLayers(__netwrightTf) {
${bundle}
  return __netwrightLayers.registerExportedLayers();
});
`;
}

/** Writes netwright-layers.js to `file` (dist/main/assets/ by default); returns the path. */
export async function buildNetwrightLayers(file = path.join(root, 'dist/main/assets/netwright-layers.js')) {
  const text = await netwrightLayersSource();
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  return file;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  console.log(await buildNetwrightLayers(process.argv[2]));
}
