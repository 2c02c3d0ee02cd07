import type { ExportCheck } from '../../shared/export/result';
import { failed, passed, predictionCheck, skipped, writeOut, type ExportContext, type FormatOutput } from './context';
import { maxDifference } from './examples';
import { ExportError, type ModelInfo } from './model-info';
import { OnnxGraph } from './onnx-graph';
import { lower } from './lowering';
import { OnnxOps } from './lowering/onnx-ops';
import { lastLine, pythonModuleMissing, runPython } from './python';

/**
 * ONNX export (opset 17): walks the graph and adds each layer's nodes from its lowering
 * (lowering/<family>.ts, built on lowering/onnx-ops.ts).
 */

/** The ONNX model bytes and its parameter count. */
export function onnxModel(info: ModelInfo, title: string): { bytes: Uint8Array; params: number } {
  const g = new OnnxGraph();
  const ops = new OnnxOps(g);
  const tensors = new Map<string, string>();
  for (const i of info.inputs) tensors.set(i.name, g.input(i.name, i.dtype, i.shape));
  for (const layer of info.layers) {
    const xs = layer.inputs.map((n) => {
      const t = tensors.get(n);
      if (!t) throw new ExportError(`${layer.name} is fed by ${n}, which was not exported before it.`, layer.nodeId);
      return t;
    });
    tensors.set(layer.name, lower(layer, 'onnx')(ops, layer, xs));
  }
  info.outputs.forEach((o, i) => {
    const t = tensors.get(o) as string;
    g.output(g.op1('Identity', [t], {}, `${o}_output`), 'float32', info.outputShapes[i] ?? []);
  });
  return { bytes: g.encode(title.replace(/[^A-Za-z0-9_ -]/g, '_') || 'netwright', `${title}: exported from Netwright`), params: g.paramCount() };
}

const CHECKER = `
import sys, onnx
model = onnx.load(sys.argv[1])
onnx.checker.check_model(model, full_check=True)
print("ok", len(model.graph.node), "nodes")
`;

/** The official ONNX checker (Debian's python3-onnx) on a file: null when it passes, else its message. */
export async function onnxChecker(file: string): Promise<ExportCheck> {
  const missing = await pythonModuleMissing('onnx');
  if (missing) return skipped('ONNX checker', missing);
  const r = await runPython(['-c', CHECKER, file], { timeoutMs: 120_000 });
  return r.code === 0 ? passed('ONNX checker', `onnx.checker.check_model(full_check=True): ${lastLine(r.stdout)}`) : failed('ONNX checker', lastLine(r.stderr) || `exit code ${String(r.code)}`);
}

type Ort = typeof import('onnxruntime-node');

/** onnxruntime-node, or why it cannot be loaded here. */
export async function loadOrt(): Promise<Ort | string> {
  try {
    return (await import('onnxruntime-node')) as Ort;
  } catch (error) {
    return `onnxruntime-node is not installed or cannot load (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`;
  }
}

export async function runOnnx(ort: Ort, file: string, ctx: Pick<ExportContext, 'examples'>): Promise<{ shape: number[]; data: Float32Array }[]> {
  const session = await ort.InferenceSession.create(file, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  try {
    const feeds: Record<string, InstanceType<Ort['Tensor']>> = {};
    for (const e of ctx.examples) feeds[e.name] = new ort.Tensor(e.dtype, e.data, e.shape);
    const out = await session.run(feeds);
    return session.outputNames.map((n) => {
      const t = out[n];
      if (!t) throw new Error(`onnxruntime returned no output ${n}`);
      return { shape: [...t.dims], data: Float32Array.from(t.data as Float32Array) };
    });
  } finally {
    await session.release();
  }
}

export async function writeOnnx(ctx: ExportContext): Promise<FormatOutput> {
  const { bytes, params } = onnxModel(ctx.info, ctx.title);
  const file = writeOut(ctx, 'model.onnx', bytes);
  const checks: ExportCheck[] = [];
  if (ctx.selfCheck) {
    checks.push(await onnxChecker(file));
    const ort = await loadOrt();
    if (typeof ort === 'string') checks.push(skipped('onnxruntime-node predictions', ort));
    else {
      try {
        checks.push(predictionCheck('onnxruntime-node predictions', maxDifference(ctx.expected, await runOnnx(ort, file, ctx)), ctx.examples[0]?.shape[0] ?? 0));
      } catch (error) {
        checks.push(failed('onnxruntime-node predictions', error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error)));
      }
    }
    checks.push(params === ctx.info.totalParams ? passed('ONNX parameter count', `${params.toLocaleString('en-US')} in the initializers`) : failed('ONNX parameter count', `${params} in the ONNX initializers, ${ctx.info.totalParams} in Netwright`));
  }
  return { files: [file], checks, exportedParams: params };
}
