import { pair } from '../../../shared/layers/common';
import { bool, intsParam, num, str } from '../../../shared/layers/params';
import { ident, maybeWeight, permute, weightOf, type ExportLayer } from '../model-info';
import type { Attr } from '../onnx-graph';
import type { OnnxOps } from './onnx-ops';
import { depthwiseWeight, kerasActivation, kerasName, lastDim, optionalState, perm, py, pyActivation, stockLayer, type FamilyLowerings } from './parts';
import type { KerasContext, PytorchCode } from './types';

/**
 * Lowerings of shared/layers/specs/conv.ts. Tensors stay channels-last: ONNX wraps each
 * convolution in Transposes, PyTorch's helpers (conv2d_nhwc...) permute around torch's ops.
 */

const p2 = (layer: ExportLayer, name: string) => pair(intsParam(layer.params, name));
const useBias = (layer: ExportLayer) => `use_bias=${py(bool(layer.params, 'useBias'))}`;
const kerasConv2 = (layer: ExportLayer) => `kernel_size=${py(p2(layer, 'kernelSize'))}, strides=${py(p2(layer, 'strides'))}, padding=${py(str(layer.params, 'padding'))}`;
const kerasTail = (layer: ExportLayer, k: KerasContext) => `${kerasActivation(layer, k)}, ${useBias(layer)}, ${kerasName(layer)}`;

/** Conv, depthwise and separable convolutions (1D and 2D) in ONNX. */
function onnxConv(o: OnnxOps, layer: ExportLayer, xs: readonly string[]): string {
  const g = o.g;
  const p = layer.params;
  const h = layer.name;
  const x = xs[0] as string;
  const rank = layer.inputShapes[0]?.length ?? 0;
  const two = layer.type !== 'Conv1D';
  const ks = two ? p2(layer, 'kernelSize') : [num(p, 'kernelSize')];
  const strides = two ? p2(layer, 'strides') : [num(p, 'strides')];
  const dil = two ? p2(layer, 'dilationRate') : [num(p, 'dilationRate')];
  const attrs: Record<string, Attr> = { kernel_shape: { ints: ks }, strides: { ints: strides }, dilations: { ints: dil } };
  if (str(p, 'padding') === 'same') attrs['auto_pad'] = { s: 'SAME_UPPER' };
  else attrs['pads'] = { ints: ks.flatMap(() => [0]).concat(ks.map(() => 0)) };
  const bias = maybeWeight(layer, 'bias');
  const biasInput = () => (bias ? [g.weight(`${h}/bias`, bias.shape, bias.data)] : []);
  let y = o.nchw(x, rank, h);
  if (layer.type === 'Conv1D' || layer.type === 'Conv2D') {
    const k = weightOf(layer, 'kernel');
    const w = permute(k.data, k.shape, two ? [3, 2, 0, 1] : [2, 1, 0]);
    y = g.op1('Conv', [y, g.weight(`${h}/kernel`, w.shape, w.data), ...biasInput()], attrs, `${h}/conv`);
  } else {
    const dw = weightOf(layer, 'depthwise_kernel');
    const [kh, kw, cin, dm] = dw.shape as [number, number, number, number];
    const w = permute(dw.data, [kh, kw, cin * dm], [2, 0, 1]);
    const dwName = g.weight(`${h}/depthwise_kernel`, [cin * dm, 1, kh, kw], w.data);
    const groups = { ...attrs, group: { i: cin } };
    if (layer.type === 'DepthwiseConv2D') {
      y = g.op1('Conv', [y, dwName, ...biasInput()], groups, `${h}/depthwise`);
    } else {
      y = g.op1('Conv', [y, dwName], groups, `${h}/depthwise`);
      const pw = weightOf(layer, 'pointwise_kernel');
      const pwT = permute(pw.data, pw.shape, [3, 2, 0, 1]);
      y = g.op1('Conv', [y, g.weight(`${h}/pointwise_kernel`, pwT.shape, pwT.data), ...biasInput()], { kernel_shape: { ints: [1, 1] } }, `${h}/pointwise`);
    }
  }
  return o.act(str(p, 'activation'), o.nhwc(y, rank, h), layer);
}

/** Conv1D and Conv2D as nn.Conv1d / nn.Conv2d around channels-last helpers. */
function pytorchConv(layer: ExportLayer, xs: readonly string[]): PytorchCode {
  const p = layer.params;
  const m = `self.${ident(layer.name)}`;
  const a = xs[0] as string;
  const two = layer.type === 'Conv2D';
  const ks = two ? p2(layer, 'kernelSize') : [num(p, 'kernelSize')];
  const st = two ? p2(layer, 'strides') : [num(p, 'strides')];
  const dl = two ? p2(layer, 'dilationRate') : [num(p, 'dilationRate')];
  const same = str(p, 'padding') === 'same';
  const call = two ? `conv2d_nhwc(${a}, ${py(same)}, ${m})` : `conv1d_nlc(${a}, ${m}, ${py(same)})`;
  return {
    init: [`${m} = nn.Conv${two ? 2 : 1}d(${lastDim(layer)}, ${num(p, 'filters')}, ${py(ks)}, stride=${py(st)}, dilation=${py(dl)}, bias=${py(bool(p, 'useBias'))})`],
    forward: pyActivation(str(p, 'activation'), call, layer),
    helpers: [two ? 'conv2d' : 'conv1d'],
    state: [[`${ident(layer.name)}.weight`, perm(weightOf(layer, 'kernel'), two ? [3, 2, 0, 1] : [2, 1, 0])], ...optionalState(`${ident(layer.name)}.bias`, maybeWeight(layer, 'bias'))],
  };
}

/** DepthwiseConv2D (one grouped conv) and SeparableConv2D (grouped then 1x1). */
function pytorchDepthwise(layer: ExportLayer, xs: readonly string[]): PytorchCode {
  const p = layer.params;
  const m = `self.${ident(layer.name)}`;
  const a = xs[0] as string;
  const cin = lastDim(layer);
  const dm = num(p, 'depthMultiplier');
  const dw = weightOf(layer, 'depthwise_kernel');
  const b = maybeWeight(layer, 'bias');
  const ks = p2(layer, 'kernelSize');
  const common = `stride=${py(p2(layer, 'strides'))}, dilation=${py(p2(layer, 'dilationRate'))}, groups=${cin}`;
  const same = py(str(p, 'padding') === 'same');
  const name = ident(layer.name);
  if (layer.type === 'DepthwiseConv2D') {
    return {
      init: [`${m} = nn.Conv2d(${cin}, ${cin * dm}, ${py(ks)}, ${common}, bias=${py(bool(p, 'useBias'))})`],
      forward: pyActivation(str(p, 'activation'), `conv2d_nhwc(${a}, ${same}, ${m})`, layer),
      helpers: ['conv2d'],
      state: [[`${name}.weight`, depthwiseWeight(dw)], ...optionalState(`${name}.bias`, b)],
    };
  }
  const pw = weightOf(layer, 'pointwise_kernel');
  return {
    init: [
      `${m}_depthwise = nn.Conv2d(${cin}, ${cin * dm}, ${py(ks)}, ${common}, bias=False)`,
      `${m}_pointwise = nn.Conv2d(${cin * dm}, ${num(p, 'filters')}, 1, bias=${py(bool(p, 'useBias'))})`,
    ],
    forward: pyActivation(str(p, 'activation'), `conv2d_nhwc(${a}, ${same}, ${m}_depthwise, ${m}_pointwise)`, layer),
    helpers: ['conv2d'],
    state: [[`${name}_depthwise.weight`, depthwiseWeight(dw)], [`${name}_pointwise.weight`, perm(pw, [3, 2, 0, 1])], ...optionalState(`${name}_pointwise.bias`, b)],
  };
}

export const CONV_LOWERINGS = {
  Conv1D: {
    keras: (layer, k) => {
      const p = layer.params;
      return `layers.Conv1D(${num(p, 'filters')}, kernel_size=${num(p, 'kernelSize')}, strides=${num(p, 'strides')}, padding=${py(str(p, 'padding'))}, dilation_rate=${num(p, 'dilationRate')}, ${kerasTail(layer, k)})`;
    },
    onnx: onnxConv,
    pytorch: pytorchConv,
    tfjs: stockLayer,
  },
  Conv2D: {
    keras: (layer, k) => `layers.Conv2D(${num(layer.params, 'filters')}, ${kerasConv2(layer)}, dilation_rate=${py(p2(layer, 'dilationRate'))}, ${kerasTail(layer, k)})`,
    onnx: onnxConv,
    pytorch: pytorchConv,
    tfjs: stockLayer,
  },
  Conv2DTranspose: {
    keras: (layer, k) => `layers.Conv2DTranspose(${num(layer.params, 'filters')}, ${kerasConv2(layer)}, ${kerasTail(layer, k)})`,
    onnx: (o, layer, xs) => {
      const g = o.g;
      const p = layer.params;
      const h = layer.name;
      const k = weightOf(layer, 'kernel');
      const bias = maybeWeight(layer, 'bias');
      const [kh, kw] = p2(layer, 'kernelSize');
      const [sh, sw] = p2(layer, 'strides');
      const same = str(p, 'padding') === 'same';
      const padH = same ? Math.max(kh - sh, 0) : 0;
      const padW = same ? Math.max(kw - sw, 0) : 0;
      const w = permute(k.data, k.shape, [3, 2, 0, 1]);
      const attrs: Record<string, Attr> = {
        kernel_shape: { ints: [kh, kw] },
        strides: { ints: [sh, sw] },
        // TensorFlow's 'same' crops the odd pixel at the end; a kernel smaller than the stride pads zeros at the end.
        pads: { ints: [Math.floor(padH / 2), Math.floor(padW / 2), padH - Math.floor(padH / 2), padW - Math.floor(padW / 2)] },
        output_padding: { ints: [Math.max(sh - kh, 0), Math.max(sw - kw, 0)] },
      };
      const y = g.op1('ConvTranspose', [o.nchw(xs[0] as string, 4, h), g.weight(`${h}/kernel`, w.shape, w.data), ...(bias ? [g.weight(`${h}/bias`, bias.shape, bias.data)] : [])], attrs, `${h}/deconv`);
      return o.act(str(p, 'activation'), o.nhwc(y, 4, h), layer);
    },
    pytorch: (layer, xs) => {
      const p = layer.params;
      const m = `self.${ident(layer.name)}`;
      const same = str(p, 'padding') === 'same';
      return {
        init: [`${m} = nn.ConvTranspose2d(${lastDim(layer)}, ${num(p, 'filters')}, ${py(p2(layer, 'kernelSize'))}, stride=${py(p2(layer, 'strides'))}, bias=${py(bool(p, 'useBias'))})`],
        forward: pyActivation(str(p, 'activation'), `conv_transpose2d_nhwc(${m}, ${xs[0]}, ${py(same)})`, layer),
        helpers: ['convTranspose2d'],
        state: [[`${ident(layer.name)}.weight`, perm(weightOf(layer, 'kernel'), [3, 2, 0, 1])], ...optionalState(`${ident(layer.name)}.bias`, maybeWeight(layer, 'bias'))],
      };
    },
    tfjs: stockLayer,
  },
  SeparableConv2D: {
    keras: (layer, k) =>
      `layers.SeparableConv2D(${num(layer.params, 'filters')}, ${kerasConv2(layer)}, dilation_rate=${py(p2(layer, 'dilationRate'))}, depth_multiplier=${num(layer.params, 'depthMultiplier')}, ${kerasTail(layer, k)})`,
    onnx: onnxConv,
    pytorch: pytorchDepthwise,
    tfjs: stockLayer,
  },
  DepthwiseConv2D: {
    keras: (layer, k) => `layers.DepthwiseConv2D(${kerasConv2(layer)}, depth_multiplier=${num(layer.params, 'depthMultiplier')}, dilation_rate=${py(p2(layer, 'dilationRate'))}, ${kerasTail(layer, k)})`,
    onnx: onnxConv,
    pytorch: pytorchDepthwise,
    tfjs: stockLayer,
  },
} satisfies FamilyLowerings;
