import { useCallback, useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { answerPick, getApi, usePickRequest, type PickRequest } from '../platform';
import { errorText, useUi } from '../state/ui';
import { dirname, joinPath } from './paths';

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

function FileDialogView({ request }: { request: PickRequest }) {
  const titleId = useId();
  const pathId = useId();
  const defaultDir = useUi((s) => s.defaultDir);
  const [listing, setListing] = useState<Listing | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [path, setPath] = useState(request.defaultPath ?? '');
  const input = useRef<HTMLInputElement>(null);

  const go = useCallback(
    async (dir: string, setPathToo: boolean) => {
      try {
        const l = await list(dir);
        setListing(l);
        setError(null);
        if (setPathToo) setPath(request.kind === 'folder' ? l.path : request.kind === 'open' ? joinPath(l.path, '') : joinPath(l.path, ''));
        return true;
      } catch (e) {
        setError(`Cannot list ${dir}: ${errorText(e)}`);
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

  const pick = (entry: Entry) => {
    if (!listing) return;
    const full = joinPath(listing.path, entry.name);
    if (entry.kind === 'dir') void go(full, true);
    else if (request.kind !== 'folder') setPath(full);
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
        </div>
        <ul className="file-dialog__list" aria-label="Folder contents">
          {listing?.entries.length === 0 ? <li className="muted">Empty folder</li> : null}
          {listing?.entries.map((entry) => (
            <li key={`${entry.kind}:${entry.name}`}>
              <button
                type="button"
                className={`file-entry is-${entry.kind}`}
                disabled={entry.kind === 'file' && request.kind === 'folder'}
                aria-label={`${entry.kind === 'dir' ? 'Folder' : 'File'} ${entry.name}`}
                onClick={() => pick(entry)}
                onDoubleClick={() => entry.kind === 'file' && request.kind !== 'folder' && listing && ok(joinPath(listing.path, entry.name))}
              >
                <span aria-hidden="true">{entry.kind === 'dir' ? '📁' : '📄'}</span> {entry.name}
              </button>
            </li>
          ))}
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
            onChange={(e) => setPath(e.target.value)}
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
