import { useCanvasUi } from '../state/canvas-ui';
import { useEditor } from '../state/context';

/** Why the connection being drawn cannot be made (useConnectionHandling.ts sets it). */
export function ConnectHint() {
  const connectHint = useCanvasUi((s) => s.connectHint);
  if (!connectHint) return null;
  return (
    <div className="connect-hint" role="status" data-testid="connect-hint">
      Can’t connect: {connectHint}
    </div>
  );
}

/** How to start, over an empty canvas. */
export function EmptyCanvasHelp() {
  const empty = useEditor((s) => s.doc.graph.nodes.length === 0);
  if (!empty) return null;
  return (
    <div className="canvas__empty" aria-hidden="true">
      <span>Drag layers from the palette onto the canvas, click one to add it, or start from a template.</span>
      <span>
        Double-click here or press <kbd>/</kbd> to search for a layer; <kbd>?</kbd> lists every shortcut.
      </span>
      <span>Connect an output handle (right) to an input handle (left).</span>
    </div>
  );
}
