import * as tf from '@tensorflow/tfjs';
import { allocate, floatView, release, runKernel } from './access';
import { bindingOf, NativeStepProduct, nodeBackend, runNativeOp } from './native-binding';

/**
 * Whole-sequence LSTM and GRU with a hand-written gradient (tf.customGrad).
 *
 * tfjs-layers unrolls a recurrent layer into ~15 small ops per step forward and ~40 backward
 * (plus an Unpack of the sequence): at length 100 a step of Embedding+LSTM ran ~4,000 tiny
 * kernels. Here the input projections of all steps are one matmul, the recurrence runs as
 * plain loops over Float32Arrays (B×H×G multiply-adds per step), and the weight gradients are
 * three matmuls over all steps. The math and gate layouts are tfjs-layers' own
 * (LSTM gates i, f, c, o; GRU gates z, r, h, the reset gate before or after the recurrent
 * product), so weights are interchangeable with the stock layers.
 */

export type RecurrentActivation = 'sigmoid' | 'hardSigmoid';

export interface FusedRnnOptions {
  readonly units: number;
  readonly recurrentActivation: RecurrentActivation;
  readonly returnSequences: boolean;
  readonly goBackwards: boolean;
}

function recAct(kind: RecurrentActivation): (x: number) => number {
  return kind === 'sigmoid' ? (x) => 1 / (1 + Math.exp(-x)) : (x) => Math.min(1, Math.max(0, 0.2 * x + 0.5));
}

/** Derivative of the recurrent activation, from its output y. */
function recActGrad(kind: RecurrentActivation): (y: number) => number {
  return kind === 'sigmoid' ? (y) => y * (1 - y) : (y) => (y > 0 && y < 1 ? 0.2 : 0);
}

/** x [B,T,F] to step-major [T·B, F], reversed in time for goBackwards. */
function stepMajor(x: tf.Tensor, goBackwards: boolean): tf.Tensor2D {
  const [B, T, F] = x.shape as [number, number, number];
  const xs = goBackwards ? tf.reverse(x, 1) : x;
  return tf.reshape(tf.transpose(xs, [1, 0, 2]), [T * B, F]);
}

/** Inverse of stepMajor for a [T·B, F] gradient. */
function fromStepMajor(d: tf.Tensor, B: number, T: number, goBackwards: boolean): tf.Tensor {
  const F = d.shape[1] as number;
  const bt = tf.transpose(tf.reshape(d, [T, B, F]), [1, 0, 2]);
  return goBackwards ? tf.reverse(bt, 1) : bt;
}

/** dy of the layer output as step-major [T, B, H] values (zeros except the last step when only it is returned). */
function outputGrad(dy: tf.Tensor, B: number, T: number, H: number, returnSequences: boolean): Float32Array {
  if (returnSequences) return tf.tidy(() => tf.transpose(dy, [1, 0, 2]).dataSync() as Float32Array);
  const out = new Float32Array(T * B * H);
  out.set(dy.dataSync() as Float32Array, (T - 1) * B * H);
  return out;
}

/** Output tensor from step-major hidden states hs [(T+1)·B·H] (hs[0] is the zero state). */
function outputTensor(hs: Float32Array, B: number, T: number, H: number, returnSequences: boolean): tf.Tensor {
  if (!returnSequences) return tf.tensor2d(hs.slice(T * B * H), [B, H]);
  return tf.tidy(() => tf.transpose(tf.tensor3d(hs.subarray(B * H), [T, B, H]), [1, 0, 2]));
}

/**
 * Per-step products a[B, K] · w[K, n], added into a strided block of `out`. Runs the backend's
 * own BatchMatMul kernel (XNNPACK on wasm) on buffers allocated once, without creating tensors:
 * a JS loop ran at ~0.2-0.5 GFLOP/s, and a tf.matMul per step paid the engine's overhead.
 */
class BackendStepProduct {
  private readonly backend = tf.backend();
  private readonly w: tf.TensorInfo;
  private readonly a: tf.TensorInfo;
  readonly n: number;

  constructor(weights: Float32Array, private readonly B: number, private readonly K: number, n: number) {
    this.n = n;
    this.w = allocate(this.backend, [1, K, n], 'float32');
    floatView(this.backend, this.w).set(weights);
    this.a = allocate(this.backend, [1, B, K], 'float32');
  }

  addInto(a: Float32Array, out: Float32Array, outOff: number, outStride: number): void {
    floatView(this.backend, this.a).set(a.length === this.B * this.K ? a : a.subarray(0, this.B * this.K));
    const product = runKernel(this.backend, 'BatchMatMul', { a: this.a, b: this.w }, { transposeA: false, transposeB: false });
    const p = floatView(this.backend, product);
    const { n, B } = this;
    for (let b = 0; b < B; b++) {
      const ob = outOff + b * outStride;
      const pb = b * n;
      for (let j = 0; j < n; j++) out[ob + j] = (out[ob + j] as number) + (p[pb + j] as number);
    }
    release(this.backend, product);
  }

  dispose(): void {
    release(this.backend, this.w);
    release(this.backend, this.a);
  }
}

interface StepProductLike {
  addInto(a: Float32Array, out: Float32Array, outOff: number, outStride: number): void;
  dispose(): void;
}

/** The per-step product on the active backend: its BatchMatMul kernel, or TensorFlow's MatMul through tfjs-node's binding. */
function stepProduct(weights: Float32Array, B: number, K: number, n: number): StepProductLike {
  const binding = bindingOf();
  return binding ? new NativeStepProduct(binding, weights, B, K, n) : new BackendStepProduct(weights, B, K, n);
}

/** Columns [col, col + n) of a row-major [rows, stride] matrix, optionally transposed to [n, rows]. */
function columns(m: Float32Array, rows: number, stride: number, col: number, n: number, transpose: boolean): Float32Array {
  const out = new Float32Array(rows * n);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < n; j++) out[transpose ? j * rows + r : r * n + j] = m[r * stride + col + j] as number;
  }
  return out;
}

/** Rows [offset, offset + B·stride) of d, columns [col, col + n), as a dense [B, n] array. */
function block(d: Float32Array, offset: number, B: number, stride: number, col: number, n: number): Float32Array {
  if (col === 0 && n === stride) return d.subarray(offset, offset + B * n);
  const out = new Float32Array(B * n);
  for (let b = 0; b < B; b++) out.set(d.subarray(offset + b * stride + col, offset + b * stride + col + n), b * n);
  return out;
}

/**
 * LSTM over a whole sequence. x [B,T,F], kernel [F,4H], recurrentKernel [H,4H], bias [4H].
 * Returns [B,H] (last state) or [B,T,H].
 */
export function fusedLstm(x: tf.Tensor, kernel: tf.Tensor, recurrentKernel: tf.Tensor, bias: tf.Tensor, opts: FusedRnnOptions): tf.Tensor {
  if (opts.recurrentActivation === 'sigmoid' && nodeBackend()) return blockLstm(x, kernel, recurrentKernel, bias, opts);
  const [B, T] = x.shape as [number, number, number];
  const H = opts.units;
  const G = 4 * H;
  const act = recAct(opts.recurrentActivation);
  const actGrad = recActGrad(opts.recurrentActivation);
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xt, k, rk, bt, save] = args as [tf.Tensor, tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.GradSaveFunc];
    const xs = stepMajor(xt, opts.goBackwards);
    // The forward pass runs in a tidy; xs and the kernel must be saved to outlive it.
    save([xs, k]);
    const gates = tf.tidy(() => tf.add(tf.matMul(xs, k), bt)).dataSync() as Float32Array; // [T·B, 4H] pre-activations, then activations in place
    const U = rk.dataSync() as Float32Array;
    const hU = stepProduct(U, B, H, G);
    const hs = new Float32Array((T + 1) * B * H);
    const cs = new Float32Array((T + 1) * B * H);
    for (let s = 0; s < T; s++) {
      const zOff = s * B * G;
      const prev = s * B * H;
      if (s > 0) hU.addInto(hs.subarray(prev, prev + B * H), gates, zOff, G);
      for (let b = 0; b < B; b++) {
        const z = zOff + b * G;
        const o = prev + b * H;
        for (let j = 0; j < H; j++) {
          const ig = act(gates[z + j] as number);
          const fg = act(gates[z + H + j] as number);
          const gg = Math.tanh(gates[z + 2 * H + j] as number);
          const og = act(gates[z + 3 * H + j] as number);
          gates[z + j] = ig;
          gates[z + H + j] = fg;
          gates[z + 2 * H + j] = gg;
          gates[z + 3 * H + j] = og;
          const c = fg * (cs[o + j] as number) + ig * gg;
          cs[o + B * H + j] = c;
          hs[o + B * H + j] = og * Math.tanh(c);
        }
      }
    }
    hU.dispose();
    const value = outputTensor(hs, B, T, H, opts.returnSequences);
    const gradFunc = (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]): tf.Tensor[] => {
      const [xsSaved, kSaved] = saved as [tf.Tensor2D, tf.Tensor2D];
      const dyv = outputGrad(dy as tf.Tensor, B, T, H, opts.returnSequences);
      const dZ = new Float32Array(T * B * G);
      const dh = new Float32Array(B * H);
      const dc = new Float32Array(B * H);
      const dzUT = stepProduct(columns(U, H, G, 0, G, true), B, G, H);
      for (let s = T - 1; s >= 0; s--) {
        const zOff = s * B * G;
        const prev = s * B * H;
        for (let i = 0; i < B * H; i++) dh[i] = (dh[i] as number) + (dyv[prev + i] as number);
        for (let b = 0; b < B; b++) {
          const z = zOff + b * G;
          const o = prev + b * H;
          for (let j = 0; j < H; j++) {
            const ig = gates[z + j] as number;
            const fg = gates[z + H + j] as number;
            const gg = gates[z + 2 * H + j] as number;
            const og = gates[z + 3 * H + j] as number;
            const tc = Math.tanh(cs[o + B * H + j] as number);
            const dhj = dh[b * H + j] as number;
            const dcj = (dc[b * H + j] as number) + dhj * og * (1 - tc * tc);
            dZ[z + j] = dcj * gg * actGrad(ig);
            dZ[z + H + j] = dcj * (cs[o + j] as number) * actGrad(fg);
            dZ[z + 2 * H + j] = dcj * ig * (1 - gg * gg);
            dZ[z + 3 * H + j] = dhj * tc * actGrad(og);
            dc[b * H + j] = dcj * fg;
          }
        }
        dh.fill(0);
        if (s > 0) dzUT.addInto(dZ.subarray(zOff, zOff + B * G), dh, 0, H);
      }
      dzUT.dispose();
      return tf.tidy(() => {
        const dz = tf.tensor2d(dZ, [T * B, G]);
        const hPrev = tf.tensor2d(hs.subarray(0, T * B * H), [T * B, H]);
        const dx = fromStepMajor(tf.matMul(dz, tf.transpose(kSaved)), B, T, opts.goBackwards);
        return [dx, tf.matMul(tf.transpose(xsSaved), dz), tf.matMul(tf.transpose(hPrev), dz), tf.sum(dz, 0)];
      });
    };
    return { value, gradFunc };
  });
  return f(x, kernel, recurrentKernel, bias);
}

/**
 * LSTM on native TensorFlow: its fused BlockLSTMV2 / BlockLSTMGradV2 kernels (the gate layout
 * i, f, c, o is Keras's and tfjs's; no peephole, no cell clip). The whole sequence, forward and
 * backward, is one op each, computed in C++ on every core. Sigmoid gates only (the op's own).
 */
function blockLstm(x: tf.Tensor, kernel: tf.Tensor, recurrentKernel: tf.Tensor, bias: tf.Tensor, opts: FusedRnnOptions): tf.Tensor {
  const [B, T, F] = x.shape as [number, number, number];
  const H = opts.units;
  const node = nodeBackend();
  if (!node) throw new Error('blockLstm needs the native backend.');
  const { binding } = node;
  const type = { name: 'T', type: binding.TF_ATTR_TYPE, value: binding.TF_FLOAT };
  const peephole = { name: 'use_peephole', type: binding.TF_ATTR_BOOL, value: false };
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xt, k, rk, bt, save] = args as [tf.Tensor, tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.GradSaveFunc];
    const xs = tf.transpose(opts.goBackwards ? tf.reverse(xt, 1) : xt, [1, 0, 2]); // [T, B, F]
    const w = tf.concat([k, rk], 0);
    const zeros = tf.zeros([B, H]);
    const noPeep = tf.zeros([H]);
    const inputs = [xs, zeros, zeros, w, noPeep, noPeep, noPeep, bt];
    const outs = runNativeOp('BlockLSTMV2', [{ name: 'cell_clip', type: binding.TF_ATTR_FLOAT, value: 0 }, peephole, type], inputs, 7, T);
    const h = outs[6] as tf.Tensor3D; // [T, B, H]
    save([...inputs, ...outs]);
    const value = opts.returnSequences ? tf.transpose(h, [1, 0, 2]) : tf.reshape(tf.slice(h, [T - 1, 0, 0], [1, B, H]), [B, H]);
    const gradFunc = (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]): tf.Tensor[] => {
      const d = dy as tf.Tensor;
      const hGrad = opts.returnSequences ? tf.transpose(d, [1, 0, 2]) : tf.concat([tf.zeros([T - 1, B, H]), tf.reshape(d, [1, B, H])], 0);
      const csGrad = tf.zeros([T, B, H]);
      const grads = runNativeOp('BlockLSTMGradV2', [peephole, type], [...saved, csGrad, hGrad], 8, T);
      const [dxs, , , dw, , , , db] = grads as [tf.Tensor3D, tf.Tensor, tf.Tensor, tf.Tensor2D, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor1D];
      const dxBt = tf.transpose(dxs, [1, 0, 2]);
      const dx = opts.goBackwards ? tf.reverse(dxBt, 1) : dxBt;
      return [dx, tf.slice(dw, [0, 0], [F, 4 * H]), tf.slice(dw, [F, 0], [H, 4 * H]), db];
    };
    return { value, gradFunc };
  });
  return f(x, kernel, recurrentKernel, bias);
}

/**
 * Where a GRU's reset gate r acts on the recurrent part of the candidate h̃: `before` the
 * recurrent product, h̃ = tanh(x·Wh + (r ⊙ h)·Uh + b) (tfjs's GRU, Keras resetAfter = false),
 * or `after` it, h̃ = tanh(x·Wh + bx + r ⊙ (h·Uh + bh)) (Keras's default, resetAfter = true).
 */
export type ResetPlacement = 'before' | 'after';

export interface FusedGruOptions extends FusedRnnOptions {
  readonly reset: ResetPlacement;
}

/** The step-major buffers of one GRU pass, shared by both reset placements. */
interface GruPass {
  readonly B: number;
  readonly T: number;
  readonly H: number;
  /** [T·B, 3H]: the x-side pre-activations, overwritten with z, r and h̃ as the steps run. */
  readonly gates: Float32Array;
  /** [(T+1)·B·H] hidden states; hs[0] is the zero state. */
  readonly hs: Float32Array;
  /** The recurrent kernel [H, 3H]. */
  readonly U: Float32Array;
  readonly act: (x: number) => number;
  readonly actGrad: (y: number) => number;
}

/** A reset placement's forward recurrence; its step products live until dispose. */
interface GruForward {
  /** Step s: block s of gates becomes z, r, h̃, and block s + 1 of hs the new state. */
  step(s: number): void;
  dispose(): void;
  /** The backward recurrence over what the forward pass kept. */
  backward(): GruBackward;
}

interface GruBackward {
  /**
   * Step s, after fusedGru wrote the update and candidate gates' gradients into block s of dX
   * (the gradient of the x-side pre-activations) and h's through z into dprev: writes the reset
   * gate's gradient into dX and adds h's through the recurrent products into dprev.
   */
  step(s: number, dprev: Float32Array, dX: Float32Array): void;
  dispose(): void;
  /** [recurrent kernel gradient, bias gradient], from dX [T·B, 3H] and the previous states [T·B, H]; call in a tidy. */
  weightGrads(dX: tf.Tensor2D, hPrev: tf.Tensor2D): [tf.Tensor, tf.Tensor];
}

/** Reset before the recurrent product: z and r from h·U[:, :2H], then h̃ from (r ⊙ h)·U[:, 2H:]. */
function resetBefore(p: GruPass): GruForward {
  const { B, T, H, gates, hs, U, act, actGrad } = p;
  const G = 3 * H;
  const hUzr = stepProduct(columns(U, H, G, 0, 2 * H, false), B, H, 2 * H);
  const rhUh = stepProduct(columns(U, H, G, 2 * H, H, false), B, H, H);
  const rh = new Float32Array(T * B * H); // r ⊙ h of the previous step, per step
  const step = (s: number): void => {
    const zOff = s * B * G;
    const prev = s * B * H;
    if (s > 0) hUzr.addInto(hs.subarray(prev, prev + B * H), gates, zOff, G);
    for (let b = 0; b < B; b++) {
      const z = zOff + b * G;
      const o = prev + b * H;
      for (let j = 0; j < H; j++) {
        const zg = act(gates[z + j] as number);
        const rg = act(gates[z + H + j] as number);
        gates[z + j] = zg;
        gates[z + H + j] = rg;
        rh[o + j] = rg * (hs[o + j] as number);
      }
    }
    if (s > 0) rhUh.addInto(rh.subarray(prev, prev + B * H), gates, zOff + 2 * H, G);
    for (let b = 0; b < B; b++) {
      const z = zOff + b * G;
      const o = prev + b * H;
      for (let j = 0; j < H; j++) {
        const hh = Math.tanh(gates[z + 2 * H + j] as number);
        gates[z + 2 * H + j] = hh;
        const zg = gates[z + j] as number;
        hs[o + B * H + j] = zg * (hs[o + j] as number) + (1 - zg) * hh;
      }
    }
  };
  const backward = (): GruBackward => {
    const uzrT = stepProduct(columns(U, H, G, 0, 2 * H, true), B, 2 * H, H);
    const uhT = stepProduct(columns(U, H, G, 2 * H, H, true), B, H, H);
    const drh = new Float32Array(B * H);
    const stepBack = (s: number, dprev: Float32Array, dX: Float32Array): void => {
      const zOff = s * B * G;
      const prev = s * B * H;
      drh.fill(0);
      if (s > 0) uhT.addInto(block(dX, zOff, B, G, 2 * H, H), drh, 0, H);
      for (let b = 0; b < B; b++) {
        const z = zOff + b * G;
        const o = prev + b * H;
        for (let j = 0; j < H; j++) {
          const rg = gates[z + H + j] as number;
          const d = drh[b * H + j] as number;
          dX[z + H + j] = d * (hs[o + j] as number) * actGrad(rg);
          dprev[b * H + j] = (dprev[b * H + j] as number) + d * rg;
        }
      }
      if (s > 0) uzrT.addInto(block(dX, zOff, B, G, 0, 2 * H), dprev, 0, H);
    };
    return {
      step: stepBack,
      dispose: () => {
        uzrT.dispose();
        uhT.dispose();
      },
      weightGrads: (dX, hPrev) => {
        const dzr = tf.slice(dX, [0, 0], [T * B, 2 * H]);
        const dhh = tf.slice(dX, [0, 2 * H], [T * B, H]);
        const rhT = tf.tensor2d(rh, [T * B, H]);
        return [tf.concat([tf.matMul(tf.transpose(hPrev), dzr), tf.matMul(tf.transpose(rhT), dhh)], 1), tf.sum(dX, 0)];
      },
    };
  };
  return {
    step,
    dispose: () => {
      hUzr.dispose();
      rhUh.dispose();
    },
    backward,
  };
}

/** Reset after the recurrent product: h·U + the recurrent bias feeds z, r and (times r) h̃. */
function resetAfter(p: GruPass, recurrentBias: Float32Array): GruForward {
  const { B, T, H, gates, hs, U, act, actGrad } = p;
  const G = 3 * H;
  const recP = stepProduct(U, B, H, G);
  const rec = new Float32Array(T * B * G); // h·U + the recurrent bias of the previous step, per step
  const step = (s: number): void => {
    const zOff = s * B * G;
    const prev = s * B * H;
    for (let b = 0; b < B; b++) rec.set(recurrentBias, zOff + b * G);
    if (s > 0) recP.addInto(hs.subarray(prev, prev + B * H), rec, zOff, G);
    for (let b = 0; b < B; b++) {
      const z = zOff + b * G;
      const o = prev + b * H;
      for (let j = 0; j < H; j++) {
        const zg = act((gates[z + j] as number) + (rec[z + j] as number));
        const rg = act((gates[z + H + j] as number) + (rec[z + H + j] as number));
        const hh = Math.tanh((gates[z + 2 * H + j] as number) + rg * (rec[z + 2 * H + j] as number));
        gates[z + j] = zg;
        gates[z + H + j] = rg;
        gates[z + 2 * H + j] = hh;
        hs[o + B * H + j] = zg * (hs[o + j] as number) + (1 - zg) * hh;
      }
    }
  };
  const backward = (): GruBackward => {
    const uT = stepProduct(columns(U, H, G, 0, G, true), B, G, H);
    const dRec = new Float32Array(T * B * G);
    const stepBack = (s: number, dprev: Float32Array, dX: Float32Array): void => {
      const zOff = s * B * G;
      for (let b = 0; b < B; b++) {
        const z = zOff + b * G;
        for (let j = 0; j < H; j++) {
          const rg = gates[z + H + j] as number;
          const dA = dX[z + 2 * H + j] as number;
          const dR = dA * (rec[z + 2 * H + j] as number) * actGrad(rg);
          dX[z + H + j] = dR;
          dRec[z + j] = dX[z + j] as number;
          dRec[z + H + j] = dR;
          dRec[z + 2 * H + j] = dA * rg;
        }
      }
      if (s > 0) uT.addInto(block(dRec, zOff, B, G, 0, G), dprev, 0, H);
    };
    return {
      step: stepBack,
      dispose: () => uT.dispose(),
      weightGrads: (dX, hPrev) => {
        const dr = tf.tensor2d(dRec, [T * B, G]);
        return [tf.matMul(tf.transpose(hPrev), dr), tf.stack([tf.sum(dX, 0), tf.sum(dr, 0)])];
      },
    };
  };
  return { step, dispose: () => recP.dispose(), backward };
}

/**
 * GRU over a whole sequence, the reset gate placed by opts.reset. kernel [F,3H], recurrentKernel
 * [H,3H], gate order z, r, h; the bias in Keras's layout for the placement: [3H] before, [2, 3H]
 * (input bias, recurrent bias) after.
 */
export function fusedGru(x: tf.Tensor, kernel: tf.Tensor, recurrentKernel: tf.Tensor, bias: tf.Tensor, opts: FusedGruOptions): tf.Tensor {
  const [B, T] = x.shape as [number, number, number];
  const H = opts.units;
  const G = 3 * H;
  const act = recAct(opts.recurrentActivation);
  const actGrad = recActGrad(opts.recurrentActivation);
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xt, k, rk, bt, save] = args as [tf.Tensor, tf.Tensor2D, tf.Tensor2D, tf.Tensor, tf.GradSaveFunc];
    const xs = stepMajor(xt, opts.goBackwards);
    // The forward pass runs in a tidy; xs and the kernel must be saved to outlive it.
    save([xs, k]);
    const inputBias = (): tf.Tensor => (opts.reset === 'before' ? bt : tf.slice(bt, [0, 0], [1, G]));
    const gates = tf.tidy(() => tf.add(tf.matMul(xs, k), inputBias())).dataSync() as Float32Array;
    const hs = new Float32Array((T + 1) * B * H);
    const pass: GruPass = { B, T, H, gates, hs, U: rk.dataSync() as Float32Array, act, actGrad };
    const forward = opts.reset === 'before' ? resetBefore(pass) : resetAfter(pass, (bt.dataSync() as Float32Array).subarray(G));
    for (let s = 0; s < T; s++) forward.step(s);
    forward.dispose();
    const value = outputTensor(hs, B, T, H, opts.returnSequences);
    const gradFunc = (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]): tf.Tensor[] => {
      const [xsSaved, kSaved] = saved as [tf.Tensor2D, tf.Tensor2D];
      const dyv = outputGrad(dy as tf.Tensor, B, T, H, opts.returnSequences);
      const backward = forward.backward();
      const dX = new Float32Array(T * B * G);
      const dh = new Float32Array(B * H);
      const dprev = new Float32Array(B * H);
      for (let s = T - 1; s >= 0; s--) {
        const zOff = s * B * G;
        const prev = s * B * H;
        for (let i = 0; i < B * H; i++) dh[i] = (dh[i] as number) + (dyv[prev + i] as number);
        // h = z ⊙ h_prev + (1 - z) ⊙ h̃ with either placement: the update and candidate gates' gradients, and h_prev's through z.
        for (let b = 0; b < B; b++) {
          const z = zOff + b * G;
          const o = prev + b * H;
          for (let j = 0; j < H; j++) {
            const zg = gates[z + j] as number;
            const hh = gates[z + 2 * H + j] as number;
            const dhj = dh[b * H + j] as number;
            dX[z + j] = dhj * ((hs[o + j] as number) - hh) * actGrad(zg);
            dX[z + 2 * H + j] = dhj * (1 - zg) * (1 - hh * hh);
            dprev[b * H + j] = dhj * zg;
          }
        }
        backward.step(s, dprev, dX);
        dh.set(dprev);
      }
      backward.dispose();
      return tf.tidy(() => {
        const dx = tf.tensor2d(dX, [T * B, G]);
        const hPrev = tf.tensor2d(hs.subarray(0, T * B * H), [T * B, H]);
        const dxIn = fromStepMajor(tf.matMul(dx, tf.transpose(kSaved)), B, T, opts.goBackwards);
        return [dxIn, tf.matMul(tf.transpose(xsSaved), dx), ...backward.weightGrads(dx, hPrev)];
      });
    };
    return { value, gradFunc };
  });
  return f(x, kernel, recurrentKernel, bias);
}
