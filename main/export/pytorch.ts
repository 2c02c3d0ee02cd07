import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { encodeNpz } from './npy';
import { failed, passed, predictionCheck, skipped, writeOut, type ExportContext, type FormatOutput } from './context';
import type { ExportCheck } from '../../shared/export/result';
import { maxDifference, type ExampleBatch } from './examples';
import { lastLine, pythonModuleMissing, pythonPath, runPython } from './python';
import type { NpyArray } from './npy';
import { ident, type ModelInfo } from './model-info';
import { lower } from './lowering';
import { helperCode } from './pytorch-helpers';
import { pyDocstring, pyLiteral } from './python-literal';
import { isFrozen } from '../../shared/graph/analyze';

/** A PyTorch nn.Module source (model.py) for the graph and its state dict as arrays (weights.npz). */
export interface PytorchModule {
  readonly source: string;
  readonly stateDict: Map<string, NpyArray>;
}

/** Every value written into model.py, names included, goes through pyLiteral (python-literal.ts). */
const py = (v: unknown): string => pyLiteral(v);

const PY_HEADER = (title: string) => `${pyDocstring([
  `${title}: a PyTorch model exported from Netwright.`,
  '',
  'Tensors are channels-last, as in Keras and Netwright ([batch, height, width, channels]),',
  'so every layer sees its values in the same order as in the app. Weights are in',
  'weights.npz (the state dict as NumPy arrays); needs only torch and numpy.',
  '',
  '    import torch',
  '    from model import load_model',
  '    model = load_model()              # weights loaded, eval mode',
  '    y = model(torch.zeros(1, ...))    # see INPUTS for the input shapes',
  '',
])}
import math
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn`;

/** Frozen layers in model.py: requires_grad_(False) on their parameters, and frozen norms kept in eval mode by train(). */
function frozenTorch(weights: readonly string[], norms: readonly string[]): string {
  if (weights.length === 0) return '';
  const lines = [
    '',
    '        # Frozen in Netwright (trainable off): these parameters are not trained.',
    `        frozen = ${py(weights)}`,
    '        for name, p in self.named_parameters():',
    '            if name in frozen:',
    '                p.requires_grad_(False)',
  ];
  if (norms.length === 0) return lines.join('\n');
  return `${lines.join('\n')}

    # A frozen BatchNormalization runs in inference mode (its moving statistics), as in Keras.
    FROZEN_NORMS = ${py(norms)}

    def train(self, mode=True):
        super().train(mode)
        for name in self.FROZEN_NORMS:
            getattr(self, name).eval()
        return self`;
}

/** Generates model.py and the state dict for a model. */
export function pytorchModule(info: ModelInfo, title: string): PytorchModule {
  const helpers = new Set<string>();
  const init: string[] = [];
  const forward: string[] = [];
  const stateDict = new Map<string, NpyArray>();
  const varOf = new Map<string, string>();
  // Frozen layers (params.trainable false): their parameters leave training, their norms stay in eval mode.
  const frozenWeights: string[] = [];
  const frozenNorms: string[] = [];
  for (const i of info.inputs) varOf.set(i.name, ident(i.name));
  for (const layer of info.layers) {
    const inputs = layer.inputs.map((n) => varOf.get(n) ?? ident(n));
    const code = lower(layer, 'pytorch')(layer, inputs);
    for (const h of code.helpers) helpers.add(h);
    init.push(...code.init);
    const v = ident(layer.name);
    forward.push(`${v} = ${code.forward}`);
    varOf.set(layer.name, v);
    for (const [key, w] of code.state) {
      stateDict.set(key, { shape: [...w.shape], dtype: 'float32', data: w.data });
    }
    if (layer.weights.length > 0 && isFrozen(layer.params)) {
      frozenWeights.push(...code.state.map(([key]) => key));
      if (layer.type === 'BatchNormalization') frozenNorms.push(ident(layer.name));
    }
  }
  const outs = info.outputs.map((o) => varOf.get(o) ?? ident(o));
  const args = info.inputs.map((i) => ident(i.name)).join(', ');
  const inputsDecl = info.inputs.map((i) => `    (${py(i.name)}, ${py(i.shape.slice(1))}, ${py(i.dtype)}),`).join('\n');
  const source = `${PY_HEADER(title)}


${helperCode(helpers)}


class NetwrightModel(nn.Module):
    ${pyDocstring([`${title}: ${info.layers.length} layers, ${info.totalParams.toLocaleString('en-US')} parameters (as Keras counts them).`])}

    def __init__(self):
        super().__init__()
${init.length ? init.map((l) => `        ${l}`).join('\n') : '        pass'}${frozenTorch(frozenWeights, frozenNorms)}

    def forward(self, ${args}):
${forward.map((l) => `        ${l}`).join('\n')}
        return ${outs.length === 1 ? outs[0] : `(${outs.join(', ')})`}


# (name, shape without the batch dimension (None: any length), dtype) of each input, in forward's order.
INPUTS = [
${inputsDecl}
]


def load_model(weights=None):
    """The model with its trained weights (weights.npz beside this file), in eval mode."""
    model = NetwrightModel()
    path = weights or os.path.join(os.path.dirname(os.path.abspath(__file__)), "weights.npz")
    with np.load(path) as npz:
        state = {key: torch.from_numpy(npz[key]) for key in npz.files}
    model.load_state_dict(state)
    return model.eval()


def count_params(model):
    """Parameters as Keras (and Netwright) count them: every weight, BatchNormalization's moving statistics included."""
    return sum(p.numel() for p in model.parameters()) + sum(
        b.numel() for name, b in model.named_buffers() if name.endswith(("moving_mean", "moving_variance")))


if __name__ == "__main__":
    # python model.py inputs.npz outputs.npz: predicts the arrays in inputs.npz (one per input, by name).
    model = load_model()
    print("parameters:", count_params(model))
    if len(sys.argv) == 3:
        with np.load(sys.argv[1]) as npz:
            xs = [torch.from_numpy(npz[name]) for name, _, _ in INPUTS]
        with torch.no_grad():
            ys = model(*xs)
        ys = ys if isinstance(ys, tuple) else (ys,)
        np.savez(sys.argv[2], **{f"output_{i}": y.numpy() for i, y in enumerate(ys)})
`;
  return { source, stateDict };
}

// ---------------------------------------------------------------------------
// Writing and checking the export.

export function examplesNpz(examples: readonly ExampleBatch[]): Uint8Array {
  return encodeNpz(new Map(examples.map((e) => [e.name, { shape: e.shape, dtype: e.dtype, data: e.data }])));
}

const PREDICT_SCRIPT = `
import json, sys
import numpy as np, torch
sys.path.insert(0, sys.argv[1])
from model import INPUTS, count_params, load_model
torch.set_num_threads(1)
model = load_model()
with np.load(sys.argv[2]) as npz:
    xs = [torch.from_numpy(npz[name]) for name, _, _ in INPUTS]
with torch.no_grad():
    ys = model(*xs)
ys = ys if isinstance(ys, tuple) else (ys,)
print(json.dumps({"params": count_params(model), "outputs": [{"shape": list(y.shape), "data": y.reshape(-1).tolist()} for y in ys]}))
`;

/** What a predict script prints as its last line: the model's parameter count and its outputs. */
export interface ScriptPrediction {
  readonly params: number;
  readonly outputs: { shape: number[]; data: number[] }[];
}

/**
 * Runs a predict script with `python -c script dir inputs.npz ...extraArgs` on the examples (saved
 * as inputs.npz in a temporary folder) and parses its last line; or the error, in one line.
 */
export async function runPredictScript(
  script: string,
  dir: string,
  examples: readonly ExampleBatch[],
  options: { extraArgs?: readonly string[]; env?: NodeJS.ProcessEnv; label?: string } = {},
): Promise<ScriptPrediction | { error: string }> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'netwright-predict-'));
  try {
    const inputs = path.join(tmp, 'inputs.npz');
    fs.writeFileSync(inputs, examplesNpz(examples));
    const env = { PYTHONPYCACHEPREFIX: tmp, ...options.env };
    const r = await runPython(['-c', script, dir, inputs, ...(options.extraArgs ?? [])], { cwd: tmp, timeoutMs: 300_000, env });
    if (r.code !== 0) return { error: `${options.label ?? pythonPath({ ...process.env, ...env })} failed: ${lastLine(r.stderr) || `exit code ${String(r.code)}`}` };
    return JSON.parse(lastLine(r.stdout)) as ScriptPrediction;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** Runs an exported model.py on the examples with the check Python; the outputs and its parameter count. */
export function runPytorchExport(dir: string, examples: readonly ExampleBatch[]): Promise<ScriptPrediction | { error: string }> {
  return runPredictScript(PREDICT_SCRIPT, dir, examples);
}

export async function writePytorch(ctx: ExportContext): Promise<FormatOutput> {
  const mod = pytorchModule(ctx.info, ctx.title);
  const files = [writeOut(ctx, 'model.py', mod.source), writeOut(ctx, 'weights.npz', encodeNpz(mod.stateDict))];
  const checks: ExportCheck[] = [];
  let exportedParams: number | null = null;
  if (ctx.selfCheck) {
    const missing = (await pythonModuleMissing('torch')) ?? (await pythonModuleMissing('numpy'));
    if (missing) checks.push(skipped('PyTorch predictions', missing));
    else {
      const r = await runPytorchExport(ctx.outDir, ctx.examples);
      if ('error' in r) checks.push(failed('PyTorch predictions', r.error));
      else {
        exportedParams = r.params;
        checks.push(predictionCheck('PyTorch predictions', maxDifference(ctx.expected, r.outputs), ctx.examples[0]?.shape[0] ?? 0));
        checks.push(
          r.params === ctx.info.totalParams
            ? passed('PyTorch parameter count', `${r.params.toLocaleString('en-US')}, as Netwright counts`)
            : failed('PyTorch parameter count', `${r.params} in PyTorch, ${ctx.info.totalParams} in Netwright`),
        );
      }
    }
  }
  return { files, checks, exportedParams };
}
