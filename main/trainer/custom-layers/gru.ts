import * as tf from '@tensorflow/tfjs';
import { initializerOf, regularizerOf, type WeightOption } from './weight-options';
import { isShapeList, isTraining, maskOrNone, singleMask, type LayerShape } from './tensor-math';
import { fusedGru, type RecurrentActivation } from '../kernels/fused-rnn';

export interface NetwrightGRUConfig {
  readonly units: number;
  readonly activation?: string;
  readonly recurrentActivation?: string;
  readonly useBias?: boolean;
  readonly returnSequences?: boolean;
  readonly goBackwards?: boolean;
  /** Fraction of the input features dropped (one mask for all time steps), while training. */
  readonly dropout?: number;
  /** Fraction of the state dropped before each recurrent product, while training. */
  readonly recurrentDropout?: number;
  /**
   * Keras's default (true): separate input and recurrent biases (`bias` is
   * `[2, 3·units]`) and the reset gate applied after the recurrent product.
   * false: one bias `[3·units]`, reset gate before the product (tfjs' GRU).
   */
  readonly resetAfter?: boolean;
  readonly kernelInitializer?: WeightOption;
  readonly recurrentInitializer?: WeightOption;
  readonly biasInitializer?: WeightOption;
  readonly kernelRegularizer?: WeightOption;
  readonly recurrentRegularizer?: WeightOption;
  readonly biasRegularizer?: WeightOption;
  readonly name?: string;
  readonly trainable?: boolean;
}

/**
 * A GRU with Keras's math in both layouts, which stock tfjs refuses for
 * `resetAfter: true`. Weights as Keras: kernel `[in, 3u]`, recurrent_kernel
 * `[u, 3u]`, bias `[2, 3u]` (resetAfter) or `[3u]`; gate order z, r, h.
 * The input projection of all time steps is one matMul; each step is one
 * matMul with the recurrent kernel.
 */
const WEIGHT_OPTIONS = [
  'kernelInitializer',
  'recurrentInitializer',
  'biasInitializer',
  'kernelRegularizer',
  'recurrentRegularizer',
  'biasRegularizer',
] as const;

export class NetwrightGRU extends tf.layers.Layer {
  static readonly className = 'NetwrightGRU';
  readonly units: number;
  readonly activation: string;
  readonly recurrentActivation: string;
  readonly useBias: boolean;
  readonly returnSequences: boolean;
  /** Read by tfjs' Bidirectional wrapper. */
  readonly returnState = false;
  readonly goBackwards: boolean;
  readonly dropout: number;
  readonly recurrentDropout: number;
  readonly resetAfter: boolean;
  readonly weightOptions: Readonly<Record<(typeof WEIGHT_OPTIONS)[number], WeightOption>>;
  private kernel: tf.LayerVariable | null = null;
  private recurrentKernel: tf.LayerVariable | null = null;
  private bias: tf.LayerVariable | null = null;
  private readonly act: tf.layers.Layer;
  private readonly recAct: tf.layers.Layer;

  constructor(config: NetwrightGRUConfig) {
    super({ name: config.name, trainable: config.trainable });
    if (!Number.isInteger(config.units) || config.units < 1) throw new Error(`GRU: units must be a positive whole number, not ${String(config.units)}.`);
    this.units = config.units;
    this.activation = config.activation ?? 'tanh';
    this.recurrentActivation = config.recurrentActivation ?? 'sigmoid';
    this.useBias = config.useBias ?? true;
    this.returnSequences = config.returnSequences ?? false;
    this.goBackwards = config.goBackwards ?? false;
    this.dropout = Math.min(1, Math.max(0, config.dropout ?? 0));
    this.recurrentDropout = Math.min(1, Math.max(0, config.recurrentDropout ?? 0));
    this.resetAfter = config.resetAfter ?? true;
    this.weightOptions = Object.fromEntries(WEIGHT_OPTIONS.map((k) => [k, config[k] ?? null])) as NetwrightGRU['weightOptions'];
    this.act = tf.layers.activation({ activation: this.activation as 'tanh' });
    this.recAct = tf.layers.activation({ activation: this.recurrentActivation as 'sigmoid' });
    this.supportsMasking = true;
  }

  override build(inputShape: LayerShape | LayerShape[]): void {
    const shape = isShapeList(inputShape) ? (inputShape[0] as LayerShape) : inputShape;
    const inputDim = shape[shape.length - 1];
    if (typeof inputDim !== 'number') throw new Error(`${this.name}: GRU needs the last input dimension to be known.`);
    const u = this.units;
    const o = this.weightOptions;
    this.kernel = this.addWeight('kernel', [inputDim, 3 * u], 'float32', initializerOf(o.kernelInitializer, 'glorotUniform'), regularizerOf(o.kernelRegularizer));
    this.recurrentKernel = this.addWeight(
      'recurrent_kernel',
      [u, 3 * u],
      'float32',
      initializerOf(o.recurrentInitializer, 'orthogonal'),
      regularizerOf(o.recurrentRegularizer),
    );
    if (this.useBias) {
      this.bias = this.addWeight('bias', this.resetAfter ? [2, 3 * u] : [3 * u], 'float32', initializerOf(o.biasInitializer, 'zeros'), regularizerOf(o.biasRegularizer));
    }
    this.built = true;
  }

  override computeOutputShape(inputShape: LayerShape | LayerShape[]): LayerShape {
    const shape = isShapeList(inputShape) ? (inputShape[0] as LayerShape) : inputShape;
    return this.returnSequences ? [shape[0] ?? null, shape[1] ?? null, this.units] : [shape[0] ?? null, this.units];
  }

  override computeMask(_inputs: tf.Tensor | tf.Tensor[], mask?: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return maskOrNone(this.returnSequences ? singleMask(mask) : null);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor {
    const fused = this.fusedCall(inputs, kwargs);
    if (fused) return fused;
    return tf.tidy(() => {
      let x = Array.isArray(inputs) ? (inputs[0] as tf.Tensor) : inputs;
      if (x.rank !== 3) throw new Error(`${this.name}: GRU takes a rank-3 input [batch, time, features].`);
      const [b, t, inputDim] = x.shape as [number, number, number];
      const u = this.units;
      const training = isTraining(kwargs);
      if (training && this.dropout > 0 && this.dropout < 1) {
        x = tf.mul(x, tf.dropout(tf.ones([b, 1, inputDim]), this.dropout));
      }
      const kernel = (this.kernel as tf.LayerVariable).read();
      const recurrentKernel = (this.recurrentKernel as tf.LayerVariable).read();
      let inputBias: tf.Tensor | null = null;
      let recurrentBias: tf.Tensor | null = null;
      if (this.bias) {
        const bias = this.bias.read();
        if (this.resetAfter) {
          const [ib, rb] = tf.split(bias, 2, 0);
          inputBias = tf.reshape(ib as tf.Tensor, [3 * u]);
          recurrentBias = tf.reshape(rb as tf.Tensor, [3 * u]);
        } else {
          inputBias = bias;
        }
      }
      let projected = tf.matMul(tf.reshape(x, [b * t, inputDim]), kernel);
      if (inputBias) projected = tf.add(projected, inputBias);
      const steps = tf.unstack(tf.transpose(tf.reshape(projected, [b, t, 3 * u]), [1, 0, 2]));
      const mask = singleMask(kwargs['mask']);
      const maskSteps = mask ? tf.unstack(tf.transpose(tf.cast(mask, 'float32'), [1, 0])) : null;
      const order = [...Array(t).keys()];
      if (this.goBackwards) order.reverse();
      const recDrop =
        training && this.recurrentDropout > 0 && this.recurrentDropout < 1 ? tf.dropout(tf.ones([b, u]), this.recurrentDropout) : null;
      const [rkGates, rkCandidate] = this.resetAfter ? [recurrentKernel, null] : tf.split(recurrentKernel, [2 * u, u], 1);

      let h: tf.Tensor = tf.zeros([b, u]);
      const outputs: tf.Tensor[] = [];
      for (const i of order) {
        const xt = steps[i] as tf.Tensor;
        const hIn = recDrop ? tf.mul(h, recDrop) : h;
        const [xz, xr, xh] = tf.split(xt, 3, 1) as [tf.Tensor, tf.Tensor, tf.Tensor];
        let hh: tf.Tensor;
        let z: tf.Tensor;
        if (this.resetAfter) {
          let inner = tf.matMul(hIn, rkGates as tf.Tensor);
          if (recurrentBias) inner = tf.add(inner, recurrentBias);
          const [rz, rr, rh] = tf.split(inner, 3, 1) as [tf.Tensor, tf.Tensor, tf.Tensor];
          z = this.recAct.apply(tf.add(xz, rz)) as tf.Tensor;
          const r = this.recAct.apply(tf.add(xr, rr)) as tf.Tensor;
          hh = this.act.apply(tf.add(xh, tf.mul(r, rh))) as tf.Tensor;
        } else {
          const inner = tf.matMul(hIn, rkGates as tf.Tensor);
          const [rz, rr] = tf.split(inner, 2, 1) as [tf.Tensor, tf.Tensor];
          z = this.recAct.apply(tf.add(xz, rz)) as tf.Tensor;
          const r = this.recAct.apply(tf.add(xr, rr)) as tf.Tensor;
          hh = this.act.apply(tf.add(xh, tf.matMul(tf.mul(r, hIn), rkCandidate as tf.Tensor))) as tf.Tensor;
        }
        let next = tf.add(tf.mul(z, h), tf.mul(tf.sub(1, z), hh));
        const m = maskSteps?.[i];
        if (m) {
          const keep = tf.reshape(m, [b, 1]);
          next = tf.add(tf.mul(next, keep), tf.mul(h, tf.sub(1, keep)));
        }
        h = next;
        if (this.returnSequences) outputs.push(h);
      }
      return this.returnSequences ? tf.stack(outputs, 1) : h;
    });
  }

  /**
   * The whole sequence in one fused kernel (kernels/fused-rnn.ts), about 10x faster than the
   * per-step ops below on wasm/cpu (and on TensorFlow, where each step's product is one native MatMul). Used for resetAfter with tanh, no mask and no dropout while
   * training; null otherwise (then the per-step path runs).
   */
  private fusedCall(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | null {
    const backend = tf.getBackend();
    if (!this.resetAfter || (backend !== 'wasm' && backend !== 'cpu' && backend !== 'tensorflow')) return null;
    if (this.activation !== 'tanh' || (this.recurrentActivation !== 'sigmoid' && this.recurrentActivation !== 'hardSigmoid')) return null;
    if (singleMask(kwargs['mask'])) return null;
    if (isTraining(kwargs) && (this.dropout > 0 || this.recurrentDropout > 0)) return null;
    const x = Array.isArray(inputs) ? (inputs[0] as tf.Tensor) : inputs;
    if (x.rank !== 3) return null;
    const u = this.units;
    return tf.tidy(() => {
      const bias = this.bias ? this.bias.read() : tf.zeros([2, 3 * u]);
      return fusedGru(x, (this.kernel as tf.LayerVariable).read(), (this.recurrentKernel as tf.LayerVariable).read(), bias, {
        units: u,
        recurrentActivation: this.recurrentActivation as RecurrentActivation,
        returnSequences: this.returnSequences,
        goBackwards: this.goBackwards,
        reset: 'after',
      });
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      units: this.units,
      activation: this.activation,
      recurrentActivation: this.recurrentActivation,
      useBias: this.useBias,
      returnSequences: this.returnSequences,
      goBackwards: this.goBackwards,
      dropout: this.dropout,
      recurrentDropout: this.recurrentDropout,
      resetAfter: this.resetAfter,
      ...(this.weightOptions as tf.serialization.ConfigDict),
    };
  }
}
