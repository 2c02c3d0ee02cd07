import { useEffect, useRef } from 'react';
import { useCanvasUi } from '../state/canvas-ui';
import { useEditor, useEditorStore } from '../state/context';
import { canFreeze, freezableBefore } from '../../../shared/graph/freeze';
import { nodeLabel } from '../../../shared/graph/document';
import { downstreamOf } from '../../../shared/graph/backbone';

/**
 * A card's menu (right-click a card, or its ⋯ button): freeze or unfreeze the layer, or every
 * layer with weights before it (a backbone), or cut the head after it, each one undo step.
 */
export function CardMenu() {
  const menu = useCanvasUi((s) => s.cardMenu);
  const store = useEditorStore();
  const node = useEditor((s) => (menu ? s.doc.graph.nodes.find((n) => n.id === menu.nodeId) : undefined));
  const graph = useEditor((s) => s.doc.graph);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!menu) return;
    const close = (e: MouseEvent) => {
      if (!ref.current?.contains(e.target as Node)) useCanvasUi.getState().closeCardMenu();
    };
    window.addEventListener('mousedown', close);
    return () => window.removeEventListener('mousedown', close);
  }, [menu]);
  if (!menu || !node) return null;
  const close = () => useCanvasUi.getState().closeCardMenu();
  const before = freezableBefore(graph, node.id);
  const frozenBefore = before.filter((id) => graph.nodes.find((n) => n.id === id)?.params['trainable'] === false).length;
  const self = canFreeze(node);
  const after = downstreamOf(graph, node.id);
  const frozen = node.params['trainable'] === false;
  const item = (label: string, hint: string, enabled: boolean, run: () => void) => (
    <button
      type="button"
      role="menuitem"
      className="menu__item"
      disabled={!enabled}
      title={hint}
      onClick={() => {
        close();
        run();
      }}
    >
      {label}
    </button>
  );
  return (
    <div
      className="menu__list card-menu"
      role="menu"
      aria-label={`${nodeLabel(node)} menu`}
      ref={ref}
      style={{ left: menu.at.x, top: menu.at.y }}
      onKeyDown={(e) => e.key === 'Escape' && close()}
      onContextMenu={(e) => e.preventDefault()}
    >
      {item(
        `Freeze all before this layer${before.length > 0 ? ` (${before.length})` : ''}`,
        'Keep the weights of every layer before this one as they are while training (a backbone).',
        before.length > frozenBefore,
        () => store.getState().freezeBefore(node.id, true),
      )}
      {item('Unfreeze all before this layer', 'Train every layer before this one again.', frozenBefore > 0, () => store.getState().freezeBefore(node.id, false))}
      {item(
        `Cut the head after this layer${after.length > 0 ? ` (${after.length})` : ''}`,
        'Remove every layer after this one, to add a new head (a backbone keeps the weights of the layers that stay).',
        after.length > 0,
        () => {
          const gone = new Set(after);
          store.getState().deleteElements(after, graph.edges.filter((e) => gone.has(e.source) || gone.has(e.target)).map((e) => e.id));
        },
      )}
      {self ? item(frozen ? 'Unfreeze this layer' : 'Freeze this layer', 'Switch this layer\'s Trainable setting.', true, () => store.getState().setParam(node.id, 'trainable', frozen)) : null}
    </div>
  );
}
