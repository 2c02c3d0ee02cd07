import { useEffect, useId, useRef } from 'react';
import { DATASET_IDS } from '../../../shared/graph/document';
import { useWorkbench } from '../state/context';
import { useCanvasUi } from '../state/canvas-ui';
import { errorText, useUi } from '../state/ui';
import { confirmDiscard } from '../shell/file-actions';
import { describeGoal } from '../../../shared/training/template-goal';
import { TEMPLATES, datasetName, openTemplate, type Template } from './templates';
import { startFromTemplateBackbone } from './template-backbone';

/** The gallery: ready-made projects to start from. */
export function TemplatesDialog() {
  const open = useCanvasUi((s) => s.templates);
  return open ? <Gallery /> : null;
}

function Gallery() {
  const workbench = useWorkbench();
  const store = workbench.editor;
  const titleId = useId();
  const first = useRef<HTMLButtonElement>(null);
  const datasets = useUi((s) => s.datasets);
  const close = () => useCanvasUi.getState().setTemplates(false);
  useEffect(() => first.current?.focus(), []);

  const choose = async (t: Template) => {
    close();
    if (!(await confirmDiscard(workbench, 'Open a template'))) return;
    try {
      const { doc, trainNote } = openTemplate(t);
      store.getState().loadProject(doc, null, { trainNote });
    } catch (e) {
      useUi.getState().notify('error', `Could not open the template. ${errorText(e)}`);
      return;
    }
    if (t.backbone) await startFromTemplateBackbone(store, t.backbone);
  };

  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && close()}>
      <div
        className="modal templates"
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.stopPropagation();
            close();
          }
        }}
      >
        <h2 id={titleId} className="modal__title">
          Templates
        </h2>
        <ul className="templates__grid" aria-label="Templates">
          {TEMPLATES.map((t, i) => {
            const known = (DATASET_IDS as readonly string[]).includes(t.dataset);
            const info = datasets.find((d) => d.id === t.dataset);
            const note = !known
              ? `${datasetName(t.dataset)} is not in this version yet`
              : typeof t.raw['unsupported'] === 'string'
                ? 'Shows the design; cannot train yet'
                : info?.available === false
                  ? `Data not installed: ${info.unavailableReason ?? 'see the data set list'}`
                  : null;
            return (
              <li key={t.id} className="template-card">
                <h3 className="template-card__name">{t.name}</h3>
                <p className="template-card__desc">{t.description}</p>
                <p className="template-card__meta muted">
                  {datasetName(t.dataset)} · {t.layers} layers
                  {t.goal && !note ? ` · ${describeGoal(t.goal)}` : ''}
                </p>
                {note ? <p className="template-card__note">{note}</p> : null}
                <button type="button" className="btn btn--small btn--primary" ref={i === 0 ? first : undefined} onClick={() => void choose(t)} aria-label={`Open template ${t.name}`}>
                  Open
                </button>
              </li>
            );
          })}
        </ul>
        <div className="modal__actions">
          <button type="button" className="btn" onClick={close}>
            Close
          </button>
        </div>
      </div>
    </div>
  );
}
