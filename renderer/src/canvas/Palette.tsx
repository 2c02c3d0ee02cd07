import { useCallback, useMemo, useRef, useState, type DragEvent } from 'react';
import { useReactFlow } from '@xyflow/react';
import { CATEGORY_ORDER, LAYER_SPECS } from '../../../shared/layers/registry';
import type { LayerSpec } from '../../../shared/layers/types';
import { useEditorStore } from '../state/context';
import { setLayerDrag } from './dnd';
import { findFreeSpot, NODE_SIZE, type Box } from './placement';
import { searchLayers } from './search';

function groupsOf(specs: readonly LayerSpec[]) {
  return CATEGORY_ORDER.map((category) => ({ category, specs: specs.filter((s) => s.category === category) })).filter((g) => g.specs.length > 0);
}
const ALL_GROUPS = groupsOf(LAYER_SPECS);

/** The layer palette: drag an item onto the canvas, or click it to add it in view. */
export function Palette() {
  const store = useEditorStore();
  const { screenToFlowPosition, getInternalNode } = useReactFlow();
  const ref = useRef<HTMLElement>(null);
  const [query, setQuery] = useState('');
  const matches = useMemo(() => (query.trim() ? searchLayers(query) : null), [query]);
  const groups = useMemo(() => (matches ? groupsOf(matches) : ALL_GROUPS), [matches]);

  const addInView = useCallback(
    (spec: LayerSpec) => {
      const pane = ref.current?.parentElement?.querySelector('.react-flow');
      const rect = pane?.getBoundingClientRect();
      const view: Box = rect
        ? (() => {
            const a = screenToFlowPosition({ x: rect.left, y: rect.top });
            const b = screenToFlowPosition({ x: rect.right, y: rect.bottom });
            return { x: a.x, y: a.y, width: b.x - a.x, height: b.y - a.y };
          })()
        : { x: 0, y: 0, width: 800, height: 400 };
      const boxes = store.getState().doc.graph.nodes.map((n) => {
        const m = getInternalNode(n.id)?.measured;
        return { ...n.position, width: m?.width ?? NODE_SIZE.width, height: m?.height ?? NODE_SIZE.height };
      });
      store.getState().addNode(spec.type, findFreeSpot(boxes, view));
    },
    [getInternalNode, screenToFlowPosition, store],
  );

  const onDragStart = (e: DragEvent, spec: LayerSpec) => setLayerDrag(e.dataTransfer, spec.type);

  return (
    <nav className="palette" aria-label="Layers" ref={ref}>
      <h2 className="panel-title">Layers</h2>
      <input
        className="input palette__search"
        type="search"
        aria-label="Search layers"
        placeholder="Search layers…"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        onKeyDown={(e) => {
          const first = matches?.[0];
          if (e.key === 'Enter' && first) {
            e.preventDefault();
            addInView(first);
          } else if (e.key === 'Escape') setQuery('');
        }}
      />
      {matches && matches.length === 0 ? <p className="muted small">No layer matches “{query}”.</p> : null}
      {groups.map((g) => (
        <section key={g.category} className="palette__group" aria-label={`${g.category} layers`}>
          <h3 className="palette__category">{g.category}</h3>
          <ul>
            {g.specs.map((spec) => (
              <li key={spec.type}>
                <button
                  type="button"
                  className="palette__item"
                  draggable
                  onDragStart={(e) => onDragStart(e, spec)}
                  onClick={() => addInView(spec)}
                  aria-label={`Add ${spec.label}`}
                  title={`${spec.description}\nDrag onto the canvas, or click to add.`}
                  data-testid={`palette-${spec.type}`}
                >
                  <span className={`palette__icon cat-${g.category.toLowerCase()}`} aria-hidden="true" />
                  <span className="palette__label">{spec.label}</span>
                </button>
              </li>
            ))}
          </ul>
        </section>
      ))}
      <p className="palette__hint">Drag onto the canvas or click to add. Connect right handles to left handles.</p>
    </nav>
  );
}
