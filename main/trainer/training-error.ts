/** Thrown to end a run with a readable message (reported as an `error` event). */
export class TrainingError extends Error {
  constructor(
    message: string,
    readonly kind: 'diverged' | 'data' | 'failed' = 'failed',
  ) {
    super(message);
    this.name = 'TrainingError';
  }
}
