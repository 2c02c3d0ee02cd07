import { useEffect, useRef, useState } from 'react';
import type { Prediction, PredictInput, Preprocessing } from '../../../shared/training/runs';
import { getApi } from '../platform';
import { useTraining } from '../state/context';
import { errorText } from '../state/ui';
import { digitLikeMnist, type Point } from './digit-preprocess';
import { WhyPanel } from './Why';

const SIZE = 224;

/**
 * A black square to draw a white digit on with the mouse. The strokes are kept as points and
 * drawn again like an MNIST digit (see digitLikeMnist) in a width x height frame.
 */
function DrawPad({ width, height, onChange }: { width: number; height: number; onChange: (pixels: number[] | null) => void }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const drawing = useRef(false);
  const strokes = useRef<Point[][]>([]);
  const [drawn, setDrawn] = useState(false);
  const clear = () => {
    const ctx = ref.current?.getContext('2d');
    if (!ctx) return;
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, SIZE, SIZE);
    strokes.current = [];
    setDrawn(false);
    onChange(null);
  };
  // eslint-disable-next-line react-hooks/exhaustive-deps -- a black canvas once, when it mounts
  useEffect(clear, []);
  const at = (e: React.PointerEvent<HTMLCanvasElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    return { x: ((e.clientX - r.left) / r.width) * SIZE, y: ((e.clientY - r.top) / r.height) * SIZE };
  };
  return (
    <div className="draw-pad">
      <div className="draw-pad__frame">
        <canvas
          ref={ref}
          width={SIZE}
          height={SIZE}
          role="img"
          aria-label="Drawing pad: draw a digit with the mouse"
          data-testid="draw-pad"
          data-drawn={drawn}
          onPointerDown={(e) => {
            drawing.current = true;
            e.currentTarget.setPointerCapture(e.pointerId);
            const ctx = e.currentTarget.getContext('2d');
            const p = at(e);
            strokes.current.push([p]);
            setDrawn(true);
            if (ctx) {
              ctx.strokeStyle = '#fff';
              ctx.fillStyle = '#fff';
              ctx.lineWidth = 16;
              ctx.lineCap = 'round';
              ctx.lineJoin = 'round';
              ctx.beginPath();
              ctx.arc(p.x, p.y, 8, 0, 2 * Math.PI);
              ctx.fill();
              ctx.beginPath();
              ctx.moveTo(p.x, p.y);
            }
          }}
          onPointerMove={(e) => {
            if (!drawing.current) return;
            const ctx = e.currentTarget.getContext('2d');
            const p = at(e);
            strokes.current[strokes.current.length - 1]?.push(p);
            ctx?.lineTo(p.x, p.y);
            ctx?.stroke();
          }}
          onPointerUp={() => {
            if (!drawing.current) return;
            drawing.current = false;
            onChange(digitLikeMnist(strokes.current, width, height));
          }}
        />
        {drawn ? null : (
          <span className="draw-pad__hint" aria-hidden="true">
            Draw a digit here
          </span>
        )}
      </div>
      <button type="button" className="btn btn--small" onClick={clear}>
        Clear
      </button>
    </div>
  );
}

function Probabilities({ p }: { p: Prediction }) {
  if (p.task === 'regression') {
    return (
      <p className="prediction" data-testid="prediction">
        Predicted: <strong>{p.values.map((v) => v.toPrecision(4)).join(', ')}</strong>
      </p>
    );
  }
  const order = p.probabilities.map((v, i) => ({ v, i })).sort((a, b) => b.v - a.v);
  return (
    <div>
      <p className="prediction" data-testid="prediction" data-class={p.classNames[p.predicted]}>
        Prediction: <strong>{p.classNames[p.predicted] ?? p.predicted}</strong> ({((p.probabilities[p.predicted] ?? 0) * 100).toFixed(1)}%)
      </p>
      <ul className="probs" aria-label="Class probabilities">
        {order.slice(0, 10).map(({ v, i }) => (
          <li key={i}>
            <span className="probs__name">{p.classNames[i] ?? i}</span>
            <span className="probs__bar" style={{ width: `${Math.max(1, v * 100)}%` }} />
            <span className="probs__value">{(v * 100).toFixed(1)}%</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** Predict one example with the finished run: draw a digit, type a review, or enter feature values. */
export function TryItPanel() {
  const runId = useTraining((s) => (s.run.status === 'done' && s.run.done && !s.run.done.stopped ? s.run.runId : null));
  const projectPath = useTraining((s) => s.run.projectPath);
  const [prep, setPrep] = useState<Preprocessing | null | undefined>(undefined);
  const [input, setInput] = useState<PredictInput | null>(null);
  const [text, setText] = useState('');
  const [features, setFeatures] = useState<Record<string, string>>({});
  const [result, setResult] = useState<Prediction | null>(null);
  const [error, setError] = useState<string | null>(null);
  /** The input of the prediction shown, and whether its explanation is open. */
  const [predicted, setPredicted] = useState<PredictInput | null>(null);
  const [why, setWhy] = useState(false);
  /** An autoencoder's run: its output is an image, not classes or values. */
  const [reconstruction, setReconstruction] = useState(false);

  useEffect(() => {
    setPrep(undefined);
    setPredicted(null);
    setResult(null);
    if (!runId) return;
    getApi()
      .call('runs.get', { projectPath, runId })
      .then(
        (r) => {
          setReconstruction(r.evaluation?.task === 'reconstruction');
          setPrep(r.preprocessing);
        },
        (e) => setError(`Could not read the run: ${errorText(e)}`),
      );
  }, [runId, projectPath]);

  if (!runId) return <p className="muted small panel-empty">Finish a training run to try the model on your own examples.</p>;
  if (prep === undefined) return <p className="muted small panel-empty">Loading the run…</p>;
  if (reconstruction) {
    return (
      <p className="muted small panel-empty" data-testid="try-it-reconstruction">
        This run rebuilds its input (an autoencoder): Try it shows classes or predicted values, not for reconstruction. The Evaluation tab shows test images beside their reconstructions.
      </p>
    );
  }

  const predict = async (what: PredictInput | null) => {
    if (!what) return;
    try {
      setResult(await getApi().call('runs.predict', { projectPath, runId, input: what, weights: 'final' }));
      setPredicted(what);
      setError(null);
    } catch (e) {
      setError(`Prediction failed: ${errorText(e)}`);
    }
  };

  let form;
  if (prep?.kind === 'image') {
    form = (
      <DrawPad
        width={prep.width}
        height={prep.height}
        onChange={(pixels) => {
          const next: PredictInput | null = pixels ? { kind: 'image', width: prep.width, height: prep.height, channels: 1, pixels } : null;
          setInput(next);
          if (!next) {
            setResult(null);
            setPredicted(null);
            setWhy(false);
          }
          void predict(next);
        }}
      />
    );
  } else if (prep?.kind === 'text') {
    form = (
      <div className="try-text">
        <label htmlFor="try-text" className="field__label">
          Text
        </label>
        <textarea id="try-text" className="input" rows={4} value={text} onChange={(e) => setText(e.target.value)} placeholder="Type a review…" />
        <button type="button" className="btn btn--small btn--primary" onClick={() => void predict({ kind: 'text', text })} disabled={!text.trim()}>
          Predict
        </button>
      </div>
    );
  } else if (prep?.kind === 'tabular') {
    form = (
      <form
        className="try-features"
        onSubmit={(e) => {
          e.preventDefault();
          const values: Record<string, number | string> = {};
          for (const c of prep.columns) values[c.name] = c.type === 'numeric' ? Number(features[c.name] ?? c.mean) : (features[c.name] ?? c.categories[0] ?? '');
          void predict({ kind: 'features', values });
        }}
      >
        {prep.columns.map((c) => (
          <label key={c.name} className="try-features__field">
            <span>{c.name}</span>
            {c.type === 'numeric' ? (
              <input className="input" type="number" step="any" value={features[c.name] ?? String(Number(c.mean.toPrecision(4)))} onChange={(e) => setFeatures({ ...features, [c.name]: e.target.value })} />
            ) : (
              <select className="input" value={features[c.name] ?? c.categories[0]} onChange={(e) => setFeatures({ ...features, [c.name]: e.target.value })}>
                {c.categories.map((k) => (
                  <option key={k}>{k}</option>
                ))}
              </select>
            )}
          </label>
        ))}
        <button type="submit" className="btn btn--small btn--primary">
          Predict
        </button>
      </form>
    );
  } else {
    form = <p className="muted small">This run’s data has no form to try yet.</p>;
  }

  return (
    <div className="try-it">
      {form}
      <div className="try-it__result" aria-live="polite">
        {result ? <Probabilities p={result} /> : <p className="muted small">{input ? 'Predicting…' : 'The prediction and class probabilities appear here.'}</p>}
        {result && predicted ? (
          <button type="button" className={`btn btn--small${why ? ' is-active' : ''}`} aria-pressed={why} onClick={() => setWhy(!why)} title="Show which parts of the input the prediction rests on">
            Why?
          </button>
        ) : null}
        {error ? (
          <p className="error-box" role="alert">
            {error}
          </p>
        ) : null}
      </div>
      {why && predicted ? <WhyPanel runId={runId} projectPath={projectPath} example={{ input: predicted }} /> : null}
    </div>
  );
}
