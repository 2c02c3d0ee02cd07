import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { useEditorStore } from '../state/context';
import { useCanvasUi } from '../state/canvas-ui';
import { searchLayers } from './search';

/** A search box at the cursor: type, pick with arrows, Enter adds the layer there. */
export function QuickAdd() {
  const open = useCanvasUi((s) => s.quickAdd);
  return open ? <QuickAddView key={`${open.screen.x},${open.screen.y}`} /> : null;
}

function QuickAddView() {
  const store = useEditorStore();
  const at = useCanvasUi((s) => s.quickAdd);
  const close = useCanvasUi((s) => s.closeQuickAdd);
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const listId = useId();
  const input = useRef<HTMLInputElement>(null);
  const results = useMemo(() => searchLayers(query).slice(0, 12), [query]);

  useEffect(() => input.current?.focus(), []);
  useEffect(() => setActive(0), [query]);
  if (!at) return null;

  const add = (type: string) => {
    close();
    store.getState().addNode(type, { x: Math.round(at.flow.x), y: Math.round(at.flow.y) });
  };

  return (
    <div
      className="quick-add"
      role="dialog"
      aria-label="Quick add"
      style={{ left: at.screen.x, top: at.screen.y }}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          close();
        }
      }}
    >
      <input
        ref={input}
        className="input"
        role="combobox"
        aria-label="Search layers to add"
        aria-expanded="true"
        aria-controls={listId}
        aria-activedescendant={results[active] ? `${listId}-${active}` : undefined}
        placeholder="Search layers…"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        onBlur={() => window.setTimeout(() => useCanvasUi.getState().closeQuickAdd(), 150)}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown') {
            e.preventDefault();
            setActive((a) => Math.min(results.length - 1, a + 1));
          } else if (e.key === 'ArrowUp') {
            e.preventDefault();
            setActive((a) => Math.max(0, a - 1));
          } else if (e.key === 'Enter') {
            e.preventDefault();
            const pick = results[active];
            if (pick) add(pick.type);
          }
        }}
      />
      <ul id={listId} role="listbox" aria-label="Matching layers" className="quick-add__list">
        {results.length === 0 ? <li className="muted quick-add__none">No layer matches “{query}”.</li> : null}
        {results.map((spec, i) => (
          <li
            key={spec.type}
            id={`${listId}-${i}`}
            role="option"
            aria-selected={i === active}
            className={`quick-add__item${i === active ? ' is-active' : ''}`}
            onMouseDown={(e) => e.preventDefault()}
            onMouseEnter={() => setActive(i)}
            onClick={() => add(spec.type)}
          >
            <span className={`palette__icon cat-${spec.category.toLowerCase()}`} aria-hidden="true" />
            <span className="quick-add__label">{spec.label}</span>
            <span className="quick-add__cat muted">{spec.category}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
