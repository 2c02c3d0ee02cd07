import type { Page } from '@playwright/test';

/**
 * Batches done over the whole run, from the progress line ("Epoch 2/200" and "Batch 40/563" ->
 * 563 + 40): the batch number alone starts again at each epoch. 0 before the first batch.
 */
export async function batchesDone(page: Page): Promise<number> {
  const epoch = Number((await page.getByTestId('progress-epoch').textContent())?.match(/Epoch (\d+)/)?.[1] ?? 1);
  const batch = (await page.getByTestId('progress-batch').textContent())?.match(/Batch (\d+)\/(\d+)/);
  return batch ? (Math.max(1, epoch) - 1) * Number(batch[2]) + Number(batch[1]) : 0;
}
