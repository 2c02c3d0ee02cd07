import { Panel, useReactFlow } from '@xyflow/react';
import { FIT_VIEW_ANIMATED } from './fit';
import { useEditor, useEditorStore } from '../state/context';
import { useCanvasUi } from '../state/canvas-ui';
import { autoLayout, copySelection, pasteLayers, ungroupSelection } from './actions';
import { BLOCK_NODE_TYPE } from '../../../shared/graph/block-schema';
import { toggleStepMode } from '../step/step-actions';
import { useStep } from '../step/step-store';

/** Buttons over the canvas for what the keyboard also does (see the cheat sheet). */
export function CanvasToolbar() {
  const store = useEditorStore();
  const flow = useReactFlow();
  const selected = useEditor((s) => s.selection.nodes.length);
  const empty = useEditor((s) => s.doc.graph.nodes.length === 0);
  const stepping = useStep((s) => s.open);
  const blockSelected = useEditor((s) => s.doc.graph.nodes.some((n) => n.type === BLOCK_NODE_TYPE && s.selection.nodes.includes(n.id)));

  const quickAdd = () => {
    const pane = document.querySelector('.canvas')?.getBoundingClientRect();
    if (!pane) return;
    const client = { x: pane.left + pane.width / 2 - 130, y: pane.top + 60 };
    useCanvasUi.getState().openQuickAdd({ x: client.x - pane.left, y: client.y - pane.top }, flow.screenToFlowPosition(client));
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
        <button type="button" className="btn btn--small" disabled={selected === 0} onClick={() => void copySelection(store)} title="Copy the selected layers (Ctrl+C)">
          Copy
        </button>
        <button type="button" className="btn btn--small" onClick={() => void pasteLayers(store)} title="Paste layers (Ctrl+V)">
          Paste
        </button>
        <button type="button" className="btn btn--small" disabled={selected === 0} onClick={() => store.getState().duplicateSelection()} title="Duplicate the selected layers (Ctrl+D)">
          Duplicate
        </button>
        <span className="canvas-toolbar__sep" aria-hidden="true" />
        <button type="button" className="btn btn--small" disabled={selected === 0} onClick={() => useCanvasUi.getState().setGroupDialog(true)} title="Group the selected layers into one block node (Ctrl+G)">
          Group into block
        </button>
        <button type="button" className="btn btn--small" disabled={!blockSelected} onClick={() => ungroupSelection(store)} title="Put the selected block's layers back on the canvas (Ctrl+Shift+G)">
          Ungroup
        </button>
        <span className="canvas-toolbar__sep" aria-hidden="true" />
        <button type="button" className="btn btn--small" disabled={selected < 2} onClick={() => store.getState().alignSelection('left')} title="Give the selected layers the same left edge">
          Align left
        </button>
        <button type="button" className="btn btn--small" disabled={selected < 2} onClick={() => store.getState().alignSelection('top')} title="Put the selected layers in one row">
          Align top
        </button>
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
          onClick={() => toggleStepMode(store)}
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
