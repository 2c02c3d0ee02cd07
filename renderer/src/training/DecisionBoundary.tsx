import { useEffect, useRef, useState } from 'react';
import { TWO_FEATURE_DATASETS, type DecisionGrid } from '../../../shared/training/runs';
import { BOUNDARY_RANGE } from '../../../shared/training/insight';
import { getApi } from '../platform';
import { useEditor } from '../state/context';
import { errorText } from '../state/ui';

/** The plane shown: the synthetic sets lie roughly in [-1, 1]; noise spills a little beyond. */
const RANGE = BOUNDARY_RANGE;
const GRID_SIZE = 60;
const PIXELS = 300;
/** Class A and class B, as TensorFlow Playground colours them. */
const CLASS_A = [245, 147, 34] as const;
const CLASS_B = [8, 119, 189] as const;

/** Colour of a cell: class A's colour at p = 0, white at 0.5, class B's at 1. */
function cellColour(p: number): string {
  const t = Math.min(1, Math.abs(p - 0.5) * 2);
  const c = p >= 0.5 ? CLASS_B : CLASS_A;
  const mix = (k: 0 | 1 | 2) => Math.round(255 + (c[k] - 255) * t * 0.75);
  return `rgb(${mix(0)}, ${mix(1)}, ${mix(2)})`;
}

export function drawBoundary(canvas: HTMLCanvasElement, grid: DecisionGrid): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const { size, xRange, yRange } = grid;
  const cell = canvas.width / size;
  for (let row = 0; row < size; row++) {
    for (let col = 0; col < size; col++) {
      ctx.fillStyle = cellColour(grid.positive[row * size + col] ?? 0.5);
      ctx.fillRect(Math.floor(col * cell), Math.floor(row * cell), Math.ceil(cell), Math.ceil(cell));
    }
  }
  const toX = (x: number) => ((x - xRange[0]) / (xRange[1] - xRange[0])) * canvas.width;
  const toY = (y: number) => ((yRange[1] - y) / (yRange[1] - yRange[0])) * canvas.height;
  ctx.lineWidth = 1;
  ctx.strokeStyle = 'rgba(255, 255, 255, 0.9)';
  for (const p of grid.points) {
    const c = p.label === 1 ? CLASS_B : CLASS_A;
    ctx.fillStyle = `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
    ctx.beginPath();
    ctx.arc(toX(p.x), toY(p.y), 3, 0, 2 * Math.PI);
    ctx.fill();
    ctx.stroke();
  }
}

/**
 * For the two-feature data sets: what the model predicts over the plane (class A
 * orange, class B blue, paler where it is unsure) with the training points over it.
 * While training it redraws from the trainer's live grids (at most twice a second);
 * once the run is done, from the saved model's prediction.
 */
export function DecisionBoundaryPanel() {
  const dataset = useEditor((s) => s.doc.training.dataset);
  const runId = useEditor((s) => (s.training.status === 'done' && s.training.done ? s.training.runId : null));
  const live = useEditor((s) => s.training.grid);
  const projectPath = useEditor((s) => s.training.started?.projectPath ?? s.filePath);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [final, setFinal] = useState<DecisionGrid | null>(null);
  const [error, setError] = useState<string | null>(null);
  const twoFeature = (TWO_FEATURE_DATASETS as readonly string[]).includes(dataset);
  // The latest live grid stays until the saved model's arrives.
  const grid = final ?? live?.grid ?? null;
  const source = final ? 'final' : live ? 'live' : 'none';

  useEffect(() => {
    setFinal(null);
    setError(null);
    if (!runId || !twoFeature) return;
    let on = true;
    getApi()
      .call('runs.predictGrid', { projectPath, runId, xRange: RANGE, yRange: RANGE, size: GRID_SIZE })
      .then(
        (g) => on && setFinal(g),
        (e) => on && setError(`Could not draw the decision boundary: ${errorText(e)}`),
      );
    return () => {
      on = false;
    };
  }, [runId, projectPath, twoFeature]);

  useEffect(() => {
    if (grid && canvas.current) drawBoundary(canvas.current, grid);
  }, [grid]);

  if (!twoFeature) return <p className="muted small panel-empty">The decision boundary is drawn for the two-feature data sets (xor, circles, spirals, gaussians).</p>;
  if (!runId && !live) return <p className="muted small panel-empty">Train a model to see where it puts the boundary between the classes; it redraws while training.</p>;
  if (error) return <p className="error-text" role="alert">{error}</p>;
  return (
    <div className="boundary">
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
        data-step={source === 'live' ? live?.step : undefined}
      />
      <p className="muted small">
        {grid ? (
          <>
            Orange: class A, blue: class B; paler where the model is unsure. {grid.points.length} training points over the model’s prediction on a {grid.size}×{grid.size} grid from {RANGE[0]} to {RANGE[1]}
            {source === 'live' && live ? ` — live, epoch ${live.epoch + 1}, step ${live.step}.` : '.'}
          </>
        ) : (
          'Predicting over the plane…'
        )}
      </p>
    </div>
  );
}
