import { useEffect, useRef, useState } from 'react';
import { ApiError, describeError } from '../api/client';
import { useApi } from '../api/context';
import { ConfirmDialog } from '../components/confirm-dialog';
import { Notice } from '../components/notice';
import { setFlash } from '../flash';
import { href, navigate, onLinkClick } from '../router';

/** An action that blocks the delete, from the 409's details ("name (id) uses this connection"). */
interface User {
  id: string | null;
  name: string;
}

function usersOf(err: ApiError): User[] {
  return err.details.map((d) => {
    const m = /^(.*) \(([^()]+)\) uses this connection$/.exec(d.message);
    return m ? { name: m[1]!, id: m[2]! } : { name: d.message, id: null };
  });
}

/** Delete with a confirmation (Cancel focused, Escape closes); a 409 lists the actions that use it. */
export function DeleteConnection({ id, name }: { id: string; name: string }) {
  const api = useApi();
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [blocked, setBlocked] = useState<User[] | null>(null);
  const button = useRef<HTMLButtonElement>(null);
  const wasAsking = useRef(false);
  useEffect(() => {
    if (wasAsking.current && !asking) button.current?.focus();
    wasAsking.current = asking;
  }, [asking]);

  const remove = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.del(`/v1/connections/${encodeURIComponent(id)}`);
      setFlash(`Connection ${name} deleted.`);
      navigate('connections', { force: true });
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) {
        setBlocked(usersOf(err));
        setAsking(false);
      } else setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="confirm-delete">
      {asking ? (
        <ConfirmDialog title={`Delete ${name}?`} confirmLabel={`Delete ${name}`} danger busy={busy} onCancel={() => setAsking(false)} onConfirm={remove}>
          <p>Its base URL, authentication and secrets are removed. A connection that actions still use is not deleted.</p>
        </ConfirmDialog>
      ) : (
        <button
          ref={button}
          type="button"
          className="button danger-subtle"
          onClick={() => {
            setBlocked(null);
            setAsking(true);
          }}
        >
          Delete
        </button>
      )}
      {blocked ? (
        <div className="notice notice-error" role="alert">
          <strong className="notice-title">
            Not deleted: {blocked.length === 1 ? '1 action uses' : `${blocked.length} actions use`} this connection. Move or delete {blocked.length === 1 ? 'it' : 'them'} first.
          </strong>
          <ul aria-label="Actions that use this connection">
            {blocked.map((u) => (
              <li key={u.id ?? u.name}>{u.id ? <a href={href(`actions/${u.id}`)} onClick={onLinkClick(`actions/${u.id}`)}>{u.name}</a> : u.name}</li>
            ))}
          </ul>
        </div>
      ) : null}
      {error ? <Notice tone="error">{error}</Notice> : null}
    </div>
  );
}
