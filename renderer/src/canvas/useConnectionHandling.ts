import { useCallback, useRef } from 'react';
import type { Connection, IsValidConnection, OnConnectEnd } from '@xyflow/react';
import { connectionProblem } from '../../../shared/graph/connect';
import { useAnalysis } from '../state/analysis';
import { useCanvasUi } from '../state/canvas-ui';
import { useEditorStore } from '../state/context';
import { fixableRefusal, FROM_INPUT_HINT, toConnection } from './connection-refusal';

/** How long a refusal stays readable after the mouse is released. */
const HINT_MS = 3000;

/**
 * Drawing connections: each candidate is checked while the wire is dragged by the one connection
 * rule (shared/graph/connect.ts), its refusal shown as the connect hint; a refusal one click can
 * fix stays, with its fixes, until used or dismissed (ConnectFixPanel); an allowed one is made by
 * the store.
 */
export function useConnectionHandling(): {
  isValidConnection: IsValidConnection;
  onConnectStart: () => void;
  onConnectEnd: OnConnectEnd;
  onConnect: (c: Connection) => void;
} {
  const store = useEditorStore();
  const { graph: analysis } = useAnalysis();
  // Read when a wire moves, not a reason to hand React Flow new callbacks.
  const analysisRef = useRef(analysis);
  analysisRef.current = analysis;
  const hintTimer = useRef<number | null>(null);

  const isValidConnection = useCallback<IsValidConnection>(
    (c) => {
      if ((c.sourceHandle ?? 'out') !== 'out') {
        useCanvasUi.getState().setConnectHint(FROM_INPUT_HINT);
        return false;
      }
      const a = analysisRef.current;
      const why = connectionProblem(store.getState().doc.graph, toConnection(c), (id) => ({ outputShape: a.nodes.get(id)?.outputShape }));
      useCanvasUi.getState().setConnectHint(why);
      return why === null;
    },
    [store],
  );

  const onConnectStart = useCallback(() => {
    if (hintTimer.current !== null) window.clearTimeout(hintTimer.current);
    useCanvasUi.getState().setConnectHint(null);
    useCanvasUi.getState().setConnectFix(null);
  }, []);

  const onConnectEnd = useCallback<OnConnectEnd>(
    (_e, state) => {
      if (state.isValid === false && state.fromNode && state.toNode && state.toHandle && state.fromHandle?.type === 'source') {
        const c = { source: state.fromNode.id, target: state.toNode.id, targetPort: state.toHandle.id ?? 'in' };
        const a = analysisRef.current;
        const fix = fixableRefusal(store.getState().doc.graph, c, (id) => a.nodes.get(id)?.outputShape);
        if (fix) {
          useCanvasUi.getState().setConnectHint(null);
          useCanvasUi.getState().setConnectFix(fix);
          return;
        }
      }
      hintTimer.current = window.setTimeout(() => useCanvasUi.getState().setConnectHint(null), HINT_MS);
    },
    [store],
  );

  const onConnect = useCallback(
    (c: Connection) => {
      store.getState().connect(toConnection(c));
    },
    [store],
  );

  return { isValidConnection, onConnectStart, onConnectEnd, onConnect };
}
