import { bool, num, str } from '../../../shared/layers/params';
import { ident, maybeWeight, weightOf, type ExportLayer } from '../model-info';
import { kerasActivation, kerasName, lastDim, optionalState, py, pyActivation, stockLayer, t2, type FamilyLowerings } from './parts';
import type { OnnxOps } from './onnx-ops';
import type { PytorchCode } from './types';

/** Lowerings of shared/layers/specs/dense.ts (Dense; TimeDistributed in recurrent.ts reuses them). */

/** Dense on the last axis: Gemm for rank 2, MatMul + Add otherwise. */
export const onnxDense = (o: OnnxOps, layer: ExportLayer, xs: readonly string[]): string =>
  o.act(str(layer.params, 'activation'), o.dense(xs[0] as string, layer.inputShapes[0]?.length ?? 0, weightOf(layer, 'kernel'), maybeWeight(layer, 'bias'), layer.name, `${layer.name}/dense`), layer);

/** nn.Linear on the last axis (it applies to every time step as it is). */
export function pytorchDense(layer: ExportLayer, xs: readonly string[]): PytorchCode {
  const p = layer.params;
  const m = `self.${ident(layer.name)}`;
  return {
    init: [`${m} = nn.Linear(${lastDim(layer)}, ${num(p, 'units')}, bias=${py(bool(p, 'useBias'))})`],
    forward: pyActivation(str(p, 'activation'), `${m}(${xs[0]})`, layer),
    helpers: [],
    state: [[`${ident(layer.name)}.weight`, t2(weightOf(layer, 'kernel'))], ...optionalState(`${ident(layer.name)}.bias`, maybeWeight(layer, 'bias'))],
  };
}

export const DENSE_LOWERINGS = {
  Dense: {
    keras: (layer, k) => `layers.Dense(${num(layer.params, 'units')}, ${kerasActivation(layer, k)}, use_bias=${py(bool(layer.params, 'useBias'))}, ${kerasName(layer)})`,
    onnx: onnxDense,
    pytorch: pytorchDense,
    tfjs: stockLayer,
  },
} satisfies FamilyLowerings;
