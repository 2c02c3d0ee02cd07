import * as tf from '@tensorflow/tfjs';
import { allocate, floatView, release, runKernel, type KernelBackend } from './access';

/**
 * Convolution gradients for NHWC tensors, as im2col / col2im loops over typed arrays plus
 * the backend's own (fast, XNNPACK on wasm) BatchMatMul. Dilations are honoured.
 */

type Shape4 = [number, number, number, number];
type Pad = 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;
type Rounding = 'floor' | 'round' | 'ceil' | undefined;

interface ConvAttrs {
  strides: number | [number, number];
  pad: Pad;
  dataFormat?: 'NHWC' | 'NCHW';
  dimRoundingMode?: Rounding;
  dilations?: number | [number, number];
}

function assertNhwc(kernel: string, dataFormat: string | undefined): void {
  if (dataFormat !== undefined && dataFormat !== 'NHWC') {
    throw new Error(`${kernel}: only channels-last (NHWC) data is supported on this backend, got ${dataFormat}.`);
  }
}

function info4(xShape: number[], filterShape: number[], attrs: ConvAttrs, depthwise: boolean): tf.backend_util.Conv2DInfo {
  return tf.backend_util.computeConv2DInfo(
    xShape as Shape4,
    filterShape as Shape4,
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad,
    attrs.dimRoundingMode,
    depthwise,
    'channelsLast',
  );
}

/** Writes the im2col matrix [N*outH*outW, fh*fw*C] of x into `cols`. */
function im2col(x: Float32Array, cols: Float32Array, c: tf.backend_util.Conv2DInfo): void {
  const { batchSize: N, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = c;
  const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw, filterHeight: FH, filterWidth: FW } = c;
  const top = c.padInfo.top;
  const left = c.padInfo.left;
  let o = 0;
  for (let n = 0; n < N; n++) {
    const xn = n * H * W * C;
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        for (let fh = 0; fh < FH; fh++) {
          const ih = oh * sh + fh * dh - top;
          const rowOk = ih >= 0 && ih < H;
          for (let fw = 0; fw < FW; fw++) {
            const iw = ow * sw + fw * dw - left;
            // Scalar loops: subarray + set per tap was 4x slower for small C.
            if (rowOk && iw >= 0 && iw < W) {
              const src = xn + (ih * W + iw) * C;
              for (let ch = 0; ch < C; ch++) cols[o + ch] = x[src + ch] as number;
            } else {
              for (let ch = 0; ch < C; ch++) cols[o + ch] = 0;
            }
            o += C;
          }
        }
      }
    }
  }
}

/** Adds the col2im of `cols` [N*outH*outW, fh*fw*C] into dx (which must start zeroed). */
function col2im(cols: Float32Array, dx: Float32Array, c: tf.backend_util.Conv2DInfo): void {
  const { batchSize: N, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = c;
  const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw, filterHeight: FH, filterWidth: FW } = c;
  const top = c.padInfo.top;
  const left = c.padInfo.left;
  let o = 0;
  for (let n = 0; n < N; n++) {
    const xn = n * H * W * C;
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        for (let fh = 0; fh < FH; fh++) {
          const ih = oh * sh + fh * dh - top;
          const rowOk = ih >= 0 && ih < H;
          for (let fw = 0; fw < FW; fw++) {
            const iw = ow * sw + fw * dw - left;
            if (rowOk && iw >= 0 && iw < W) {
              const dst = xn + (ih * W + iw) * C;
              for (let ch = 0; ch < C; ch++) dx[dst + ch] = (dx[dst + ch] as number) + (cols[o + ch] as number);
            }
            o += C;
          }
        }
      }
    }
  }
}

/** out[j*rows + i] = src[i*cols + j] */
function transpose2d(src: Float32Array, out: Float32Array, rows: number, cols: number): void {
  for (let i = 0; i < rows; i++) {
    const r = i * cols;
    for (let j = 0; j < cols; j++) out[j * rows + i] = src[r + j] as number;
  }
}

interface BackpropFilterAttrs extends ConvAttrs {
  filterShape: Shape4;
}

/** dW[fh,fw,C,O] = im2col(x)^T · dy, computed as (dy^T · im2col(x))^T: plain matmuls are ~10x faster than transposed ones on wasm. */
export function conv2DBackpropFilter(args: { inputs: tf.NamedTensorInfoMap; backend: KernelBackend; attrs: tf.NamedAttrMap }): tf.TensorInfo {
  const { backend } = args;
  const x = args.inputs['x'] as tf.TensorInfo;
  const dy = args.inputs['dy'] as tf.TensorInfo;
  const attrs = args.attrs as unknown as BackpropFilterAttrs;
  assertNhwc('Conv2DBackpropFilter', attrs.dataFormat);
  const c = info4(x.shape, attrs.filterShape, { ...attrs, dilations: 1 }, false);
  const P = c.batchSize * c.outHeight * c.outWidth;
  const K = c.filterHeight * c.filterWidth * c.inChannels;
  const O = c.outChannels;
  const cols = allocate(backend, [1, P, K], 'float32');
  const dyT = allocate(backend, [1, O, P], 'float32');
  im2col(floatView(backend, x), floatView(backend, cols), c);
  transpose2d(floatView(backend, dy), floatView(backend, dyT), P, O);
  const dwT = runKernel(backend, 'BatchMatMul', { a: dyT, b: cols }, { transposeA: false, transposeB: false });
  release(backend, cols);
  release(backend, dyT);
  const dw = allocate(backend, [...attrs.filterShape], 'float32');
  transpose2d(floatView(backend, dwT), floatView(backend, dw), O, K);
  release(backend, dwT);
  return dw;
}

interface BackpropInputAttrs extends ConvAttrs {
  inputShape: Shape4;
}

/** dx = col2im(dy · W^T). */
export function conv2DBackpropInput(args: { inputs: tf.NamedTensorInfoMap; backend: KernelBackend; attrs: tf.NamedAttrMap }): tf.TensorInfo {
  const { backend } = args;
  const dy = args.inputs['dy'] as tf.TensorInfo;
  const filter = args.inputs['filter'] as tf.TensorInfo;
  const attrs = args.attrs as unknown as BackpropInputAttrs;
  assertNhwc('Conv2DBackpropInput', attrs.dataFormat);
  const c = info4(attrs.inputShape, filter.shape, { ...attrs, dilations: 1 }, false);
  const P = c.batchSize * c.outHeight * c.outWidth;
  const K = c.filterHeight * c.filterWidth * c.inChannels;
  const O = c.outChannels;
  const wT = allocate(backend, [1, O, K], 'float32');
  transpose2d(floatView(backend, filter), floatView(backend, wT), K, O);
  const cols = runKernel(backend, 'BatchMatMul', { a: { ...dy, shape: [1, P, O] }, b: wT }, { transposeA: false, transposeB: false });
  release(backend, wT);
  const dx = allocate(backend, [...attrs.inputShape], 'float32');
  const dxv = floatView(backend, dx);
  dxv.fill(0);
  col2im(floatView(backend, cols), dxv, c);
  release(backend, cols);
  return dx;
}

/** Depthwise filter gradient: dW[fh,fw,c,m] = Σ x[n, ih, iw, c] · dy[n, oh, ow, c·M + m]. */
export function depthwiseBackpropFilter(args: { inputs: tf.NamedTensorInfoMap; backend: KernelBackend; attrs: tf.NamedAttrMap }): tf.TensorInfo {
  const { backend } = args;
  const x = args.inputs['x'] as tf.TensorInfo;
  const dy = args.inputs['dy'] as tf.TensorInfo;
  const attrs = args.attrs as unknown as BackpropFilterAttrs;
  const c = info4(x.shape, attrs.filterShape, attrs, true);
  const dw = allocate(backend, [...attrs.filterShape], 'float32');
  const out = floatView(backend, dw);
  out.fill(0);
  const xv = floatView(backend, x);
  const dyv = floatView(backend, dy);
  const { batchSize: N, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW, outChannels: OC } = c;
  const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dwd, filterHeight: FH, filterWidth: FW } = c;
  const M = OC / C;
  const top = c.padInfo.top;
  const left = c.padInfo.left;
  for (let n = 0; n < N; n++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        const dyBase = ((n * OH + oh) * OW + ow) * OC;
        for (let fh = 0; fh < FH; fh++) {
          const ih = oh * sh + fh * dh - top;
          if (ih < 0 || ih >= H) continue;
          for (let fw = 0; fw < FW; fw++) {
            const iw = ow * sw + fw * dwd - left;
            if (iw < 0 || iw >= W) continue;
            const xBase = ((n * H + ih) * W + iw) * C;
            const wBase = (fh * FW + fw) * OC;
            for (let ch = 0; ch < C; ch++) {
              const xval = xv[xBase + ch] as number;
              const o = ch * M;
              for (let m = 0; m < M; m++) out[wBase + o + m] = (out[wBase + o + m] as number) + xval * (dyv[dyBase + o + m] as number);
            }
          }
        }
      }
    }
  }
  return dw;
}

/** Depthwise input gradient: dx[n, ih, iw, c] = Σ W[fh,fw,c,m] · dy[n, oh, ow, c·M + m]. */
export function depthwiseBackpropInput(args: { inputs: tf.NamedTensorInfoMap; backend: KernelBackend; attrs: tf.NamedAttrMap }): tf.TensorInfo {
  const { backend } = args;
  const dy = args.inputs['dy'] as tf.TensorInfo;
  const filter = args.inputs['filter'] as tf.TensorInfo;
  const attrs = args.attrs as unknown as BackpropInputAttrs;
  const c = info4(attrs.inputShape, filter.shape, attrs, true);
  const dx = allocate(backend, [...attrs.inputShape], 'float32');
  const out = floatView(backend, dx);
  out.fill(0);
  const wv = floatView(backend, filter);
  const dyv = floatView(backend, dy);
  const { batchSize: N, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW, outChannels: OC } = c;
  const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dwd, filterHeight: FH, filterWidth: FW } = c;
  const M = OC / C;
  const top = c.padInfo.top;
  const left = c.padInfo.left;
  for (let n = 0; n < N; n++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        const dyBase = ((n * OH + oh) * OW + ow) * OC;
        for (let fh = 0; fh < FH; fh++) {
          const ih = oh * sh + fh * dh - top;
          if (ih < 0 || ih >= H) continue;
          for (let fw = 0; fw < FW; fw++) {
            const iw = ow * sw + fw * dwd - left;
            if (iw < 0 || iw >= W) continue;
            const xBase = ((n * H + ih) * W + iw) * C;
            const wBase = (fh * FW + fw) * OC;
            for (let ch = 0; ch < C; ch++) {
              const o = ch * M;
              let acc = 0;
              for (let m = 0; m < M; m++) acc += (wv[wBase + o + m] as number) * (dyv[dyBase + o + m] as number);
              out[xBase + ch] = (out[xBase + ch] as number) + acc;
            }
          }
        }
      }
    }
  }
  return dx;
}

interface PoolAttrs {
  filterSize: number | [number, number];
  strides: number | [number, number];
  pad: Pad;
  dimRoundingMode?: Rounding;
}

/**
 * MaxPool gradient: each output's gradient goes to the first maximum of its window
 * (row-major scan, strictly greater wins), as tfjs's cpu kernel does.
 */
export function maxPoolGrad(args: { inputs: tf.NamedTensorInfoMap; backend: KernelBackend; attrs: tf.NamedAttrMap }): tf.TensorInfo {
  const { backend } = args;
  const dy = args.inputs['dy'] as tf.TensorInfo;
  const x = args.inputs['input'] as tf.TensorInfo;
  const attrs = args.attrs as unknown as PoolAttrs;
  const c = tf.backend_util.computePool2DInfo(x.shape as Shape4, attrs.filterSize, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);
  const dx = allocate(backend, [...x.shape], 'float32');
  const out = floatView(backend, dx);
  out.fill(0);
  const xv = floatView(backend, x);
  const dyv = floatView(backend, dy);
  const { batchSize: N, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = c;
  const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dwd, effectiveFilterHeight: EFH, effectiveFilterWidth: EFW } = c;
  const top = c.padInfo.top;
  const left = c.padInfo.left;
  // Channels innermost, so every read is contiguous.
  const best = new Float32Array(C);
  const at = new Int32Array(C);
  for (let n = 0; n < N; n++) {
    for (let oh = 0; oh < OH; oh++) {
      const h0 = oh * sh - top;
      for (let ow = 0; ow < OW; ow++) {
        const w0 = ow * sw - left;
        at.fill(-1);
        for (let fh = 0; fh < EFH; fh += dh) {
          const ih = h0 + fh;
          if (ih < 0 || ih >= H) continue;
          for (let fw = 0; fw < EFW; fw += dwd) {
            const iw = w0 + fw;
            if (iw < 0 || iw >= W) continue;
            const base = ((n * H + ih) * W + iw) * C;
            for (let ch = 0; ch < C; ch++) {
              const v = xv[base + ch] as number;
              if ((at[ch] as number) < 0 || v > (best[ch] as number)) {
                best[ch] = v;
                at[ch] = base + ch;
              }
            }
          }
        }
        const dyBase = ((n * OH + oh) * OW + ow) * C;
        for (let ch = 0; ch < C; ch++) {
          const i = at[ch] as number;
          if (i >= 0) out[i] = (out[i] as number) + (dyv[dyBase + ch] as number);
        }
      }
    }
  }
  return dx;
}

/**
 * ResizeNearestNeighbor's gradient as the exact adjoint of tfjs's forward resize (same source-pixel
 * formula as the cpu kernel). Stock wasm's kernel disagrees with it when halfPixelCenters is set,
 * which UpSampling2D uses: its gradients were wrong on wasm.
 */
export function resizeNearestNeighborGrad(args: { inputs: tf.NamedTensorInfoMap; backend: KernelBackend; attrs: tf.NamedAttrMap }): tf.TensorInfo {
  const { backend } = args;
  const images = args.inputs['images'] as tf.TensorInfo;
  const dy = args.inputs['dy'] as tf.TensorInfo;
  const alignCorners = args.attrs['alignCorners'] === true;
  const halfPixelCenters = args.attrs['halfPixelCenters'] === true;
  const [N, inH, inW, C] = images.shape as Shape4;
  const [, outH, outW] = dy.shape as Shape4;
  const dx = allocate(backend, [N, inH, inW, C], 'float32');
  const out = floatView(backend, dx);
  out.fill(0);
  const dyv = floatView(backend, dy);
  const rowRatio = (alignCorners && outH > 1 ? inH - 1 : inH) / (alignCorners && outH > 1 ? outH - 1 : outH);
  const colRatio = (alignCorners && outW > 1 ? inW - 1 : inW) / (alignCorners && outW > 1 ? outW - 1 : outW);
  const source = (i: number, ratio: number, size: number): number => {
    const frac = halfPixelCenters ? ratio * (i + 0.5) : ratio * i;
    const nearest = Math.min(size - 1, alignCorners ? Math.round(frac) : Math.floor(frac));
    return halfPixelCenters ? Math.max(0, nearest) : nearest;
  };
  const srcCol = Array.from({ length: outW }, (_, x) => source(x, colRatio, inW));
  for (let n = 0; n < N; n++) {
    for (let y = 0; y < outH; y++) {
      const sy = source(y, rowRatio, inH);
      for (let x = 0; x < outW; x++) {
        const dst = ((n * inH + sy) * inW + (srcCol[x] as number)) * C;
        const src = ((n * outH + y) * outW + x) * C;
        for (let ch = 0; ch < C; ch++) out[dst + ch] = (out[dst + ch] as number) + (dyv[src + ch] as number);
      }
    }
  }
  return dx;
}
