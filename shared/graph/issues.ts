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
  | 'DATA_MISMATCH'
  | 'OUTPUT_NOT_SOFTMAX'
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
