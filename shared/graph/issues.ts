import type { ShapeError } from '../layers/types';

/** The catalogue of graph problems. Each has a code, a one-line reason and a fix. */
export type IssueCode =
  | 'UNKNOWN_LAYER'
  | 'INVALID_PARAM'
  | 'CYCLE'
  | 'INPUT_UNCONNECTED'
  | 'PORT_TAKEN'
  | 'UNKNOWN_PORT'
  | 'DANGLING_EDGE'
  | 'NO_INPUT_LAYER'
  | 'NO_OUTPUT'
  /** An Input connected to nothing while the model has other layers. */
  | 'UNREACHABLE'
  /** A port that needs another element type (Embedding fed float32 values). */
  | 'DTYPE_MISMATCH'
  | 'DATA_MISMATCH'
  /** The chosen data set is not installed, or an import has no file yet. */
  | 'DATA_MISSING'
  /** The loss does not suit the data set's task (cross-entropy on a regression set). */
  | 'LOSS_MISMATCH'
  | 'OUTPUT_NOT_SOFTMAX'
  /** A layer TensorFlow.js cannot compute gradients for (dilated convolutions). */
  | 'NOT_TRAINABLE_ON_BACKEND'
  /** A Block node names a block definition the project does not have. */
  | 'UNKNOWN_BLOCK'
  /** A block that contains itself, directly or through other blocks (or nests deeper than allowed). */
  | 'BLOCK_CYCLE'
  /** A block definition that cannot be inlined: an Input layer inside, or an input the Block node lacks. */
  | 'BLOCK_DEFINITION'
  /** From layer specs: RANK_MISMATCH, SHAPE_MISMATCH, UNKNOWN_DIMENSION, KERNEL_TOO_LARGE, INVALID_PARAM. */
  | ShapeError['code'];

export interface GraphIssue {
  readonly code: IssueCode;
  readonly severity: 'error' | 'warning';
  readonly message: string;
  readonly fix: string;
  readonly nodeId?: string;
  readonly port?: string;
  readonly edgeId?: string;
}
