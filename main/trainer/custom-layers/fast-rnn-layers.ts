import * as tf from '@tensorflow/tfjs';
import { fusedGru, fusedLstm, type RecurrentActivation } from '../kernels/fused-rnn';

/**
 * FastLSTM and FastGRU: the stock tfjs LSTM and GRU (resetAfter = false), computed by the fused
 * whole-sequence implementation in ../kernels/fused-rnn.ts.
 *
 * They serialize as the stock classes (className 'LSTM' / 'GRU', the stock config, the same
 * weights in the same order), so a saved model.json loads anywhere as a plain LSTM/GRU and
 * matches these layers' outputs. They are deliberately not registered with tfjs'
 * serialization (that would replace the stock classes globally).
 *
 * Supported: units, activation 'tanh', recurrentActivation 'sigmoid' | 'hardSigmoid', useBias,
 * returnSequences, goBackwards, initializers, regularizers, constraints, unitForgetBias (LSTM).
 * Refused with a message (use the stock layer): dropout, recurrentDropout, returnState,
 * stateful, masking, other activations, GRU resetAfter.
 */

type Kind = 'lstm' | 'gru';

export type FastRnnConfig = Record<string, unknown> & { units: number; name?: string };

type AddWeightArgs = Parameters<tf.layers.Layer['addWeight']>;
type Initializer = AddWeightArgs[3];
type Regularizer = AddWeightArgs[4];
type Constraint = AddWeightArgs[6];

interface CellInternals {
  kernelInitializer: Initializer;
  recurrentInitializer: Initializer;
  biasInitializer: Initializer;
  kernelRegularizer?: Regularizer;
  recurrentRegularizer?: Regularizer;
  biasRegularizer?: Regularizer;
  kernelConstraint?: Constraint;
  recurrentConstraint?: Constraint;
  biasConstraint?: Constraint;
}

/** Why the fast layer cannot stand in for this stock config, or null when it can. */
export function fastRnnUnsupported(kind: Kind, config: Readonly<Record<string, unknown>>): string | null {
  const activation = config['activation'] ?? 'tanh';
  const recurrent = config['recurrentActivation'] ?? 'hardSigmoid';
  if (activation !== 'tanh') return `activation ${String(activation)} (only tanh)`;
  if (recurrent !== 'sigmoid' && recurrent !== 'hardSigmoid') return `recurrentActivation ${String(recurrent)} (only sigmoid, hardSigmoid)`;
  if (Number(config['dropout'] ?? 0) !== 0 || Number(config['recurrentDropout'] ?? 0) !== 0) return 'dropout';
  if (config['returnState'] === true) return 'returnState';
  if (config['stateful'] === true) return 'stateful';
  if (kind === 'gru' && config['resetAfter'] === true) return 'resetAfter';
  return null;
}

abstract class FastRnn extends tf.layers.Layer {
  readonly units: number;
  readonly returnSequences: boolean;
  readonly goBackwards: boolean;
  readonly returnState = false;
  private readonly useBias: boolean;
  private readonly recurrentActivation: RecurrentActivation;
  private readonly unitForgetBias: boolean;
  /** A stock layer with the same config: the source of getConfig() and of the initializers. */
  private readonly stock: tf.layers.Layer;
  private kernel: tf.LayerVariable | null = null;
  private recurrentKernel: tf.LayerVariable | null = null;
  private bias: tf.LayerVariable | null = null;

  protected constructor(private readonly kind: Kind, config: FastRnnConfig) {
    super(config);
    const why = fastRnnUnsupported(kind, config);
    if (why) throw new Error(`The fast ${kind.toUpperCase()} does not support ${why}; use the stock layer.`);
    const { name: _name, ...rest } = config;
    this.stock = kind === 'lstm' ? tf.layers.lstm(rest as unknown as Parameters<typeof tf.layers.lstm>[0]) : tf.layers.gru(rest as unknown as Parameters<typeof tf.layers.gru>[0]);
    this.units = config.units;
    this.returnSequences = config['returnSequences'] === true;
    this.goBackwards = config['goBackwards'] === true;
    this.useBias = config['useBias'] !== false;
    this.recurrentActivation = (config['recurrentActivation'] ?? 'hardSigmoid') as RecurrentActivation;
    this.unitForgetBias = kind === 'lstm' && config['unitForgetBias'] === true;
    this.supportsMasking = false;
  }

  private gates(): number {
    return this.kind === 'lstm' ? 4 : 3;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const features = shape[shape.length - 1];
    if (shape.length !== 3 || typeof features !== 'number') throw new Error(`${this.name}: expects input [batch, time, features], got [${shape.join(', ')}].`);
    const cell = (this.stock as unknown as { cell: CellInternals }).cell;
    const G = this.gates() * this.units;
    this.kernel = this.addWeight('kernel', [features, G], 'float32', cell.kernelInitializer, cell.kernelRegularizer, true, cell.kernelConstraint);
    this.recurrentKernel = this.addWeight('recurrent_kernel', [this.units, G], 'float32', cell.recurrentInitializer, cell.recurrentRegularizer, true, cell.recurrentConstraint);
    if (this.useBias) {
      this.bias = this.addWeight('bias', [G], 'float32', cell.biasInitializer, cell.biasRegularizer, true, cell.biasConstraint);
      if (this.unitForgetBias) {
        const H = this.units;
        const b = this.bias;
        tf.tidy(() => {
          b.write(tf.concat([tf.slice(b.read(), [0], [H]), tf.ones([H]), tf.slice(b.read(), [2 * H], [2 * H])]));
        });
      }
    }
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return this.returnSequences ? [shape[0] ?? null, shape[1] ?? null, this.units] : [shape[0] ?? null, this.units];
  }

  override computeMask(): tf.Tensor | tf.Tensor[] {
    return null as unknown as tf.Tensor;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[] {
    if (kwargs['mask'] != null) throw new Error(`${this.name}: the fast ${this.kind.toUpperCase()} does not support masking; use the stock layer.`);
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const { kernel, recurrentKernel } = this;
    if (!x || !kernel || !recurrentKernel) throw new Error(`${this.name}: not built.`);
    return tf.tidy(() => {
      const bias = this.bias ? this.bias.read() : tf.zeros([this.gates() * this.units]);
      const opts = { units: this.units, recurrentActivation: this.recurrentActivation, returnSequences: this.returnSequences, goBackwards: this.goBackwards };
      if (this.kind === 'lstm') return fusedLstm(x, kernel.read(), recurrentKernel.read(), bias, opts);
      return fusedGru(x, kernel.read(), recurrentKernel.read(), bias, { ...opts, reset: 'before' });
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...this.stock.getConfig(), ...super.getConfig() };
  }
}

/** LSTM (tfjs math and weights), fused. Serializes as 'LSTM'. */
export class FastLSTM extends FastRnn {
  static readonly className = 'LSTM';
  constructor(config: FastRnnConfig) {
    super('lstm', config);
  }
}

/** GRU with resetAfter = false (tfjs math and weights), fused. Serializes as 'GRU'. */
export class FastGRU extends FastRnn {
  static readonly className = 'GRU';
  constructor(config: FastRnnConfig) {
    super('gru', config);
  }
}

/**
 * For build-model: the fused layer to build in place of `tf.layers.lstm` / `tf.layers.gru` with
 * this config, or undefined where only the stock layer can (see fastRnnUnsupported). The caller
 * must also keep the stock layer when the input carries a mask (Embedding maskZero), which the
 * fused layers refuse.
 */
export function fastRecurrentFactory(factory: string, config: Readonly<Record<string, unknown>>): ((c: Record<string, unknown>) => tf.layers.Layer) | undefined {
  if (factory !== 'lstm' && factory !== 'gru') return undefined;
  if (fastRnnUnsupported(factory, config) !== null) return undefined;
  return factory === 'lstm' ? (c) => new FastLSTM(c as FastRnnConfig) : (c) => new FastGRU(c as FastRnnConfig);
}
