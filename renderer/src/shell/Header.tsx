import { useEffect, useRef, useState } from 'react';
import { useEditor, useTraining, useWorkbench } from '../state/context';
import { useAnalysis } from '../state/analysis';
import { isActive } from '../state/training';
import { formatCount } from '../canvas/format';
import { startTraining, stopTraining, togglePause } from '../training/actions';
import { importModel, newProject, openProject, openRecent, saveProject, saveProjectAs } from './file-actions';
import { useRecent } from './recent';
import { basename } from './paths';
import { useCanvasUi } from '../state/canvas-ui';
import { useExportRequest } from '../training/export-request';

function plural(n: number, word: string) {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** File menu entries that are not buttons of their own. */
function MoreFileActions() {
  const workbench = useWorkbench();
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  const recent = useRecent((s) => s.paths);
  const canExport = useTraining((s) => s.run.status === 'done' && s.run.runId !== null);
  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent) => {
      if (!ref.current?.contains(e.target as Node)) setOpen(false);
    };
    window.addEventListener('mousedown', close);
    return () => window.removeEventListener('mousedown', close);
  }, [open]);
  return (
    <div className="menu" ref={ref}>
      <button type="button" className="btn btn--icon" aria-haspopup="menu" aria-expanded={open} aria-label="More file actions" title="More file actions" onClick={() => setOpen(!open)}>
        ⋯
      </button>
      {open ? (
        <div className="menu__list" role="menu" onKeyDown={(e) => e.key === 'Escape' && setOpen(false)}>
          <button
            type="button"
            role="menuitem"
            className="menu__item"
            autoFocus
            onClick={() => {
              setOpen(false);
              void saveProjectAs(workbench);
            }}
          >
            Save As… <kbd>Ctrl+Shift+S</kbd>
          </button>
          <button
            type="button"
            role="menuitem"
            className="menu__item"
            onClick={() => {
              setOpen(false);
              void importModel(workbench);
            }}
          >
            Import model… <kbd>Ctrl+Shift+O</kbd>
          </button>
          <button
            type="button"
            role="menuitem"
            className="menu__item"
            title={canExport ? 'Export the trained model of the last run (the format chosen in the dashboard)' : 'Finish a training run first'}
            onClick={() => {
              setOpen(false);
              useExportRequest.getState().request();
            }}
          >
            Export trained model…
          </button>
          <div className="menu__sep" role="separator" />
          <div className="menu__label" id="recent-label">
            {recent.length > 0 ? 'Open recent' : 'No recent files'}
          </div>
          {recent.map((path) => (
            <button
              key={path}
              type="button"
              role="menuitem"
              className="menu__item"
              title={path}
              aria-label={`Open recent ${basename(path)}`}
              onClick={() => {
                setOpen(false);
                void openRecent(workbench, path);
              }}
            >
              {basename(path)} <span className="muted small">{path.length > 40 ? `…${path.slice(-38)}` : path}</span>
            </button>
          ))}
        </div>
      ) : null}
    </div>
  );
}

/** Project name, file actions, model summary and the Train / Stop controls. */
export function Header() {
  const workbench = useWorkbench();
  const store = workbench.editor;
  const name = useEditor((s) => (s.filePath ? basename(s.filePath) : s.doc.name));
  const filePath = useEditor((s) => s.filePath);
  const dirty = useEditor((s) => s.dirty);
  const canUndo = useEditor((s) => s.past.length > 0);
  const canRedo = useEditor((s) => s.future.length > 0);
  const training = useTraining((s) => s.run);
  const empty = useEditor((s) => s.doc.graph.nodes.length === 0);
  const trainNote = useEditor((s) => s.trainNote);
  const { graph, blockers, trainIssues } = useAnalysis();

  const errors = graph.issues.filter((i) => i.severity === 'error').length + trainIssues.filter((i) => i.severity === 'error').length;
  const warnings = graph.issues.filter((i) => i.severity === 'warning').length + trainIssues.filter((i) => i.severity === 'warning').length;
  const active = isActive(training);
  const trainDisabled = active || blockers.length > 0 || empty || trainNote !== null;
  const why = empty
    ? 'Add layers to build a model.'
    : trainNote !== null && !active
      ? trainNote
      : blockers[0]
      ? `${blockers[0].message}${blockers.length > 1 ? ` (+${blockers.length - 1} more)` : ''}`
      : active
        ? 'A run is in progress.'
        : '';

  const showWhy = why !== '' && !active;

  return (
    <header className="header">
      <div className="header__brand" aria-hidden="true">
        <span className="logo">◆</span>
      </div>
      <div className="header__project" title={filePath ?? 'Not saved yet'}>
        <span className="header__name" data-testid="project-name">
          {name}
        </span>
        {dirty ? (
          <span className="dirty-dot" role="img" aria-label="Unsaved changes" title="Unsaved changes" data-testid="dirty-indicator">
            ●
          </span>
        ) : null}
      </div>
      <div className="toolbar" role="toolbar" aria-label="File">
        <button type="button" className="btn btn--ghost" onClick={() => void newProject(workbench)} title="New project (Ctrl+N)">
          New
        </button>
        <button type="button" className="btn btn--ghost" onClick={() => void openProject(workbench)} title="Open a project (Ctrl+O)">
          Open
        </button>
        <button type="button" className="btn btn--ghost" onClick={() => void saveProject(workbench)} title="Save (Ctrl+S)">
          Save
        </button>
        <button type="button" className="btn btn--ghost" onClick={() => useCanvasUi.getState().setTemplates(true)} title="Start from a ready-made project">
          Templates
        </button>
        <MoreFileActions />
      </div>
      <div className="toolbar" role="toolbar" aria-label="Edit">
        <button type="button" className="btn btn--ghost" onClick={() => store.getState().undo()} disabled={!canUndo} title="Undo (Ctrl+Z)">
          Undo
        </button>
        <button type="button" className="btn btn--ghost" onClick={() => store.getState().redo()} disabled={!canRedo} title="Redo (Ctrl+Shift+Z)">
          Redo
        </button>
      </div>
      <div className="header__spacer" />
      <div className="header__summary">
        <span data-testid="total-params">{formatCount(graph.totalParams)} params</span>
        <span
          className="header__trainable"
          data-testid="trainable-params"
          title={`As Keras's summary(): ${graph.trainableParams.toLocaleString('en-US')} trainable, ${graph.nonTrainableParams.toLocaleString('en-US')} non-trainable (frozen layers and BatchNormalization's moving statistics)`}
        >
          {formatCount(graph.trainableParams)} trainable · {formatCount(graph.nonTrainableParams)} non-trainable
        </span>
        <span
          className={`validity ${empty ? '' : errors > 0 ? 'is-error' : warnings > 0 ? 'is-warning' : 'is-ok'}`}
          data-testid="validity"
          title={[...graph.issues, ...trainIssues].map((i) => i.message).join('\n') || undefined}
        >
          {empty ? 'Empty model' : errors > 0 ? plural(errors, 'error') : warnings > 0 ? `Valid, ${plural(warnings, 'warning')}` : 'Valid model'}
          {!empty && errors > 0 && warnings > 0 ? `, ${plural(warnings, 'warning')}` : ''}
        </span>
      </div>
      <div className="header__train">
        {showWhy ? (
          <span className="train-why" id="train-why" data-testid="train-why" title={why}>
            {why}
          </span>
        ) : null}
        <button
          type="button"
          className="btn btn--primary"
          onClick={() => void startTraining(workbench)}
          disabled={trainDisabled}
          aria-describedby={showWhy ? 'train-why' : undefined}
        >
          Train
        </button>
        <button
          type="button"
          className="btn"
          onClick={() => void togglePause(workbench.training)}
          disabled={training.status !== 'running' || training.runId === null || training.stopRequested}
          title={training.paused ? 'Continue the run' : 'Pause after the current batch'}
        >
          {training.paused ? 'Resume' : 'Pause'}
        </button>
        <button type="button" className="btn" onClick={() => void stopTraining(workbench.training)} disabled={!active || training.runId === null || training.stopRequested}>
          Stop
        </button>
      </div>
    </header>
  );
}
