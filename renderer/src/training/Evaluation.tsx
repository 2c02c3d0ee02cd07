import { useEffect, useRef, useState } from 'react';
import type { Evaluation as EvaluationData, SampleView } from '../../../shared/training/events';
import { useEditor, useTraining } from '../state/context';
import { WhyPanel } from './Why';

type Classification = Extract<EvaluationData, { task: 'classification' }>;
type Regression = Extract<EvaluationData, { task: 'regression' }>;
type Reconstruction = Extract<EvaluationData, { task: 'reconstruction' }>;

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** An image sample drawn at `scale` pixels per pixel. */
export function SampleImage({ sample, scale = 2, label }: { sample: Extract<SampleView, { kind: 'image' }>; scale?: number; label: string }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const ctx = ref.current?.getContext('2d');
    if (!ctx) return;
    const img = ctx.createImageData(sample.width, sample.height);
    for (let i = 0; i < sample.width * sample.height; i++) {
      const c = sample.channels;
      const r = sample.pixels[i * c] ?? 0;
      img.data[i * 4] = r;
      img.data[i * 4 + 1] = c >= 3 ? (sample.pixels[i * c + 1] ?? 0) : r;
      img.data[i * 4 + 2] = c >= 3 ? (sample.pixels[i * c + 2] ?? 0) : r;
      img.data[i * 4 + 3] = 255;
    }
    ctx.putImageData(img, 0, 0);
  }, [sample]);
  return (
    <canvas
      ref={ref}
      width={sample.width}
      height={sample.height}
      role="img"
      aria-label={label}
      style={{ width: sample.width * scale, height: sample.height * scale, imageRendering: 'pixelated' }}
    />
  );
}

function ConfusionMatrix({ ev }: { ev: Classification }) {
  const n = ev.classNames.length;
  const rowTotals = ev.confusion.map((row) => row.reduce((a, b) => a + b, 0));
  return (
    <table className="confusion" aria-label="Confusion matrix" data-testid="confusion-matrix">
      <caption>Actual (rows) × predicted (columns)</caption>
      <thead>
        <tr>
          <th scope="col" aria-label="Actual class" />
          {ev.classNames.map((c) => (
            <th key={c} scope="col" title={`Predicted ${c}`}>
              {c.length > 4 ? c.slice(0, 4) : c}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {ev.confusion.slice(0, n).map((row, a) => (
          <tr key={a}>
            <th scope="row" title={`Actual ${ev.classNames[a] ?? a}`}>
              {(ev.classNames[a] ?? String(a)).slice(0, 8)}
            </th>
            {row.map((count, p) => {
              const share = (rowTotals[a] ?? 0) > 0 ? count / (rowTotals[a] as number) : 0;
              return (
                <td
                  key={p}
                  className={a === p ? 'is-diag' : count > 0 ? 'is-off' : ''}
                  style={{ ['--share' as string]: share.toFixed(3) }}
                  title={`Actual ${ev.classNames[a]}, predicted ${ev.classNames[p]}: ${count} (${pct(share)} of the row)`}
                >
                  {count}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function PerClass({ ev }: { ev: Classification }) {
  return (
    <table className="per-class" aria-label="Per-class precision and recall">
      <thead>
        <tr>
          <th scope="col">Class</th>
          <th scope="col">Precision</th>
          <th scope="col">Recall</th>
          <th scope="col">Samples</th>
        </tr>
      </thead>
      <tbody>
        {ev.perClass.map((c) => (
          <tr key={c.name}>
            <th scope="row">{c.name}</th>
            <td>{pct(c.precision)}</td>
            <td>{pct(c.recall)}</td>
            <td>{c.support}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The most confidently wrong test examples; with a run's model, each is a button that asks why. */
function WrongGallery({ ev, picked, onPick }: { ev: Classification; picked: number | null; onPick: ((index: number | null) => void) | null }) {
  if (ev.mostConfidentWrong.length === 0) return <p className="muted small">No wrong predictions on the test samples.</p>;
  return (
    <div className="wrong-gallery__wrap">
      <ul className="wrong-gallery" aria-label="Most confidently wrong predictions">
        {ev.mostConfidentWrong.map((w) => {
          const actual = ev.classNames[w.actual] ?? String(w.actual);
          const predicted = ev.classNames[w.predicted] ?? String(w.predicted);
          const caption = `${actual} → ${predicted} (${pct(w.confidence)})`;
          const content = (
            <>
              {w.sample.kind === 'image' ? (
                <SampleImage sample={w.sample} label={`Sample ${w.index}: actual ${actual}, predicted ${predicted}`} />
              ) : w.sample.kind === 'text' ? (
                <q className="wrong-gallery__text">{w.sample.text.slice(0, 160)}</q>
              ) : (
                <code className="wrong-gallery__text">{w.sample.values.map((v) => v.toFixed(2)).join(', ')}</code>
              )}
              <span className="wrong-gallery__caption">{caption}</span>
            </>
          );
          return (
            <li key={w.index} className="wrong-gallery__item" title={`Test sample ${w.index}: actually ${actual}, predicted ${predicted} with ${pct(w.confidence)}`}>
              {onPick ? (
                <button
                  type="button"
                  className="wrong-gallery__pick"
                  aria-pressed={picked === w.index}
                  aria-label={`Why was test sample ${w.index} (actually ${actual}) predicted ${predicted}?`}
                  onClick={() => onPick(picked === w.index ? null : w.index)}
                >
                  {content}
                </button>
              ) : (
                content
              )}
            </li>
          );
        })}
      </ul>
      {onPick && picked === null ? <p className="muted small">Pick a wrong prediction to see why the model decided so.</p> : null}
    </div>
  );
}

function RegressionScatter({ ev }: { ev: Regression }) {
  const W = 220;
  const H = 180;
  const P = 24;
  const values = ev.points.flatMap((p) => [p.actual, p.predicted]);
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const span = hi - lo || 1;
  const sx = (v: number) => P + ((v - lo) / span) * (W - P - 6);
  const sy = (v: number) => H - P - ((v - lo) / span) * (H - P - 6);
  return (
    <figure className="scatter" data-testid="regression-scatter" data-points={ev.points.length}>
      <svg width={W} height={H} role="img" aria-label={`Predicted against actual for ${ev.points.length} test samples`}>
        <line x1={sx(lo)} y1={sy(lo)} x2={sx(hi)} y2={sy(hi)} className="scatter__diag" />
        {ev.points.map((p, i) => (
          <circle key={i} cx={sx(p.actual)} cy={sy(p.predicted)} r={2} className="scatter__dot" />
        ))}
        <text x={W / 2} y={H - 4} textAnchor="middle" className="scatter__label">
          actual
        </text>
        <text x={10} y={H / 2} textAnchor="middle" transform={`rotate(-90 10 ${H / 2})`} className="scatter__label">
          predicted
        </text>
      </svg>
      <figcaption className="small">
        MAE {ev.mae.toPrecision(3)} · RMSE {ev.rmse.toPrecision(3)} · R² {ev.r2.toFixed(3)}
      </figcaption>
    </figure>
  );
}

/** What the test set says about the finished run. */
export function EvaluationPanel() {
  const ev = useTraining((s) => s.run.done?.evaluation ?? null);
  if (!ev) return <p className="muted small panel-empty">After a finished run, the test set’s confusion matrix, per-class scores and mistakes appear here.</p>;
  if (ev.task === 'regression') return <RegressionScatter ev={ev} />;
  if (ev.task === 'reconstruction') return <ReconstructionEvaluation ev={ev} />;
  return <ClassificationEvaluation ev={ev} />;
}

/** An autoencoder's run: the first test images above what the model rebuilt from them. */
function ReconstructionEvaluation({ ev }: { ev: Reconstruction }) {
  return (
    <figure className="reconstruction" data-testid="reconstruction-evaluation" data-examples={ev.examples.length}>
      {ev.examples.length > 0 ? (
        <ul className="wrong-gallery" aria-label="Test images and their reconstructions">
          {ev.examples.map((e) => (
            <li key={e.index} className="wrong-gallery__item" title={`Test sample ${e.index}: the input above, the reconstruction below`}>
              {e.input.kind === 'image' ? <SampleImage sample={e.input} label={`Test sample ${e.index}`} /> : null}
              {e.output.kind === 'image' ? <SampleImage sample={e.output} label={`Reconstruction of test sample ${e.index}`} /> : null}
              <span className="wrong-gallery__caption">#{e.index}</span>
            </li>
          ))}
        </ul>
      ) : null}
      <figcaption className="small">
        The model rebuilds its input (an autoencoder){ev.examples.length > 0 ? ': test images above, their reconstructions below' : ''}. Per value: MAE {ev.mae.toPrecision(3)} · RMSE {ev.rmse.toPrecision(3)}. No classes, so no confusion matrix.
      </figcaption>
    </figure>
  );
}

function ClassificationEvaluation({ ev }: { ev: Classification }) {
  const runId = useTraining((s) => (s.run.status === 'done' && s.run.done && !s.run.done.stopped ? s.run.runId : null));
  const filePath = useEditor((s) => s.filePath);
  const projectPath = useTraining((s) => s.run.started?.projectPath) ?? filePath;
  const [picked, setPicked] = useState<number | null>(null);
  useEffect(() => setPicked(null), [runId]);
  const chosen = ev.mostConfidentWrong.find((w) => w.index === picked);
  return (
    <div className="evaluation">
      <ConfusionMatrix ev={ev} />
      <PerClass ev={ev} />
      <WrongGallery ev={ev} picked={picked} onPick={runId ? setPicked : null} />
      {runId && chosen ? (
        <WhyPanel
          runId={runId}
          projectPath={projectPath}
          example={{ sampleIndex: chosen.index }}
          targets={[
            { label: `Why ${ev.classNames[chosen.predicted] ?? chosen.predicted}?`, index: chosen.predicted },
            { label: `Why not ${ev.classNames[chosen.actual] ?? chosen.actual}?`, index: chosen.actual },
          ]}
        />
      ) : null}
    </div>
  );
}
