import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ExportCheck } from '../../shared/export/result';
import { failed, passed, skipped, writeOut, type ExportContext, type FormatOutput } from './context';
import { ident, type ModelInfo } from './model-info';
import { lower, loweringOf } from './lowering';
import { activationLowering } from './lowering/activations';
import { KERAS_HELPERS } from './lowering/keras-helpers';
import type { KerasContext, KerasHelper } from './lowering/types';
import { kerasPredictionChecks } from './keras-check';
import { lastLine, pythonModuleMissing, runPython } from './python';
import { pyDocstring, pyLiteral } from './python-literal';
import { isFrozen } from '../../shared/graph/analyze';

/**
 * Keras export: model.py builds the same graph with Keras 3 layers (MultiHeadAttention included;
 * PositionalEmbedding and TransformerEncoder as small custom layers in the file), and weights.h5
 * holds the weights in Keras's HDF5 layout (`layer_names`, a group per layer with `weight_names`),
 * which `model.load_weights("weights.h5")` reads. tfjs already keeps Keras's weight layout, so the
 * arrays are written as they are.
 */

/** Every value written into model.py, names included, goes through pyLiteral (python-literal.ts). */
const py = (v: unknown): string => pyLiteral(v);

/** model.py for Keras 3. */
export function kerasSource(info: ModelInfo, title: string): string {
  const helpers = new Set<KerasHelper>();
  const lines: string[] = [];
  const v = new Map<string, string>();
  for (const i of info.inputs) {
    const name = ident(i.name);
    v.set(i.name, name);
    lines.push(`${name} = keras.Input(shape=${py(i.shape.slice(1))}, dtype=${py(i.dtype)}, name=${py(i.name)})`);
  }
  for (const layer of info.layers) {
    const xs = layer.inputs.map((x) => v.get(x) ?? ident(x));
    const k: KerasContext = {
      need: (h) => helpers.add(h),
      act: (name) => {
        const a = activationLowering(name, layer).keras;
        if (a.helper) helpers.add(a.helper);
        return a.value;
      },
    };
    const ctor = lower(layer, 'keras')(layer, k);
    const args = loweringOf(layer).kerasPositionalInputs ? xs.join(', ') : xs.length > 1 ? `[${xs.join(', ')}]` : (xs[0] as string);
    const name = ident(layer.name);
    lines.push(`${name} = ${ctor}(${args})`);
    v.set(layer.name, name);
  }
  const ins = info.inputs.map((i) => v.get(i.name) as string);
  const outs = info.outputs.map((o) => v.get(o) as string);
  const doc = pyDocstring([
    `${title}: a Keras 3 model exported from Netwright.`,
    '',
    "build_model() creates the layers and loads weights.h5 (Keras's HDF5 weight layout).",
    '',
    '    from model import build_model',
    '    model = build_model()',
    '    model.predict(x)',
    '',
  ]);
  return `${doc}
import os

import keras
from keras import layers, ops

${(Object.keys(KERAS_HELPERS) as KerasHelper[]).filter((h) => helpers.has(h)).map((h) => KERAS_HELPERS[h].trim()).join('\n\n\n')}


def build_model(weights=os.path.join(os.path.dirname(os.path.abspath(__file__)), "weights.h5")):
    """The model; with its weights from \`weights\` unless it is None."""
${lines.map((l) => `    ${l}`).join('\n')}
    model = keras.Model(inputs=${ins.length === 1 ? ins[0] : `[${ins.join(', ')}]`}, outputs=${outs.length === 1 ? outs[0] : `[${outs.join(', ')}]`}, name=${py(ident(title) || 'netwright')})
    if weights:
        model.load_weights(weights)${frozenKeras(info)}
    return model


if __name__ == "__main__":
    build_model().summary()
`;
}

/** Frozen layers (params.trainable false) as Keras says it: `trainable = False`, set after the weights load. */
function frozenKeras(info: ModelInfo): string {
  const frozen = info.layers.filter((l) => l.weights.length > 0 && isFrozen(l.params)).map((l) => l.name);
  if (frozen.length === 0) return '';
  return `
    # Frozen in Netwright: left out of training; a frozen BatchNormalization runs in inference mode.
    for name in ${py(frozen)}:
        model.get_layer(name).trainable = False`;
}

type H5 = typeof import('h5wasm/node');

async function loadH5(): Promise<H5> {
  const h5 = (await import('h5wasm/node')) as H5;
  await h5.ready;
  return h5;
}

const fixedStrings = (xs: readonly string[]) => `A${Math.max(1, ...xs.map((s) => Buffer.byteLength(s))) + 1}`;

/** Writes weights.h5 in Keras's layout; returns the number of values written. */
export async function writeKerasH5(info: ModelInfo, file: string): Promise<number> {
  const h5 = await loadH5();
  // h5wasm's Node build writes to the real file system.
  const f = new h5.File(file, 'w');
  let count = 0;
  try {
    const layerNames = info.layers.map((l) => l.name);
    f.create_attribute('layer_names', layerNames, [layerNames.length], fixedStrings(layerNames));
    f.create_attribute('backend', 'tensorflow', null, fixedStrings(['tensorflow']));
    f.create_attribute('keras_version', '3.0.0', null, fixedStrings(['3.0.0']));
    for (const layer of info.layers) {
      const g = f.create_group(layer.name);
      const names = layer.weights.map((w) => `${layer.name}/${w.name}:0`);
      if (names.length === 0) {
        g.create_attribute('weight_names', [], [0], 'A1');
        continue;
      }
      g.create_attribute('weight_names', names, [names.length], fixedStrings(names));
      for (const [i, w] of layer.weights.entries()) {
        const parts = (names[i] as string).split('/');
        let group = g;
        for (const part of parts.slice(0, -1)) group = (group.get(part) as typeof g | null) ?? group.create_group(part);
        group.create_dataset({ name: parts.at(-1) as string, data: w.data, shape: [...w.shape], dtype: '<f4' });
        count += w.data.length;
      }
    }
  } finally {
    f.close();
  }
  return count;
}

const H5_CHECK = `
import json, sys
import h5py, numpy as np
out = {}
with h5py.File(sys.argv[1], "r") as f:
    names = [n.decode() if isinstance(n, bytes) else n for n in f.attrs["layer_names"]]
    for name in names:
        g = f[name]
        weights = [w.decode() if isinstance(w, bytes) else w for w in g.attrs["weight_names"]]
        out[name] = [[w, list(g[w].shape), float(np.asarray(g[w], dtype=np.float64).sum())] for w in weights]
print(json.dumps(out))
`;

export async function writeKeras(ctx: ExportContext): Promise<FormatOutput> {
  const source = kerasSource(ctx.info, ctx.title);
  const files = [writeOut(ctx, 'model.py', source)];
  const h5file = path.join(ctx.outDir, 'weights.h5');
  const exported = await writeKerasH5(ctx.info, h5file);
  files.push(h5file);
  const checks: ExportCheck[] = [];
  if (ctx.selfCheck) {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'netwright-keras-'));
    try {
      const compiled = await runPython(['-m', 'py_compile', files[0] as string], { env: { PYTHONPYCACHEPREFIX: tmp } });
      checks.push(compiled.code === 0 ? passed('model.py compiles', 'python3 -m py_compile') : failed('model.py compiles', lastLine(compiled.stderr)));
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
    const missing = await pythonModuleMissing('h5py');
    if (missing) checks.push(skipped('h5py reads weights.h5', missing));
    else {
      const r = await runPython(['-c', H5_CHECK, h5file]);
      if (r.code !== 0) checks.push(failed('h5py reads weights.h5', lastLine(r.stderr)));
      else {
        const got = JSON.parse(lastLine(r.stdout)) as Record<string, [string, number[], number][]>;
        const problems: string[] = [];
        for (const layer of ctx.info.layers) {
          const entries = got[layer.name];
          if (!entries) {
            problems.push(`${layer.name} missing`);
            continue;
          }
          if (entries.length !== layer.weights.length) problems.push(`${layer.name}: ${entries.length} weights, expected ${layer.weights.length}`);
          layer.weights.forEach((w, i) => {
            const e = entries[i];
            if (!e) return;
            if (e[1].join(',') !== w.shape.join(',')) problems.push(`${e[0]} shape [${e[1].join(', ')}], expected [${w.shape.join(', ')}]`);
            const sum = w.data.reduce((s, x) => s + x, 0);
            if (Math.abs(e[2] - sum) > 1e-3 * Math.max(1, Math.abs(sum))) problems.push(`${e[0]} values differ (sum ${e[2]} vs ${sum})`);
          });
        }
        checks.push(
          problems.length
            ? failed('h5py reads weights.h5', problems.slice(0, 3).join('; '))
            : passed('h5py reads weights.h5', `${ctx.info.layers.length} layer groups, every weight's shape and values as in Netwright`),
        );
      }
    }
    const keras = await kerasPredictionChecks(ctx.outDir, ctx.examples, ctx.expected, ctx.info.totalParams);
    checks.push(...keras.checks);
    return { files, checks, exportedParams: keras.params ?? exported };
  }
  return { files, checks, exportedParams: exported };
}
