/**
 * A layer is data: one spec per layer type drives the palette, the inspector,
 * shape inference, parameter counts and the compiler. Nothing here imports
 * tfjs; `tfjs` describes which tfjs layer factory to call with which config.
 */

/** A tensor shape including the batch dimension; `null` is an unknown size (`?`). */
export type Shape = readonly (number | null)[];

export type ParamValue = number | string | boolean | readonly number[] | null;
export type Params = Readonly<Record<string, ParamValue>>;

export type LayerCategory = 'Core' | 'Activation' | 'Regularization';

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
  /** A shape without the batch dimension, each entry a positive integer. */
  | (ParamBase & { readonly kind: 'shape'; readonly default: readonly number[]; readonly minRank?: number; readonly maxRank?: number });

export interface PortSpec {
  readonly name: string;
  readonly label: string;
}

/** Why a layer cannot take the shapes it is given. */
export interface ShapeError {
  readonly code: 'RANK_MISMATCH' | 'SHAPE_MISMATCH' | 'UNKNOWN_DIMENSION';
  readonly message: string;
  readonly fix: string;
}

export type ShapeResult = { readonly ok: true; readonly shape: Shape } | { readonly ok: false; readonly error: ShapeError };

export interface TfjsLayerCall {
  /** Name of the factory on `tf.layers` (e.g. `dense`). */
  readonly factory: string;
  /** Config passed to the factory, in tfjs' camelCase Keras names. */
  readonly config: Readonly<Record<string, unknown>>;
}

export interface LayerSpec {
  readonly type: string;
  readonly label: string;
  readonly category: LayerCategory;
  readonly description: string;
  readonly params: readonly ParamSpec[];
  /** Input ports; empty for a source layer (Input). */
  readonly inputs: readonly PortSpec[];
  /**
   * Output shape for the given input shapes (one per port, batch dimension
   * included). For a source layer `inputShapes` is empty.
   */
  inferShape(inputShapes: readonly Shape[], params: Params): ShapeResult;
  /** Trainable plus non-trainable weights, as Keras' `model.summary()` counts them. */
  countParams(inputShapes: readonly Shape[], params: Params): number;
  /** How to build this layer in tfjs; `null` for Input (built with `tf.input`). */
  tfjs(params: Params): TfjsLayerCall | null;
}
