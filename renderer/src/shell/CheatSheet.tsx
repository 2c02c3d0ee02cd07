import { useEffect, useId, useRef } from 'react';
import { useCanvasUi } from '../state/canvas-ui';

/** Every shortcut, in the order the cheat sheet lists them. `Ctrl` is `⌘` on macOS. */
export const SHORTCUTS: readonly { readonly group: string; readonly items: readonly (readonly [string, string])[] }[] = [
  {
    group: 'Add and connect',
    items: [
      ['/ or double-click the canvas', 'Quick add: search for a layer at the cursor'],
      ['Drag from the palette', 'Place a layer; drop it on a connection to insert it there'],
      ['Drag output → input handle', 'Connect (a refused connection says why)'],
    ],
  },
  {
    group: 'Edit',
    items: [
      ['Ctrl+Z', 'Undo'],
      ['Ctrl+Shift+Z or Ctrl+Y', 'Redo'],
      ['Ctrl+C / Ctrl+X / Ctrl+V', 'Copy / cut / paste layers (also between projects)'],
      ['Ctrl+D', 'Duplicate the selection'],
      ['Ctrl+G / Ctrl+Shift+G', 'Group the selection into a block / ungroup the selected block'],
      ['Delete or Backspace', 'Delete the selection'],
      ['F2', 'Rename the selected layer'],
      ['N', 'Add a note at the cursor'],
    ],
  },
  {
    group: 'Select and view',
    items: [
      ['Click / Shift+click', 'Select / add to the selection'],
      ['Shift+drag on the canvas', 'Box select'],
      ['Ctrl+A', 'Select everything'],
      ['Escape', 'Clear the selection'],
      ['F', 'Zoom to fit'],
      ['Shift+F', 'Zoom to the selection (100% at most)'],
      ['Double-click a card (large graph, zoomed out)', 'Zoom in to it'],
      ['Shift+L', 'Auto-layout left to right'],
      ['Shift+S', 'Step mode: one test example through the trained model, layer by layer'],
      ['→ / ← (step mode)', 'Next / previous step; Home / End: first / last; Escape: leave'],
      ['?', 'This cheat sheet'],
    ],
  },
  {
    group: 'Files',
    items: [
      ['Ctrl+N', 'New project'],
      ['Ctrl+O', 'Open'],
      ['Ctrl+Shift+O', 'Import a model (model.json or .onnx)'],
      ['Ctrl+S / Ctrl+Shift+S', 'Save / Save as'],
    ],
  },
];

export function CheatSheet() {
  const open = useCanvasUi((s) => s.cheatSheet);
  const close = () => useCanvasUi.getState().setCheatSheet(false);
  const titleId = useId();
  const button = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (open) button.current?.focus();
  }, [open]);
  if (!open) return null;
  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && close()}>
      <div
        className="modal cheat-sheet"
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        onKeyDown={(e) => {
          if (e.key === 'Escape' || e.key === '?') {
            e.preventDefault();
            e.stopPropagation();
            close();
          }
        }}
      >
        <h2 id={titleId} className="modal__title">
          Keyboard shortcuts
        </h2>
        <div className="cheat-sheet__groups">
          {SHORTCUTS.map((g) => (
            <section key={g.group} aria-label={g.group}>
              <h3 className="cheat-sheet__group">{g.group}</h3>
              <dl>
                {g.items.map(([keys, what]) => (
                  <div key={keys} className="cheat-sheet__row">
                    <dt>
                      <kbd>{keys}</kbd>
                    </dt>
                    <dd>{what}</dd>
                  </div>
                ))}
              </dl>
            </section>
          ))}
        </div>
        <div className="modal__actions">
          <button type="button" className="btn btn--primary" ref={button} onClick={close}>
            Close
          </button>
        </div>
      </div>
    </div>
  );
}
