import { memo, useEffect, useRef } from 'react';
import type { Node, NodeProps } from '@xyflow/react';
import { MAX_NOTE_TEXT, type Note } from '../../../shared/graph/document';
import { useEditorStore } from '../state/context';

export type NoteNodeData = { note: Note };
export type NoteFlowNode = Node<NoteNodeData, 'note'>;

let focusCount = 0;

/** A comment on the canvas: drag it by its header, type in its body; not part of the model. */
function NoteNodeView({ data, selected }: NodeProps<NoteFlowNode>) {
  const { note } = data;
  const store = useEditorStore();
  // One focus of the text box is one undo step, however many keys are typed.
  const mergeKey = useRef<string | null>(null);
  const box = useRef<HTMLTextAreaElement>(null);
  // A note just added (selected and empty) takes the keyboard. React Flow shows a card only
  // once it has measured it, and a hidden box cannot take focus: try for a few frames.
  const fresh = useRef(selected && note.text === '');
  useEffect(() => {
    if (!fresh.current) return;
    let frames = 0;
    let handle = 0;
    const tryFocus = () => {
      const el = box.current;
      if (!el) return;
      el.focus();
      if (document.activeElement !== el && ++frames < 30) handle = requestAnimationFrame(tryFocus);
    };
    handle = requestAnimationFrame(tryFocus);
    return () => cancelAnimationFrame(handle);
  }, []);
  const style = { width: note.width ?? 220, minHeight: note.height ?? 90 };
  return (
    <div className={`note-node${selected ? ' is-selected' : ''}`} style={style} data-testid="note" data-noteid={note.id}>
      <div className="note-node__head">
        <span>Note</span>
        <button
          type="button"
          className="note-node__delete nodrag"
          aria-label="Delete note"
          title="Delete this note"
          onClick={() => store.getState().deleteElements([note.id], [])}
        >
          ×
        </button>
      </div>
      <textarea
        className="note-node__text nodrag nowheel"
        aria-label="Note text"
        placeholder="Write a note…"
        value={note.text}
        maxLength={MAX_NOTE_TEXT}
        ref={box}
        onFocus={() => {
          mergeKey.current = `note-${note.id}-${++focusCount}`;
        }}
        onBlur={() => {
          mergeKey.current = null;
        }}
        onChange={(e) => store.getState().setNoteText(note.id, e.target.value, mergeKey.current ?? undefined)}
      />
    </div>
  );
}

export const NoteNode = memo(NoteNodeView);
