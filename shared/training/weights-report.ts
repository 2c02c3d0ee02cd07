import { z } from 'zod';

/** One layer of a run started from another run's weights: its node and tfjs layer name. */
export const WeightsLayerSchema = z.object({ nodeId: z.string(), layer: z.string() });

/**
 * What a run started from another run's weights (a backbone, fine-tuning) took from it: the
 * layers loaded, those that started fresh (new, or their shapes changed) and the run's layers
 * that found no place (dropped), each with why.
 */
export const WeightsReportSchema = z.object({
  fromRunId: z.string(),
  loaded: z.array(WeightsLayerSchema),
  fresh: z.array(WeightsLayerSchema.extend({ reason: z.string() })),
  dropped: z.array(WeightsLayerSchema.extend({ reason: z.string() })),
});
export type WeightsReport = z.infer<typeof WeightsReportSchema>;

/** "4 layers loaded, 2 fresh, 2 dropped" */
export function weightsReportLine(r: WeightsReport): string {
  const n = (k: number, what: string) => `${k} layer${k === 1 ? '' : 's'} ${what}`;
  return `${n(r.loaded.length, 'loaded')}, ${r.fresh.length} fresh, ${r.dropped.length} dropped`;
}

/** The report as lines for people (the CLI's output): the counts, then each layer with why. */
export function weightsReportLines(r: WeightsReport): string[] {
  const lines = [`Weights from run ${r.fromRunId}: ${weightsReportLine(r)}`];
  if (r.loaded.length > 0) lines.push(`  loaded: ${r.loaded.map((l) => l.layer).join(', ')}`);
  for (const f of r.fresh) lines.push(`  fresh: ${f.layer} (${f.reason})`);
  for (const d of r.dropped) lines.push(`  dropped: ${d.layer} (${d.reason})`);
  return lines;
}
