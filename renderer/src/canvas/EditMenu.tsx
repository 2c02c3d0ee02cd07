import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useEditor, useEditorStore } from '../state/context';
import { useCanvasUi } from '../state/canvas-ui';
import { copySelection, pasteLayers, ungroupSelection } from './actions';
import { BLOCK_NODE_TYPE } from '../../../shared/graph/block-schema';

interface Item {
  readonly label: string;
  readonly keys?: string;
  readonly title: string;
  readonly disabled: boolean;
  readonly run: () => void;
}

/**
 * The canvas toolbar's less frequent edits (clipboard, blocks, alignment) in one menu, so the
 * toolbar stays one row over a narrow canvas; each entry names its shortcut.
 */
export function EditMenu(): ReactNode {
  const store = useEditorStore();
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  const selected = useEditor((s) => s.selection.nodes.length);
  const blockSelected = useEditor((s) => s.doc.graph.nodes.some((n) => n.type === BLOCK_NODE_TYPE && s.selection.nodes.includes(n.id)));
  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent) => {
      if (!ref.current?.contains(e.target as Node)) setOpen(false);
    };
    window.addEventListener('mousedown', close);
    return () => window.removeEventListener('mousedown', close);
  }, [open]);

  const items: readonly (Item | 'sep')[] = [
    { label: 'Copy', keys: 'Ctrl+C', title: 'Copy the selected layers', disabled: selected === 0, run: () => void copySelection(store) },
    { label: 'Paste', keys: 'Ctrl+V', title: 'Paste layers', disabled: false, run: () => void pasteLayers(store) },
    { label: 'Duplicate', keys: 'Ctrl+D', title: 'Duplicate the selected layers', disabled: selected === 0, run: () => store.getState().duplicateSelection() },
    'sep',
    { label: 'Group into block', keys: 'Ctrl+G', title: 'Group the selected layers into one block node', disabled: selected === 0, run: () => useCanvasUi.getState().setGroupDialog(true) },
    { label: 'Ungroup', keys: 'Ctrl+Shift+G', title: 'Put the selected block’s layers back on the canvas', disabled: !blockSelected, run: () => ungroupSelection(store) },
    'sep',
    { label: 'Align left', title: 'Give the selected layers the same left edge', disabled: selected < 2, run: () => store.getState().alignSelection('left') },
    { label: 'Align top', title: 'Put the selected layers in one row', disabled: selected < 2, run: () => store.getState().alignSelection('top') },
  ];

  const move = (e: React.KeyboardEvent<HTMLDivElement>) => {
    if (e.key === 'Escape') {
      setOpen(false);
      ref.current?.querySelector<HTMLButtonElement>('[aria-haspopup]')?.focus();
      return;
    }
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    e.preventDefault();
    const list = [...(ref.current?.querySelectorAll<HTMLButtonElement>('[role="menuitem"]:not(:disabled)') ?? [])];
    const at = list.indexOf(document.activeElement as HTMLButtonElement);
    const next = list[(at + (e.key === 'ArrowDown' ? 1 : list.length - 1)) % list.length];
    next?.focus();
  };

  return (
    <div className="menu" ref={ref}>
      <button
        type="button"
        className={`btn btn--small${open ? ' is-active' : ''}`}
        aria-haspopup="menu"
        aria-expanded={open}
        title="Copy, paste, duplicate, group and align the selected layers"
        onClick={() => setOpen(!open)}
      >
        Edit ▾
      </button>
      {open ? (
        <div className="menu__list canvas-toolbar__menu" role="menu" aria-label="Edit" onKeyDown={move}>
          {items.map((item, i) =>
            item === 'sep' ? (
              <div key={`sep${i}`} className="menu__sep" role="separator" />
            ) : (
              <button
                key={item.label}
                type="button"
                role="menuitem"
                className="menu__item"
                disabled={item.disabled}
                title={item.title}
                autoFocus={i === 0 && !item.disabled}
                onClick={() => {
                  setOpen(false);
                  item.run();
                }}
              >
                {item.label} {item.keys ? <kbd>{item.keys}</kbd> : null}
              </button>
            ),
          )}
        </div>
      ) : null}
    </div>
  );
}
