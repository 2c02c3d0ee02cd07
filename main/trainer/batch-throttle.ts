/**
 * Decides which batches get a progress event: at most one per `intervalMs`,
 * plus the last batch of every epoch so the curve always reaches its end.
 */
export function createBatchThrottle(intervalMs: number, now: () => number = Date.now): (isLastOfEpoch: boolean) => boolean {
  let last = Number.NEGATIVE_INFINITY;
  return (isLastOfEpoch) => {
    const t = now();
    if (isLastOfEpoch || t - last >= intervalMs) {
      last = t;
      return true;
    }
    return false;
  };
}
