import { useEffect, useRef, useState } from 'react';
import type { Explanation, ExplanationDetail } from '../../../shared/training/explain';
import type { PredictInput } from '../../../shared/training/runs';
import { getApi } from '../platform';
import { errorText } from '../state/ui';
import { formatValue } from './UPlotChart';

/** The example to explain: a test example by index, or an input (Try it). */
export type WhyExample = { readonly sampleIndex: number } | { readonly input: PredictInput };

type ImageDetail = Extract<ExplanationDetail, { kind: 'image' }>;

/** A heat colour for 0..1: dark blue through cyan, yellow, to red (jet). */
export function heat(v: number): [number, number, number] {
  const t = Math.min(1, Math.max(0, v));
  const c = (x: number) => Math.round(255 * Math.min(1, Math.max(0, x)));
  return [c(1.5 - Math.abs(4 * t - 3)), c(1.5 - Math.abs(4 * t - 2)), c(1.5 - Math.abs(4 * t - 1))];
}

/** The image as a grey level per pixel (RGB averaged), 0..255. */
function grey(d: ImageDetail, p: number): number {
  if (d.channels < 3) return d.pixels[p * d.channels] ?? 0;
  return ((d.pixels[p * d.channels] ?? 0) + (d.pixels[p * d.channels + 1] ?? 0) + (d.pixels[p * d.channels + 2] ?? 0)) / 3;
}

/** Draws the input (`map` null), a heat map, or a heat map over the greyed input on a canvas of the image's size. */
function MapCanvas({ detail, map, overlay, label, testId, extra }: { detail: ImageDetail; map: readonly number[] | null; overlay: boolean; label: string; testId: string; extra?: Record<string, string> }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const ctx = ref.current?.getContext('2d');
    if (!ctx) return;
    const img = ctx.createImageData(detail.width, detail.height);
    for (let p = 0; p < detail.width * detail.height; p++) {
      let rgb: [number, number, number];
      if (!map) {
        rgb = detail.channels >= 3 ? [detail.pixels[p * 3] ?? 0, detail.pixels[p * 3 + 1] ?? 0, detail.pixels[p * 3 + 2] ?? 0] : [grey(detail, p), grey(detail, p), grey(detail, p)];
      } else if (overlay) {
        const v = map[p] ?? 0;
        const g = grey(detail, p) * 0.8;
        const h = heat(v);
        const a = 0.15 + 0.5 * v;
        rgb = [g * (1 - a) + h[0] * a, g * (1 - a) + h[1] * a, g * (1 - a) + h[2] * a];
      } else {
        rgb = heat(map[p] ?? 0);
      }
      img.data[p * 4] = rgb[0];
      img.data[p * 4 + 1] = rgb[1];
      img.data[p * 4 + 2] = rgb[2];
      img.data[p * 4 + 3] = 255;
    }
    ctx.putImageData(img, 0, 0);
  }, [detail, map, overlay]);
  return <canvas ref={ref} width={detail.width} height={detail.height} role="img" aria-label={label} data-testid={testId} {...extra} />;
}

/** Which conv layer Grad-CAM looks at (the last one unless chosen). */
function CamLayerSelect({ d, camLayer, setCamLayer }: { d: ImageDetail; camLayer: string | null; setCamLayer: (l: string | null) => void }) {
  if (d.convLayers.length === 0) return null;
  return (
    <label className="field field--inline">
      <span>Grad-CAM layer</span>
      <select value={camLayer ?? d.gradCam?.layer ?? ''} onChange={(ev) => setCamLayer(ev.target.value || null)}>
        {d.convLayers.map((l) => (
          <option key={l.layer} value={l.layer} title={`${l.layer} (${l.className}), output ${l.shape[0]}×${l.shape[1]}×${l.shape[2]}`}>
            {l.layer} · {l.shape[0]}×{l.shape[1]}×{l.shape[2]}
          </option>
        ))}
      </select>
    </label>
  );
}

function ImageWhy({ e }: { e: Explanation }) {
  const d = e.detail as ImageDetail;
  const cam = d.gradCam;
  return (
    <>
      <div className="why__maps">
        <figure>
          <MapCanvas detail={d} map={null} overlay={false} label="The input as the model saw it" testId="why-input" />
          <figcaption className="small muted">Input</figcaption>
        </figure>
        <figure>
          <MapCanvas
            detail={d}
            map={d.saliency}
            overlay={false}
            label={`Saliency map for ${e.target.name}: how strongly each pixel moves the score (largest gradient ${formatValue(d.saliencyMax)})`}
            testId="why-saliency"
            extra={{ 'data-max': String(d.saliencyMax) }}
          />
          <figcaption className="small muted">Saliency |∂score/∂pixel|</figcaption>
        </figure>
        {cam ? (
          <figure>
            <MapCanvas
              detail={d}
              map={cam.map}
              overlay
              label={`Grad-CAM of ${cam.layer} for ${e.target.name} over the input`}
              testId="why-gradcam"
              extra={{ 'data-layer': cam.layer, 'data-max': String(cam.max) }}
            />
            <figcaption className="small muted">
              Grad-CAM at {cam.layer} ({cam.mapWidth}×{cam.mapHeight})
            </figcaption>
          </figure>
        ) : (
          <p className="muted small">No layer with feature maps: Grad-CAM needs a conv layer.</p>
        )}
      </div>
      {cam && cam.max === 0 ? <p className="muted small">No region of {cam.layer} speaks for {e.target.name} (the map is zero everywhere).</p> : null}
    </>
  );
}

function TextWhy({ e }: { e: Explanation }) {
  const d = e.detail as Extract<ExplanationDetail, { kind: 'text' }>;
  const max = Math.max(1e-12, ...d.tokens.map((t) => Math.abs(t.attribution)));
  const ranked = [...d.tokens].sort((a, b) => b.attribution - a.attribution);
  const words = (list: typeof ranked) => [...new Set(list.map((t) => t.token))].slice(0, 5).join(', ');
  return (
    <>
      <div className="why__legend small">
        <span>
          <span className="why__swatch is-for" />
          for {e.target.name}
        </span>
        <span>
          <span className="why__swatch is-against" />
          against
        </span>
        <span className="muted">gradient × input at {d.layer}, summed over its width</span>
      </div>
      <p className="why__tokens" data-testid="why-tokens" aria-label={`Words for and against ${e.target.name}`}>
        {d.tokens.map((t) => (
          <span
            key={t.position}
            className={`why__token ${t.attribution >= 0 ? 'is-for' : 'is-against'}`}
            style={{ ['--attr-alpha' as string]: (0.08 + 0.8 * (Math.abs(t.attribution) / max)).toFixed(3) }}
            title={`${t.token}: ${formatValue(t.attribution)}`}
            data-attribution={t.attribution}
          >
            {t.token}
          </span>
        )).flatMap((s, i) => (i === 0 ? [s] : [' ', s]))}
      </p>
      <p className="small">
        Most for: <strong data-testid="why-top-for">{words(ranked.filter((t) => t.attribution > 0))}</strong> · most against:{' '}
        <strong>{words(ranked.filter((t) => t.attribution < 0).reverse())}</strong>
      </p>
    </>
  );
}

function FeaturesWhy({ e }: { e: Explanation }) {
  const d = e.detail as Extract<ExplanationDetail, { kind: 'features' }>;
  const max = Math.max(1e-12, ...d.features.map((f) => Math.abs(f.attribution)));
  const rows = [...d.features].sort((a, b) => Math.abs(b.attribution) - Math.abs(a.attribution));
  return (
    <div className="why__features small" role="table" aria-label={`Feature attributions for ${e.target.name}`} data-testid="why-features">
      {rows.map((f) => (
        <div key={f.name} role="row" style={{ display: 'contents' }} data-attribution={f.attribution}>
          <span role="cell">
            <strong>{f.name}</strong>
          </span>
          <span role="cell" className="muted">
            {f.value}
          </span>
          <span role="cell" className="why__bar" aria-hidden="true">
            <span className={f.attribution >= 0 ? 'is-for' : 'is-against'} style={{ width: `${(Math.abs(f.attribution) / max) * 50}%` }} />
          </span>
          <span role="cell">{formatValue(f.attribution)}</span>
        </div>
      ))}
    </div>
  );
}

/**
 * "Why this prediction": the trainer computes the example's attributions for a class
 * (default: the predicted one); the view depends on the data (image, text, features).
 */
export function WhyPanel({
  runId,
  projectPath,
  example,
  targets = [],
}: {
  runId: string;
  projectPath: string | null;
  example: WhyExample;
  /** Quick choices of the class to explain (the gallery's predicted and actual classes). */
  targets?: readonly { readonly label: string; readonly index: number }[];
}) {
  const [target, setTarget] = useState<number | null>(null);
  const [camLayer, setCamLayer] = useState<string | null>(null);
  const [result, setResult] = useState<Explanation | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const request = useRef(0);
  const exampleKey = 'sampleIndex' in example ? `#${example.sampleIndex}` : JSON.stringify(example.input);

  useEffect(() => {
    setTarget(null);
  }, [exampleKey, runId]);
  useEffect(() => setCamLayer(null), [runId]);

  useEffect(() => {
    const id = ++request.current;
    setBusy(true);
    setError(null);
    getApi()
      .call('runs.explain', { projectPath, runId, ...example, ...(target !== null ? { targetClass: target } : {}), ...(camLayer !== null ? { camLayer } : {}) })
      .then(
        (r) => {
          if (id !== request.current) return;
          setResult(r);
          setBusy(false);
        },
        (e) => {
          if (id !== request.current) return;
          setError(`Could not explain the prediction: ${errorText(e)}`);
          setBusy(false);
        },
      );
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `example` is a new object each render; its key says when it changed
  }, [runId, projectPath, exampleKey, target, camLayer]);

  const p = result?.prediction;
  const section = useRef<HTMLElement>(null);
  // A new example (a gallery pick, a drawing) brings the explanation into view.
  useEffect(() => {
    // Braces: Chromium's scrollIntoView returns a promise, which React would take for a cleanup.
    section.current?.scrollIntoView({ block: 'nearest' });
  }, [exampleKey]);
  return (
    <section className="why" aria-label="Why this prediction" data-testid="why" aria-busy={busy} ref={section}>
      <div className="why__side">
        <strong>Why this prediction?</strong>
        {p?.task === 'classification' ? (
          <label className="field field--inline">
            <span>Explain class</span>
            <select value={target ?? ''} onChange={(ev) => setTarget(ev.target.value === '' ? null : Number(ev.target.value))}>
              <option value="">predicted ({p.classNames[p.predicted] ?? p.predicted})</option>
              {p.classNames.map((c, i) => (
                <option key={c} value={i}>
                  {c}
                </option>
              ))}
            </select>
          </label>
        ) : null}
        {targets.length > 0 ? (
          <div className="why__quick">
            {targets.map((t) => (
              <button key={t.label} type="button" className="btn btn--small" aria-pressed={result?.target.index === t.index} onClick={() => setTarget(t.index)}>
                {t.label}
              </button>
            ))}
          </div>
        ) : null}
        {result?.detail.kind === 'image' ? <CamLayerSelect d={result.detail} camLayer={camLayer} setCamLayer={setCamLayer} /> : null}
        {busy ? <span className="muted small">Computing in the trainer…</span> : null}
        {error ? (
          <p className="error-text small" role="alert">
            {error}
          </p>
        ) : null}
        {result ? (
          <p className="small" data-testid="why-summary" data-target={result.target.name} data-sample={result.sampleIndex ?? ''}>
            Explaining <strong>{result.target.name}</strong>
            {result.label !== null ? ` (actual class ${result.label})` : ''}: {result.score.kind === 'logit' ? 'its logit' : 'the output'} is {formatValue(result.score.value)}.{' '}
            <span className="muted">
              {result.detail.kind === 'image'
                ? 'Saliency: pixels whose change moves the score most. Grad-CAM: regions of the chosen layer that raise it.'
                : result.detail.kind === 'text'
                  ? 'Each word’s share of the score (gradient × embedding).'
                  : 'Each feature’s share of the score (gradient × standardized value).'}
            </span>
          </p>
        ) : null}
      </div>
      <div className="why__main">
        {result ? result.detail.kind === 'image' ? <ImageWhy e={result} /> : result.detail.kind === 'text' ? <TextWhy e={result} /> : <FeaturesWhy e={result} /> : null}
      </div>
    </section>
  );
}
