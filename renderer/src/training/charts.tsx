import { useMemo } from 'react';
import type uPlot from 'uplot';
import { useTraining } from '../state/context';
import { UPlotChart } from './UPlotChart';
import { epochMarkers, stepMarkers } from './control-markers';

const BATCH_SERIES = [
  { label: 'Batch loss', colorVar: '--chart-1' },
  { label: 'Learning rate', colorVar: '--chart-4', scale: 'lr', dash: [2, 3] },
];
const LR_SCALE = { key: 'lr', label: 'learning rate', range: null };

/** Loss of every batch, x = global step. */
export function BatchLossChart() {
  const series = useTraining((s) => s.run.series);
  const version = useTraining((s) => s.run.version);
  const controls = useTraining((s) => s.run.controls);
  const data = useMemo<uPlot.AlignedData>(() => [series.step, series.loss, series.lr], [series]);
  const markers = useMemo(() => stepMarkers(controls), [controls]);
  return (
    <UPlotChart
      title="Batch loss"
      xLabel="step"
      yLabel="loss"
      series={BATCH_SERIES}
      rightScale={LR_SCALE}
      data={data}
      version={version}
      testId="batch-loss-chart"
      logToggle
      markers={markers}
      emptyText="The loss of each batch appears here while training."
    />
  );
}

const EPOCH_SERIES = [
  { label: 'Train loss', colorVar: '--chart-1', points: true },
  { label: 'Val loss', colorVar: '--chart-2', points: true },
  { label: 'Train acc', colorVar: '--chart-3', scale: 'acc', dash: [4, 3], points: true },
  { label: 'Val acc', colorVar: '--chart-4', scale: 'acc', dash: [4, 3], points: true },
];
const ACC_SCALE = { key: 'acc', label: 'accuracy', range: [0, 1] as [number, number] };

/** Per-epoch train/validation loss (left axis) and accuracy (right axis). */
export function EpochChart() {
  const epochs = useTraining((s) => s.run.epochs);
  const controls = useTraining((s) => s.run.controls);
  const batchesPerEpoch = useTraining((s) => s.run.started?.batchesPerEpoch ?? 1);
  const markers = useMemo(() => epochMarkers(controls, batchesPerEpoch), [controls, batchesPerEpoch]);
  const data = useMemo<uPlot.AlignedData>(
    () => [
      epochs.map((e) => e.epoch + 1),
      epochs.map((e) => e.train.loss),
      epochs.map((e) => e.validation?.loss ?? null),
      epochs.map((e) => e.train.accuracy),
      epochs.map((e) => e.validation?.accuracy ?? null),
    ],
    [epochs],
  );
  return (
    <UPlotChart
      title="Per epoch"
      xLabel="epoch"
      yLabel="loss"
      series={EPOCH_SERIES}
      rightScale={ACC_SCALE}
      data={data}
      version={epochs.length}
      testId="epoch-chart"
      integerX
      logToggle
      markers={markers}
      emptyText="Loss and accuracy per epoch appear after each epoch."
      singleText="One epoch so far: each marker is its value at the epoch's end; the batch loss chart shows the curve within it."
    />
  );
}
