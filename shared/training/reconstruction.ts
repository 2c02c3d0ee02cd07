/**
 * A reconstruction (autoencoder) model: its output holds as many values per sample as
 * its input, so it trains with the input itself as the target. A classifier's output
 * (one score per class, or one unit for two classes) and regression data never count.
 */
export function isReconstruction(
  outputShape: readonly (number | null)[],
  sampleSize: number,
  data: { readonly task?: 'classification' | 'regression' | undefined; readonly numClasses: number },
): boolean {
  if (data.task === 'regression') return false;
  const perSample = outputShape.slice(1);
  if (perSample.length === 0 || perSample.some((d) => d === null)) return false;
  const size = (perSample as number[]).reduce((a, b) => a * b, 1);
  return size === sampleSize && size !== data.numClasses && size > 2;
}
