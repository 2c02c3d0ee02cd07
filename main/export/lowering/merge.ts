import { bool, num } from '../../../shared/layers/params';
import type { ExportLayer } from '../model-info';
import { customLayer, forwardOnly, kerasName, py, stockLayer, type FamilyLowerings } from './parts';
import { refuse, type LayerLowering, type OnnxLowering } from './types';

/** Lowerings of shared/layers/specs/merge.ts: element-wise merges, Concatenate and Dot. */

const elementwise = (onnx: OnnxLowering, pytorch: (xs: readonly string[]) => string, tfjsClass: string | null = null): LayerLowering => ({
  keras: (layer) => `layers.${layer.type}(${kerasName(layer)})`,
  onnx,
  pytorch: (_layer, xs) => forwardOnly(pytorch(xs)),
  tfjs: tfjsClass ? customLayer(tfjsClass) : stockLayer,
});

/** One ONNX op over all inputs (Sum, Mean, Max, Min take any number). */
const variadic =
  (op: string): OnnxLowering =>
  (o, layer, xs) =>
    o.g.op1(op, [...xs], {}, layer.name);

/** Dot of two rank-2 or two rank-3 inputs along `axes`, after an optional L2 normalization. */
function dotAxes(layer: ExportLayer): { r1: number; r2: number; ax: number } {
  const r1 = layer.inputShapes[0]?.length ?? 0;
  const r2 = layer.inputShapes[1]?.length ?? 0;
  const axes = num(layer.params, 'axes');
  return { r1, r2, ax: axes < 0 ? r1 + axes : axes };
}

const RANKS = 'Dot of inputs of different ranks is not exported.';

export const MERGE_LOWERINGS = {
  Add: elementwise(variadic('Sum'), (xs) => xs.join(' + ')),
  Subtract: elementwise((o, layer, xs) => o.g.op1('Sub', [xs[0] as string, xs[1] as string], {}, layer.name), (xs) => `${xs[0]} - ${xs[1]}`, 'Subtract'),
  Multiply: elementwise(
    (o, layer, xs) => xs.slice(1).reduce((acc, t, i) => o.g.op1('Mul', [acc, t], {}, `${layer.name}/mul${i}`), xs[0] as string),
    (xs) => xs.join(' * '),
  ),
  Average: elementwise(variadic('Mean'), (xs) => `(${xs.join(' + ')}) / ${xs.length}`),
  Maximum: elementwise(variadic('Max'), (xs) => xs.slice(1).reduce((acc, t) => `torch.maximum(${acc}, ${t})`, xs[0] as string)),
  Minimum: elementwise(variadic('Min'), (xs) => xs.slice(1).reduce((acc, t) => `torch.minimum(${acc}, ${t})`, xs[0] as string)),
  Concatenate: {
    keras: (layer) => `layers.Concatenate(axis=${num(layer.params, 'axis')}, ${kerasName(layer)})`,
    onnx: (o, layer, xs) => o.g.op1('Concat', [...xs], { axis: { i: num(layer.params, 'axis') } }, layer.name),
    pytorch: (layer, xs) => forwardOnly(`torch.cat([${xs.join(', ')}], dim=${num(layer.params, 'axis')})`),
    tfjs: stockLayer,
  },
  Dot: {
    keras: (layer) => `layers.Dot(axes=${num(layer.params, 'axes')}, normalize=${py(bool(layer.params, 'normalize'))}, ${kerasName(layer)})`,
    onnx: (o, layer, xs) => {
      const g = o.g;
      const h = layer.name;
      const { r1, r2, ax } = dotAxes(layer);
      let [a, b] = [xs[0] as string, xs[1] as string];
      if (bool(layer.params, 'normalize')) {
        a = g.op1('LpNormalization', [a], { axis: { i: ax }, p: { i: 2 } }, `${h}/normalize1`);
        b = g.op1('LpNormalization', [b], { axis: { i: ax }, p: { i: 2 } }, `${h}/normalize2`);
      }
      if (r1 === 2 && r2 === 2) return g.op1('ReduceSum', [g.op1('Mul', [a, b], {}, `${h}/mul`), g.constInt64('axis1', [1])], { keepdims: { i: 1 } }, h);
      if (r1 === 3 && r2 === 3) {
        if (ax === 2) return g.op1('MatMul', [a, g.op1('Transpose', [b], { perm: { ints: [0, 2, 1] } }, `${h}/bT`)], {}, h);
        return g.op1('MatMul', [g.op1('Transpose', [a], { perm: { ints: [0, 2, 1] } }, `${h}/aT`), b], {}, h);
      }
      return refuse(layer, 'onnx', RANKS);
    },
    pytorch: (layer, xs) => {
      if (layer.inputShapes.length < 2) refuse(layer, 'pytorch', 'it needs two inputs.');
      const { r1, r2, ax } = dotAxes(layer);
      let [u, v] = [xs[0] as string, xs[1] as string];
      if (bool(layer.params, 'normalize')) {
        u = `F.normalize(${u}, dim=${ax})`;
        v = `F.normalize(${v}, dim=${ax})`;
      }
      if (r1 === 2 && r2 === 2) return forwardOnly(`(${u} * ${v}).sum(dim=1, keepdim=True)`);
      if (r1 === 3 && r2 === 3) return forwardOnly(ax === 2 ? `torch.einsum("btd,bsd->bts", ${u}, ${v})` : `torch.einsum("btd,bte->bde", ${u}, ${v})`);
      return refuse(layer, 'pytorch', RANKS);
    },
    tfjs: stockLayer,
  },
} satisfies FamilyLowerings;
