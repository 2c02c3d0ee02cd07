/**
 * A layer is data: one spec per layer type drives the palette, the inspector,
 * shape inference, parameter counts and the compiler. Nothing here imports
 * tfjs; `tfjs` describes which tfjs layer factory to call with which config.
 */

/** A tensor shape including the batch dimension; `null` is an unknown size (`?`). */
export type Shape = readonly (number | null)[];

/** Element type of a tensor as tfjs names it. */
export type DType = 'float32' | 'int32';

/** Shape-kind params may hold `null` entries (an unknown size) where the spec allows it. */
export type ParamValue = number | string | boolean | readonly (number | null)[] | null;
export type Params = Readonly<Record<string, ParamValue>>;

/** Palette groups, in palette order (see CATEGORY_ORDER in registry.ts). */
export type LayerCategory =
  | 'Core'
  | 'Activation'
  | 'Convolution'
  | 'Pooling'
  | 'Normalization'
  | 'Regularization'
  | 'Augmentation'
  | 'Sequence'
  | 'Attention'
  | 'Merge'
  | 'Blocks';

interface ParamBase {
  readonly name: string;
  readonly label: string;
  /** One line shown under the field in the inspector. */
  readonly help: string;
}

export type ParamSpec =
  | (ParamBase & { readonly kind: 'int'; readonly default: number; readonly min?: number; readonly max?: number })
  | (ParamBase & { readonly kind: 'float'; readonly default: number; readonly min?: number; readonly max?: number })
  | (ParamBase & { readonly kind: 'bool'; readonly default: boolean })
  | (ParamBase & { readonly kind: 'enum'; readonly default: string; readonly options: readonly string[] })
  /**
   * A list of whole numbers: a shape without the batch dimension, a kernel size, paddings...
   * Each entry is at least `minValue` (default 1); `allowUnknown` also admits `null` (a size
   * known only at run time, Keras' `None`); `allowInfer` admits one `-1` (Reshape).
   */
  | (ParamBase & {
      readonly kind: 'shape';
      readonly default: readonly (number | null)[];
      readonly minRank?: number;
      readonly maxRank?: number;
      readonly minValue?: number;
      readonly allowUnknown?: boolean;
      readonly allowInfer?: boolean;
    });

export interface PortSpec {
  readonly name: string;
  readonly label: string;
  /**
   * Ranks (batch included) this port can ever accept; used to refuse a
   * connection while dragging. Absent: any rank.
   */
  readonly minRank?: number;
  readonly maxRank?: number;
  /** The element type this port needs (Embedding: int32 token ids). Absent: any. */
  readonly dtype?: DType;
  /**
   * The layer works without this port connected (e.g. an attention key).
   * Optional ports come last; `inferShape` then gets fewer shapes.
   */
  readonly optional?: boolean;
}

/** Why a layer cannot take the shapes (or params) it is given. */
export interface ShapeError {
  readonly code: 'RANK_MISMATCH' | 'SHAPE_MISMATCH' | 'UNKNOWN_DIMENSION' | 'KERNEL_TOO_LARGE' | 'INVALID_PARAM';
  readonly message: string;
  readonly fix: string;
}

export type ShapeResult = { readonly ok: true; readonly shape: Shape } | { readonly ok: false; readonly error: ShapeError };

export interface TfjsLayerCall {
  /** Name of the factory on `tf.layers` (e.g. `dense`), or of a custom layer factory the trainer registers. */
  readonly factory: string;
  /** Config passed to the factory, in tfjs' camelCase Keras names. */
  readonly config: Readonly<Record<string, unknown>>;
  /**
   * For wrapper layers (Bidirectional, TimeDistributed): the inner layer, built
   * first and passed to the factory as `config.layer`.
   */
  readonly wrapped?: TfjsLayerCall;
}

export interface LayerSpec<T extends string = string> {
  /** The layer type, a string literal (`'Dense'`): LAYER_SPECS derives the closed LayerType from them. */
  readonly type: T;
  readonly label: string;
  readonly category: LayerCategory;
  readonly description: string;
  readonly params: readonly ParamSpec[];
  /**
   * Input ports; empty for a source layer (Input). For a layer with
   * `variadicInputs` these are the ports at the default count; use
   * `inputPorts(spec, params)` for a node's actual ports.
   */
  readonly inputs: readonly PortSpec[];
  /**
   * Merge layers with 2..N inputs: the int param `param` gives the number of
   * ports, named `in1`, `in2`, ... `inN`.
   */
  readonly variadicInputs?: { readonly param: string; readonly min: number; readonly max: number };
  /** Element type of the output; absent means float32. `'same'`: that of the first input (Reshape...). */
  readonly outputDtype?: DType | 'same' | ((params: Params) => DType);
  /**
   * Output shape for the given input shapes (one per connected port, in port
   * order, batch dimension included). For a source layer `inputShapes` is empty.
   */
  inferShape(inputShapes: readonly Shape[], params: Params): ShapeResult;
  /** Trainable plus non-trainable weights, as Keras' `model.summary()` counts them. */
  countParams(inputShapes: readonly Shape[], params: Params): number;
  /**
   * Of `countParams`, the weights Keras counts as non-trainable even while the layer trains
   * (BatchNormalization's moving mean and variance). Absent: none. A frozen layer
   * (`trainable: false`) has all its weights non-trainable.
   */
  countNonTrainableParams?(inputShapes: readonly Shape[], params: Params): number;
  /**
   * Multiply-accumulates for one sample (batch dimension excluded) in weight
   * products (Dense, convolutions, recurrent kernels, Dot, attention). Element-wise
   * work (activations, pooling, normalization, adds) counts zero. `null` when a
   * needed size is unknown (a `None` sequence length). Absent: zero.
   */
  countMacs?(inputShapes: readonly Shape[], params: Params, outputShape: Shape): number | null;
  /**
   * How to build this layer in tfjs; `null` for Input (built with `tf.input`).
   * `inputShapes` (as for inferShape) are given by the compiler, for layers whose
   * tfjs config depends on them (Reshape resolves its -1, which tfjs 4.22 leaves unknown).
   */
  tfjs(params: Params, inputShapes?: readonly Shape[]): TfjsLayerCall | null;
}
