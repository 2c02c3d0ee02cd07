import { useCallback, useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { answerPick, getApi, usePickRequest, type PickRequest } from '../platform';
import { errorText, useUi } from '../state/ui';
import { basename, dirname, joinPath } from './paths';

type Entry = { name: string; kind: 'dir' | 'file' };
interface Listing {
  readonly path: string;
  readonly parent: string | null;
  readonly entries: readonly Entry[];
}

const OK_HINT = { open: 'Open this file', save: 'Save to this path', folder: 'Use this folder' } as const;

/** The browser mode's file picker: a path field over a clickable `files.list` listing. */
export function FileDialog() {
  const request = usePickRequest();
  return request ? <FileDialogView key={request.id} request={request} /> : null;
}

async function list(path: string): Promise<Listing> {
  return getApi().call('files.list', { path });
}

/** The file name part of a typed path ('' when it ends with a separator). */
function fileNameOf(path: string): string {
  return /[\\/]$/.test(path) ? '' : basename(path);
}

/** A full path typed where a folder name is asked for (POSIX `/…` or Windows `C:\…`). */
function isFullPath(value: string): boolean {
  return value.startsWith('/') || /^[A-Za-z]:[\\/]/.test(value);
}

function FileDialogView({ request }: { request: PickRequest }) {
  const titleId = useId();
  const pathId = useId();
  const defaultDir = useUi((s) => s.defaultDir);
  const [listing, setListing] = useState<Listing | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [path, setPath] = useState(request.defaultPath ?? '');
  const [selected, setSelected] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  // A listing that arrives after the user typed in the path field (or after a newer listing was
  // asked for) must not replace what they typed: Enter answers with the field as it is.
  const edits = useRef(0);
  const navigations = useRef(0);
  const [creating, setCreating] = useState(false);

  const go = useCallback(
    async (dir: string, setPathToo: boolean) => {
      const navigation = ++navigations.current;
      const editsAtStart = edits.current;
      try {
        const l = await list(dir);
        if (navigation !== navigations.current) return true;
        setListing(l);
        setSelected(null);
        setError(null);
        if (setPathToo && edits.current === editsAtStart) {
          // Open and Save keep the file name typed so far; a folder picker takes the folder.
          setPath((typed) => (request.kind === 'folder' ? l.path : joinPath(l.path, fileNameOf(typed))));
        }
        return true;
      } catch (e) {
        if (navigation === navigations.current) setError(`Cannot list ${dir}: ${errorText(e)}`);
        return false;
      }
    },
    [request.kind],
  );

  // First listing: the default path itself, its folder, or the home folder.
  useEffect(() => {
    void (async () => {
      const start = request.defaultPath;
      if (start && request.kind !== 'save' && (await go(start, !start))) return;
      if (start && (await go(dirname(start), false))) return;
      if (defaultDir) await go(defaultDir, !start);
    })();
    input.current?.focus();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the first listing, once when the dialog opens
  }, []);
  // Opened with nothing to list (the back end had not said its folder yet): list that folder once it has.
  useEffect(() => {
    if (defaultDir && navigations.current === 0) void go(defaultDir, !request.defaultPath);
  }, [defaultDir, go, request.defaultPath]);

  const ok = (value = path) => {
    const v = value.trim();
    if (v) answerPick(request.id, v);
  };
  const cancel = () => answerPick(request.id, null);

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.stopPropagation();
      cancel();
    }
  };

  /** One click: a folder is selected (a folder picker takes it), a file's path is taken. */
  const select = (entry: Entry) => {
    if (!listing) return;
    const full = joinPath(listing.path, entry.name);
    setSelected(full);
    if (entry.kind === 'dir') {
      if (request.kind === 'folder') setPath(full);
    } else if (request.kind !== 'folder') setPath(full);
  };
  /** Double click or Enter: a folder is opened (keeping the typed file name), a file is chosen. */
  const activate = (entry: Entry) => {
    if (!listing) return;
    const full = joinPath(listing.path, entry.name);
    if (entry.kind === 'dir') void go(full, true);
    else if (request.kind !== 'folder') ok(full);
  };

  const onCreated = (created: string) => {
    setCreating(false);
    void go(created, true);
  };

  return (
    <div className="modal-backdrop">
      <div className="modal file-dialog" role="dialog" aria-modal="true" aria-labelledby={titleId} onKeyDown={onKeyDown}>
        <h2 id={titleId} className="modal__title">
          {request.title}
        </h2>
        <div className="file-dialog__nav">
          <button
            type="button"
            className="btn btn--small"
            aria-label="Parent folder"
            title="Parent folder"
            disabled={!listing?.parent}
            onClick={() => listing?.parent && void go(listing.parent, true)}
          >
            ↑
          </button>
          <span className="file-dialog__dir" data-testid="file-dialog-dir" title={listing?.path}>
            {listing?.path ?? '…'}
          </span>
          <button
            type="button"
            className="btn btn--small file-dialog__new"
            onClick={() => setCreating(true)}
            disabled={!listing || creating}
            title="Make a folder here"
          >
            New folder
          </button>
        </div>
        {creating && listing ? <NewFolderForm parent={listing.path} onCreated={onCreated} onCancel={() => setCreating(false)} /> : null}
        <ul className="file-dialog__list" aria-label="Folder contents">
          {listing?.entries.length === 0 ? <li className="muted">Empty folder</li> : null}
          {listing?.entries.map((entry) => {
            const full = joinPath(listing.path, entry.name);
            return (
              <li key={`${entry.kind}:${entry.name}`}>
                <button
                  type="button"
                  className={`file-entry is-${entry.kind}${selected === full ? ' is-selected' : ''}`}
                  disabled={entry.kind === 'file' && request.kind === 'folder'}
                  aria-label={`${entry.kind === 'dir' ? 'Folder' : 'File'} ${entry.name}`}
                  aria-pressed={selected === full}
                  title={entry.kind === 'dir' ? 'Double-click (or Enter) to open' : request.kind === 'folder' ? undefined : 'Double-click (or Enter) to choose'}
                  onClick={() => select(entry)}
                  onDoubleClick={() => activate(entry)}
                  onKeyDown={(e) => {
                    if (e.key === 'Enter') {
                      e.preventDefault();
                      activate(entry);
                    }
                  }}
                >
                  <span aria-hidden="true">{entry.kind === 'dir' ? '📁' : '📄'}</span> {entry.name}
                </button>
              </li>
            );
          })}
        </ul>
        {error ? (
          <p className="error-text" role="alert">
            {error}
          </p>
        ) : null}
        <form
          className="file-dialog__path"
          onSubmit={(e) => {
            e.preventDefault();
            ok();
          }}
        >
          <label htmlFor={pathId}>Path</label>
          <input
            id={pathId}
            ref={input}
            className="input"
            value={path}
            onChange={(e) => {
              edits.current += 1;
              setPath(e.target.value);
            }}
            spellCheck={false}
            autoComplete="off"
            placeholder={request.kind === 'folder' ? '/path/to/folder' : '/path/to/project.nwproj'}
          />
          <div className="modal__actions">
            <button type="button" className="btn" onClick={cancel}>
              Cancel
            </button>
            <button type="submit" className="btn btn--primary" disabled={path.trim() === ''} title={OK_HINT[request.kind]}>
              OK
            </button>
          </div>
        </form>
      </div>
    </div>
  );
}

/** New folder's name prompt: a name in the listed folder, or a full path; the back end's refusal shows here. */
function NewFolderForm({ parent, onCreated, onCancel }: { parent: string; onCreated: (path: string) => void; onCancel: () => void }) {
  const nameId = useId();
  const errorId = useId();
  const [name, setName] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const field = useRef<HTMLInputElement>(null);
  useEffect(() => field.current?.focus(), []);

  const create = async () => {
    const value = name;
    if (value.trim() === '') {
      setProblem('Give the folder a name.');
      return;
    }
    const full = isFullPath(value);
    setBusy(true);
    try {
      const made = await getApi().call('files.mkdir', full ? { parent: dirname(value.replace(/[\\/]+$/, '')), name: basename(value) } : { parent, name: value });
      onCreated(made.path);
    } catch (e) {
      // The path policy names the field it checked ("parent: …"); the prompt has one field.
      setProblem(errorText(e).replace(/^parent: /, ''));
      setBusy(false);
      field.current?.focus();
    }
  };

  return (
    <form
      className="file-dialog__new-folder"
      aria-label="New folder"
      onSubmit={(e) => {
        e.preventDefault();
        if (!busy) void create();
      }}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          onCancel();
        }
      }}
    >
      <label htmlFor={nameId}>Folder name</label>
      <div className="file-dialog__new-row">
        <input
          id={nameId}
          ref={field}
          className="input"
          value={name}
          onChange={(e) => {
            setName(e.target.value);
            setProblem(null);
          }}
          aria-invalid={problem !== null}
          aria-describedby={problem ? errorId : undefined}
          spellCheck={false}
          autoComplete="off"
          placeholder="New folder"
        />
        <button type="submit" className="btn btn--small btn--primary" disabled={busy}>
          Create
        </button>
        <button type="button" className="btn btn--small" onClick={onCancel}>
          Cancel
        </button>
      </div>
      {problem ? (
        <p id={errorId} className="error-text" role="alert" data-testid="new-folder-error">
          {problem}
        </p>
      ) : null}
    </form>
  );
}
