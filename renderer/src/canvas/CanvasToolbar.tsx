import { Panel, useReactFlow } from '@xyflow/react';
import { FIT_VIEW_ANIMATED } from './fit';
import { useEditor, useEditorStore, useWorkbench } from '../state/context';
import { useCanvasUi } from '../state/canvas-ui';
import { autoLayout } from './actions';
import { EditMenu } from './EditMenu';
import { freeSpotInView } from './visible-area';
import { toggleStepMode } from '../step/step-actions';
import { useStep } from '../step/step-store';

/** Buttons over the canvas for what the keyboard also does (see the cheat sheet). */
export function CanvasToolbar() {
  const store = useEditorStore();
  const workbench = useWorkbench();
  const flow = useReactFlow();
  const empty = useEditor((s) => s.doc.graph.nodes.length === 0);
  const stepping = useStep((s) => s.open);

  const quickAdd = () => {
    const pane = document.querySelector('.canvas')?.getBoundingClientRect();
    if (!pane) return;
    // The layer goes where a click in the palette would put it: in view, clear of the floating panels.
    const { at } = freeSpotInView(flow, store.getState().doc.graph.nodes);
    const screen = flow.flowToScreenPosition(at);
    useCanvasUi.getState().openQuickAdd({ x: Math.max(8, Math.min(screen.x - pane.left, pane.width - 280)), y: Math.max(56, Math.min(screen.y - pane.top, pane.height - 200)) }, at);
  };

  return (
    <Panel position="top-left" className="canvas-toolbar">
      <div role="toolbar" aria-label="Canvas tools">
        <button type="button" className="btn btn--small" onClick={quickAdd} title="Search for a layer to add (/ or double-click the canvas)">
          Quick add
        </button>
        <button
          type="button"
          className="btn btn--small"
          onClick={() => {
            const pane = document.querySelector('.canvas')?.getBoundingClientRect();
            if (!pane) return;
            store.getState().addNote(flow.screenToFlowPosition({ x: pane.left + pane.width / 2 - 110, y: pane.top + 80 }));
          }}
          title="Add a note to the canvas (N)"
        >
          Add note
        </button>
        <span className="canvas-toolbar__sep" aria-hidden="true" />
        <EditMenu />
        <span className="canvas-toolbar__sep" aria-hidden="true" />
        <button type="button" className="btn btn--small" disabled={empty} onClick={() => autoLayout(store, flow)} title="Arrange the graph left to right (Shift+L)">
          Auto-layout
        </button>
        <button type="button" className="btn btn--small" disabled={empty} onClick={() => void flow.fitView(FIT_VIEW_ANIMATED)} title="Zoom to fit (F)">
          Zoom to fit
        </button>
        <span className="canvas-toolbar__sep" aria-hidden="true" />
        <button
          type="button"
          className={`btn btn--small${stepping ? ' is-active' : ''}`}
          aria-pressed={stepping}
          disabled={empty}
          onClick={() => toggleStepMode(workbench)}
          title="Step one test example through the trained model, forward layer by layer, then backward (Shift+S)"
        >
          Step through
        </button>
        <button type="button" className="btn btn--small" onClick={() => useCanvasUi.getState().setCheatSheet(true)} title="Keyboard shortcuts (?)" aria-label="Keyboard shortcuts">
          ?
        </button>
      </div>
    </Panel>
  );
}
