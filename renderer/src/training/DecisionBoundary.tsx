import { useEffect, useId, useRef, useState } from 'react';
import { TWO_FEATURE_DATASETS, hasDecisionBoundary, type DecisionGrid } from '../../../shared/training/runs';
import { BOUNDARY_RANGE } from '../../../shared/training/insight';
import { getApi } from '../platform';
import { useEditor, useTraining } from '../state/context';
import { isActive } from '../state/training';
import { errorText } from '../state/ui';
import { cellColour, classColour, gridClassNames } from './boundary-colours';

/** The plane shown for the synthetic sets: they lie roughly in [-1, 1]; noise spills a little beyond. */
const RANGE = BOUNDARY_RANGE;
const GRID_SIZE = 60;
const PIXELS = 300;

const rgb = (c: readonly number[]) => `rgb(${c[0]}, ${c[1]}, ${c[2]})`;

export function drawBoundary(canvas: HTMLCanvasElement, grid: DecisionGrid): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const { size, xRange, yRange } = grid;
  const classes = gridClassNames(grid).length;
  const cell = canvas.width / size;
  for (let row = 0; row < size; row++) {
    for (let col = 0; col < size; col++) {
      ctx.fillStyle = rgb(cellColour(grid, row * size + col, classes));
      ctx.fillRect(Math.floor(col * cell), Math.floor(row * cell), Math.ceil(cell), Math.ceil(cell));
    }
  }
  const toX = (x: number) => ((x - xRange[0]) / (xRange[1] - xRange[0])) * canvas.width;
  const toY = (y: number) => ((yRange[1] - y) / (yRange[1] - yRange[0])) * canvas.height;
  ctx.lineWidth = 1;
  ctx.strokeStyle = 'rgba(255, 255, 255, 0.9)';
  for (const p of grid.points) {
    ctx.fillStyle = rgb(classColour(p.label));
    ctx.beginPath();
    ctx.arc(toX(p.x), toY(p.y), 3, 0, 2 * Math.PI);
    ctx.fill();
    ctx.stroke();
  }
}

/** A number for an axis end: a few significant digits. */
const tick = (v: number) => String(Number(v.toPrecision(3)));

type Axes = { readonly x: string; readonly y: string };

/** Across and up: two selects over the table's numeric features (shown when there are more than two). */
function AxisPicker({ grid, onPick }: { grid: DecisionGrid; onPick: (axes: Axes) => void }) {
  const id = useId();
  const axes = grid.axes;
  if (!axes || axes.numeric.length <= 2) return null;
  const select = (which: 'x' | 'y', label: string) => (
    <label className="boundary__axis" htmlFor={`${id}-${which}`}>
      <span>{label}</span>
      <select
        id={`${id}-${which}`}
        className="input"
        value={axes[which]}
        onChange={(e) => {
          const value = e.target.value;
          const other = which === 'x' ? axes.y : axes.x;
          // Picking the other axis's feature swaps the two.
          const next = value === other ? { x: axes.y, y: axes.x } : which === 'x' ? { x: value, y: axes.y } : { x: axes.x, y: value };
          onPick(next);
        }}
      >
        {axes.numeric.map((f) => (
          <option key={f} value={f}>
            {f}
          </option>
        ))}
      </select>
    </label>
  );
  return (
    <div className="boundary__axes" role="group" aria-label="Features on the axes">
      {select('x', 'Across')}
      {select('y', 'Up')}
    </div>
  );
}

function Legend({ grid }: { grid: DecisionGrid }) {
  const names = gridClassNames(grid);
  return (
    <ul className="boundary__legend" aria-label="Classes">
      {names.map((n, i) => (
        <li key={n}>
          <span className="boundary__swatch" style={{ background: rgb(classColour(i)) }} aria-hidden="true" />
          {n}
        </li>
      ))}
    </ul>
  );
}

/**
 * What the model predicts over a plane, with the training points over it: for the two-feature
 * sets their own plane (redrawn live while training, like TensorFlow Playground); for a table
 * (iris, wine, any CSV) two numeric features picked across and up, the others held at their
 * training means, drawn from the saved model once the run has ended.
 */
export function DecisionBoundaryPanel() {
  const settings = useEditor((s) => s.doc.training);
  const dataset = settings.dataset;
  const runId = useTraining((s) => (s.run.status === 'done' && s.run.done ? s.run.runId : null));
  const running = useTraining((s) => isActive(s.run));
  const live = useTraining((s) => s.run.grid);
  const projectPath = useTraining((s) => s.run.projectPath);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [final, setFinal] = useState<DecisionGrid | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [axes, setAxes] = useState<Axes | null>(null);
  const [loading, setLoading] = useState(false);
  const twoFeature = (TWO_FEATURE_DATASETS as readonly string[]).includes(dataset);
  const drawable = hasDecisionBoundary(settings);
  // The latest live grid stays until the saved model's arrives.
  const grid = final ?? live?.grid ?? null;
  const source = final ? 'final' : live ? 'live' : 'none';

  // Another table: its own features.
  useEffect(() => setAxes(null), [dataset, settings.data.path]);

  useEffect(() => {
    setError(null);
    if (!runId || !drawable) {
      setFinal(null);
      return;
    }
    let on = true;
    setLoading(true);
    const plane = twoFeature ? { xRange: RANGE, yRange: RANGE } : axes ? { features: axes } : {};
    getApi()
      .call('runs.predictGrid', { projectPath, runId, size: GRID_SIZE, ...plane })
      .then(
        (g) => on && setFinal(g),
        (e) => {
          if (!on) return;
          setFinal(null);
          setError(`Could not draw the decision boundary: ${errorText(e)}`);
        },
      )
      .finally(() => on && setLoading(false));
    return () => {
      on = false;
    };
  }, [runId, projectPath, drawable, twoFeature, axes]);

  useEffect(() => {
    if (grid && canvas.current) drawBoundary(canvas.current, grid);
  }, [grid]);

  if (!drawable) {
    return (
      <p className="muted small panel-empty">
        {settings.dataset === 'diabetes' || (settings.dataset === 'csv' && settings.data.regression)
          ? 'The decision boundary is drawn for classification; this data set predicts a number.'
          : 'The decision boundary is drawn for the two-feature data sets (xor, circles, spirals, gaussians) and for tables (iris, wine, a CSV file) over two of their numeric features.'}
      </p>
    );
  }
  if (!runId && !live) {
    return (
      <p className="muted small panel-empty">
        {twoFeature
          ? 'Train a model to see where it puts the boundary between the classes; it redraws while training.'
          : running
            ? 'Training… the boundary is drawn from the model when the run ends.'
            : 'Train a model to see where it puts the boundary between the classes over two of the table’s numeric features (the others held at their means).'}
      </p>
    );
  }
  if (error) return <p className="error-text" role="alert">{error}</p>;
  const names = grid ? gridClassNames(grid) : [];
  return (
    <div className="boundary">
      <div className="boundary__plot">
        {grid?.axes ? (
          <span className="boundary__y-label" data-testid="boundary-y-label">
            {grid.axes.y} ↑ {tick(grid.yRange[0])} – {tick(grid.yRange[1])}
          </span>
        ) : null}
        <canvas
          ref={canvas}
          width={PIXELS}
          height={PIXELS}
          className="boundary__canvas"
          role="img"
          aria-label="Decision boundary"
          data-drawn={grid ? 'true' : 'false'}
          data-points={grid?.points.length ?? 0}
          data-source={source}
          data-loading={loading ? 'true' : 'false'}
          data-axes={grid?.axes ? `${grid.axes.x},${grid.axes.y}` : undefined}
          data-step={source === 'live' ? live?.step : undefined}
        />
        {grid?.axes ? (
          <span className="boundary__x-label" data-testid="boundary-x-label">
            {grid.axes.x} → {tick(grid.xRange[0])} – {tick(grid.xRange[1])}
          </span>
        ) : null}
      </div>
      <div className="boundary__side">
        {grid ? <AxisPicker grid={grid} onPick={setAxes} /> : null}
        {grid ? <Legend grid={grid} /> : null}
        <p className="muted small">
          {grid ? (
            grid.axes ? (
              <>
                The model’s likeliest class over {grid.axes.x} and {grid.axes.y}
                {grid.axes.heldAtMean.length > 0 ? <>, with {grid.axes.heldAtMean.join(', ')} held at their training means</> : null}; paler where it is unsure. {grid.points.length}{' '}
                training rows drawn over it.
              </>
            ) : (
              <>
                {names.length === 2 ? 'Orange: class A, blue: class B' : 'Each class its colour'}; paler where the model is unsure. {grid.points.length} training points over the model’s prediction on a{' '}
                {grid.size}×{grid.size} grid from {grid.xRange[0]} to {grid.xRange[1]}
                {source === 'live' && live ? ` — live, epoch ${live.epoch + 1}, step ${live.step}.` : '.'}
              </>
            )
          ) : (
            'Predicting over the plane…'
          )}
        </p>
      </div>
    </div>
  );
}
