import { useState } from 'react';
import { describeError } from '../api/client';
import { useApi } from '../api/context';
import { Notice } from '../components/notice';
import { navigate } from '../router';

/** Delete with an inline confirmation step (no browser dialog, so it works in helpdesk iframes). */
export function DeleteAction({ id, name }: { id: string; name: string }) {
  const api = useApi();
  const [asking, setAsking] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (!asking) {
    return (
      <button type="button" className="button danger-subtle" onClick={() => setAsking(true)}>
        Delete
      </button>
    );
  }
  return (
    <div className="notice notice-warning confirm-delete" role="alertdialog" aria-labelledby="delete-title">
      <strong id="delete-title">Delete {name}? The AI stops using it at once.</strong>
      <div className="button-row">
        <button
          type="button"
          className="button danger"
          autoFocus
          onClick={async () => {
            try {
              await api.del(`/v1/actions/${encodeURIComponent(id)}`);
              navigate('actions');
            } catch (err) {
              setError(describeError(err));
            }
          }}
        >
          Delete {name}
        </button>
        <button type="button" className="button secondary" onClick={() => setAsking(false)}>
          Cancel
        </button>
      </div>
      {error ? <Notice tone="error">{error}</Notice> : null}
    </div>
  );
}
