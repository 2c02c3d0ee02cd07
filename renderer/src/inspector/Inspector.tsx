import { useEffect, useMemo, useRef } from 'react';
import { useEditor, useEditorStore } from '../state/context';
import type { EditorState } from '../state/store';
import { useAnalysis } from '../state/analysis';
import { shapeText } from '../canvas/format';
import { NodeInspector } from './NodeInspector';
import { TrainingSettingsForm } from './TrainingSettingsForm';

/** The right panel: the selected layer, the selected connection(s), or the training settings. */
export function Inspector() {
  const store = useEditorStore();
  const selection = useEditor((s) => s.selection);
  // The selected layer's fields, not its position: dragging does not re-render the inspector.
  const selId = useEditor((s) => (s.selection.nodes.length === 1 ? (s.selection.nodes[0] ?? null) : null));
  const findSel = (s: EditorState) => (selId === null ? undefined : s.doc.graph.nodes.find((n) => n.id === selId));
  const type = useEditor((s) => findSel(s)?.type);
  const name = useEditor((s) => findSel(s)?.name);
  const params = useEditor((s) => findSel(s)?.params);
  const panel = useRef<HTMLElement>(null);
  // Another layer (or none): start at the top of its fields. In the next frame, not in this
  // commit: setting scrollTop forces a layout, and here it forced one of the whole canvas in the
  // middle of the click that starts a drag (then React Flow's own update laid it out again).
  useEffect(() => {
    const frame = requestAnimationFrame(() => {
      if (panel.current && panel.current.scrollTop !== 0) panel.current.scrollTop = 0;
    });
    return () => cancelAnimationFrame(frame);
  }, [selId]);
  const selected = useMemo(() => (selId !== null && type !== undefined && params ? { id: selId, type, name, params } : null), [selId, type, name, params]);
  const edges = useEditor((s) => s.doc.graph.edges);
  const noteSelected = useEditor((s) => selId !== null && (s.doc.notes ?? []).some((n) => n.id === selId));
  const { graph } = useAnalysis();

  let content;
  if (selection.nodes.length === 1) {
    content = selected ? (
      <NodeInspector key={selected.id} node={selected} />
    ) : noteSelected ? (
      <div className="inspector__section" aria-label="Note properties">
        <h2 className="panel-title">Note</h2>
        <p className="muted">A comment on the canvas: saved with the project, ignored by analysis and training. Type in it on the canvas; drag it by its header.</p>
        <div className="inspector__actions">
          <button type="button" className="btn btn--danger btn--small" onClick={() => store.getState().deleteSelection()}>
            Delete note
          </button>
        </div>
      </div>
    ) : null;
  } else if (selection.nodes.length > 1 || selection.edges.length > 1) {
    content = (
      <div className="inspector__section">
        <h2 className="panel-title">
          {selection.nodes.length} layers, {selection.edges.length} connections selected
        </h2>
        <div className="inspector__actions">
          <button type="button" className="btn btn--small" onClick={() => store.getState().duplicateSelection()} disabled={selection.nodes.length === 0}>
            Duplicate selection
          </button>
          <button type="button" className="btn btn--danger btn--small" onClick={() => store.getState().deleteSelection()}>
            Delete selection
          </button>
        </div>
      </div>
    );
  } else if (selection.edges.length === 1) {
    const edge = edges.find((e) => e.id === selection.edges[0]);
    content = edge ? (
      <div className="inspector__section" aria-label="Connection properties">
        <h2 className="panel-title">Connection</h2>
        <dl className="facts">
          <dt>From</dt>
          <dd>{edge.source}</dd>
          <dt>To</dt>
          <dd>
            {edge.target} ({edge.targetPort})
          </dd>
          <dt>Shape</dt>
          <dd>{shapeText(graph.edgeShapes.get(edge.id))}</dd>
        </dl>
        <button type="button" className="btn btn--danger btn--small" onClick={() => store.getState().deleteElements([], [edge.id])}>
          Delete connection
        </button>
      </div>
    ) : null;
  } else {
    content = <TrainingSettingsForm />;
  }

  return (
    <aside className="inspector" aria-label="Inspector" ref={panel}>
      {content}
    </aside>
  );
}
