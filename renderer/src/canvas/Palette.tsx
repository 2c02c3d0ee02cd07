import { Fragment, useCallback, useMemo, useState, type DragEvent, type ReactNode } from 'react';
import { useReactFlow } from '@xyflow/react';
import { CATEGORY_ORDER, LAYER_SPECS } from '../../../shared/layers/registry';
import type { LayerSpec } from '../../../shared/layers/types';
import { useEditor, useEditorStore } from '../state/context';
import { setBlockDrag, setLayerDrag } from './dnd';
import { BUILTIN_BLOCKS } from '../../../shared/graph/builtin-blocks';
import type { BlockDefinition } from '../../../shared/graph/block-schema';
import type { XY } from '../state/history';
import { freeSpotInView } from './visible-area';
import { FIT_VIEW_ANIMATED } from './fit';
import { searchLayers } from './search';

function groupsOf(specs: readonly LayerSpec[]) {
  return CATEGORY_ORDER.map((category) => ({ category, specs: specs.filter((s) => s.category === category) })).filter((g) => g.specs.length > 0);
}
const ALL_GROUPS = groupsOf(LAYER_SPECS);
const NO_BLOCKS: readonly BlockDefinition[] = [];

/** The built-in blocks, then the project's own (a built-in one already copied into the project once). */
function paletteBlocks(own: readonly BlockDefinition[], query: string): BlockDefinition[] {
  const builtin = new Set(BUILTIN_BLOCKS.map((b) => b.id));
  const all = [...BUILTIN_BLOCKS, ...own.filter((b) => !builtin.has(b.id))];
  const q = query.trim().toLowerCase();
  return q ? all.filter((b) => b.name.toLowerCase().includes(q) || 'block'.includes(q)) : all;
}

/** A long name ("GlobalAveragePooling2D") may wrap where its words join, instead of being cut. */
function breakable(name: string): ReactNode {
  const words = name.split(/(?<=[a-z])(?=[A-Z])/);
  return words.map((w, i) => (
    <Fragment key={i}>
      {i > 0 ? <wbr /> : null}
      {w}
    </Fragment>
  ));
}

/** The layer palette: drag an item onto the canvas, or click it to add it in view. */
export function Palette() {
  const store = useEditorStore();
  const { screenToFlowPosition, getInternalNode, fitView } = useReactFlow();
  const [query, setQuery] = useState('');
  const matches = useMemo(() => (query.trim() ? searchLayers(query) : null), [query]);
  const ownBlocks = useEditor((s) => s.doc.blocks ?? NO_BLOCKS);
  const blocks = useMemo(() => paletteBlocks(ownBlocks, query), [ownBlocks, query]);
  const groups = useMemo(() => {
    const g = matches ? groupsOf(matches) : ALL_GROUPS;
    return blocks.length > 0 && !g.some((x) => x.category === 'Blocks') ? [...g, { category: 'Blocks' as const, specs: [] }] : g;
  }, [matches, blocks.length]);

  const placeInView = useCallback(
    (add: (at: XY) => void) => {
      const spot = freeSpotInView({ screenToFlowPosition, getInternalNode }, store.getState().doc.graph.nodes);
      add(spot.at);
      // The view was full: the card went below everything; show it with the rest.
      if (!spot.fits) window.requestAnimationFrame(() => void fitView(FIT_VIEW_ANIMATED));
    },
    [fitView, getInternalNode, screenToFlowPosition, store],
  );
  const addInView = useCallback((spec: LayerSpec) => placeInView((at) => store.getState().addNode(spec.type, at)), [placeInView, store]);
  const addBlockInView = useCallback((block: BlockDefinition) => placeInView((at) => store.getState().addBlock(block.id, at)), [placeInView, store]);

  const onDragStart = (e: DragEvent, spec: LayerSpec) => setLayerDrag(e.dataTransfer, spec.type);

  return (
    <nav className="palette" aria-label="Layers">
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
                  <span className="palette__label">{breakable(spec.label)}</span>
                </button>
              </li>
            ))}
            {g.category === 'Blocks'
              ? blocks.map((block) => (
                  <li key={`block:${block.id}`}>
                    <button
                      type="button"
                      className="palette__item"
                      draggable
                      onDragStart={(e) => setBlockDrag(e.dataTransfer, block.id)}
                      onClick={() => addBlockInView(block)}
                      aria-label={`Add block ${block.name}`}
                      title={`${block.name}: ${block.graph.nodes.map((n) => n.name ?? n.type).join(' → ')}\nDrag onto the canvas, or click to add.`}
                      data-testid={`palette-block-${block.id}`}
                    >
                      <span className="palette__icon cat-blocks" aria-hidden="true" />
                      <span className="palette__label">{breakable(block.name)}</span>
                    </button>
                  </li>
                ))
              : null}
          </ul>
        </section>
      ))}
      <p className="palette__hint">Drag onto the canvas or click to add. Connect right handles to left handles.</p>
    </nav>
  );
}
