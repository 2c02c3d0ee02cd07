import type { ExportCheck } from '../../shared/export/result';
import { failed, passed, predictionCheck, skipped } from './context';
import { maxDifference, type ExampleBatch } from './examples';
import { runPredictScript } from './pytorch';
import { runPython } from './python';

/**
 * Runs an exported Keras model.py in real Keras 3 where a Python with Keras is found.
 * Debian has no Keras package, so the Python that checks PyTorch and ONNX exports usually lacks
 * it; `python3` on PATH (a pip-installed Keras with the JAX, PyTorch or TensorFlow backend) or
 * $NETWRIGHT_KERAS_PYTHON is tried.
 */
export interface KerasRuntime {
  readonly python: string;
  readonly backend: string;
}

const BACKENDS = ['jax', 'torch', 'tensorflow'] as const;

/** Pythons to try, most specific first, without repeats. */
export function kerasPythonCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  const list = [env['NETWRIGHT_KERAS_PYTHON'], 'python3', '/usr/bin/python3'].filter((p): p is string => typeof p === 'string' && p.length > 0);
  return [...new Set(list)];
}

let found: Promise<KerasRuntime | string> | null = null;

/** The first Python and Keras backend that import, or why none did (one line). Cached. */
export function findKerasRuntime(env: NodeJS.ProcessEnv = process.env): Promise<KerasRuntime | string> {
  found ??= (async () => {
    const preferred = env['KERAS_BACKEND'];
    const backends = preferred ? [preferred, ...BACKENDS.filter((b) => b !== preferred)] : [...BACKENDS];
    for (const python of kerasPythonCandidates(env)) {
      for (const backend of backends) {
        const r = await runPython(['-c', 'import keras; print(keras.__version__)'], {
          timeoutMs: 120_000,
          env: { NETWRIGHT_PYTHON: python, KERAS_BACKEND: backend },
        });
        if (r.code === 0) return { python, backend };
      }
    }
    return `no Python here imports Keras 3 (tried ${kerasPythonCandidates(env).join(', ')} with the ${backends.join(', ')} backends; pip install keras jax jaxlib, or set NETWRIGHT_KERAS_PYTHON)`;
  })();
  return found;
}

const PREDICT_SCRIPT = `
import json, sys
import numpy as np
sys.path.insert(0, sys.argv[1])
from model import build_model
names = json.loads(sys.argv[3])
model = build_model()
with np.load(sys.argv[2]) as npz:
    xs = [npz[name] for name in names]
ys = model.predict(xs if len(xs) > 1 else xs[0], verbose=0, batch_size=len(xs[0]))
ys = ys if isinstance(ys, (list, tuple)) else [ys]
ys = [np.asarray(y, dtype=np.float32) for y in ys]
print(json.dumps({"params": int(model.count_params()), "outputs": [{"shape": list(y.shape), "data": y.reshape(-1).tolist()} for y in ys]}))
`;

/** Builds model.py's model (weights.h5 loaded) in Keras, predicts the examples, compares. */
export async function kerasPredictionChecks(
  dir: string,
  examples: readonly ExampleBatch[],
  expected: readonly { shape: number[]; data: Float32Array }[],
  totalParams: number,
): Promise<{ checks: ExportCheck[]; params: number | null }> {
  const runtime = await findKerasRuntime();
  if (typeof runtime === 'string') return { checks: [skipped('Keras predictions', runtime)], params: null };
  const got = await runPredictScript(PREDICT_SCRIPT, dir, examples, {
    extraArgs: [JSON.stringify(examples.map((e) => e.name))],
    env: { NETWRIGHT_PYTHON: runtime.python, KERAS_BACKEND: runtime.backend },
    label: `Keras (${runtime.backend} backend)`,
  });
  if ('error' in got) return { checks: [failed('Keras predictions', got.error)], params: null };
  const check = predictionCheck('Keras predictions', maxDifference(expected, got.outputs), examples[0]?.shape[0] ?? 0);
  const withBackend: ExportCheck = { ...check, detail: `${check.detail}; Keras with the ${runtime.backend} backend` };
  const count =
    got.params === totalParams
      ? passed('Keras parameter count', `${got.params.toLocaleString('en-US')}, as Netwright counts`)
      : failed('Keras parameter count', `${got.params} in Keras, ${totalParams} in Netwright`);
  return { checks: [withBackend, count], params: got.params };
}
