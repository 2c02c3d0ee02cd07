import { useTraining } from '../state/context';

export function formatDuration(sec: number): string {
  if (!Number.isFinite(sec) || sec < 0) return '—';
  const s = Math.round(sec);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${String(r).padStart(2, '0')}` : `${m}:${String(r).padStart(2, '0')}`;
}

/** Epoch k/N, batch i/M, throughput and ETA, with a progress bar over the whole run. */
export function Progress() {
  const t = useTraining((s) => s.run);
  const started = t.started;
  const batch = t.lastBatch;
  const total = started ? started.epochs * started.batchesPerEpoch : 0;
  const doneSteps = batch && started ? batch.epoch * started.batchesPerEpoch + batch.batch + 1 : 0;
  const finished = t.status === 'done' && t.done && !t.done.stopped;
  const fraction = finished ? 1 : total > 0 ? Math.min(1, doneSteps / total) : 0;
  const percent = Math.round(fraction * 100);
  const epochText = started ? `Epoch ${batch ? batch.epoch + 1 : 0}/${started.epochs}` : 'Epoch –';
  const batchText = started ? `Batch ${batch ? batch.batch + 1 : 0}/${started.batchesPerEpoch}` : 'Batch –';
  const label = started ? `${epochText}, ${batchText}` : 'Not started';

  return (
    <div className="progress">
      <div
        className={`progress__bar${t.status === 'running' ? ' is-running' : ''}`}
        role="progressbar"
        aria-label="Training progress"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-valuetext={`${percent}% — ${label}`}
      >
        <div className="progress__fill" style={{ width: `${percent}%` }} />
      </div>
      <div className="progress__stats">
        <span data-testid="progress-epoch">{epochText}</span>
        <span data-testid="progress-batch">{batchText}</span>
        <span>{batch ? `${Math.round(batch.samplesPerSec).toLocaleString('en-US')} samples/s` : '– samples/s'}</span>
        <span>ETA {batch && t.status === 'running' ? formatDuration(batch.etaSec) : '–'}</span>
        <span className="progress__pct">{percent}%</span>
      </div>
    </div>
  );
}
