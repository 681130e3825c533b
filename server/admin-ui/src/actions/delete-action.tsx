import { useEffect, useRef, useState } from 'react';
import { describeError } from '../api/client';
import { useApi } from '../api/context';
import { ConfirmDialog } from '../components/confirm-dialog';
import { Notice } from '../components/notice';
import { navigate } from '../router';

/** Delete with an inline confirmation step; Cancel has focus and Escape cancels. */
export function DeleteAction({ id, name }: { id: string; name: string }) {
  const api = useApi();
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const button = useRef<HTMLButtonElement>(null);
  const wasAsking = useRef(false);
  useEffect(() => {
    // Back from the dialog: the Delete button was re-created, so focus it again by hand.
    if (wasAsking.current && !asking) button.current?.focus();
    wasAsking.current = asking;
  }, [asking]);
  if (!asking) {
    return (
      <button ref={button} type="button" className="button danger-subtle" onClick={() => setAsking(true)}>
        Delete
      </button>
    );
  }
  return (
    <div className="confirm-delete">
      <ConfirmDialog
        title={`Delete ${name}? The AI stops using it at once.`}
        confirmLabel={`Delete ${name}`}
        danger
        busy={busy}
        onCancel={() => setAsking(false)}
        onConfirm={async () => {
          setBusy(true);
          try {
            await api.del(`/v1/actions/${encodeURIComponent(id)}`);
            // Deleted: its unsaved edits no longer matter.
            navigate('actions', { force: true });
          } catch (err) {
            setError(describeError(err));
            setBusy(false);
          }
        }}
      />
      {error ? <Notice tone="error">{error}</Notice> : null}
    </div>
  );
}
