import { useState } from 'react';
import { describeError } from '../api/client';
import { useApi } from '../api/context';
import type { ScopedToken } from '../api/setup-types';
import { CopyField } from '../components/copy-button';
import { Field } from '../components/field';
import { Notice } from '../components/notice';
import { TokenTable } from '../components/token-table';
import { useLoad } from '../use-load';

/** Tokens the Zendesk sidebar app signs in with: they reach only the sidebar routes of this tenant. */
export function SidebarTokens() {
  const api = useApi();
  const list = useLoad(() => api.get<{ tokens: ScopedToken[] }>('/v1/tokens'), []);
  const [name, setName] = useState('Zendesk sidebar');
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);
  const [revoking, setRevoking] = useState<ScopedToken | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const tokens = (list.data?.tokens ?? []).filter((t) => t.scope === 'sidebar');

  const create = async () => {
    setError(null);
    setCreated(null);
    if (!name.trim()) {
      setError('Give the token a name: what it is for, e.g. "Zendesk sidebar (production)".');
      return;
    }
    setBusy(true);
    try {
      const t = await api.post<{ id: string; name: string; token: string }>('/v1/tokens', { name: name.trim(), scope: 'sidebar' });
      setCreated({ name: t.name, token: t.token });
      list.reload();
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };
  const revoke = async (t: ScopedToken) => {
    setBusy(true);
    setError(null);
    try {
      await api.del(`/v1/tokens/${encodeURIComponent(t.id)}`);
      setRevoking(null);
      list.reload();
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="sidebar-tokens">
      <h3>Sidebar token</h3>
      <p className="hint">Paste it into the Zendesk app's settings. It only reaches this tenant's sidebar routes: not the admin API.</p>
      <div className="inline-form">
        <Field id="sidebar-token-name" label="Token name">
          {(a) => (
            <input
              {...a}
              value={name}
              onChange={(e) => setName(e.target.value)}
              onKeyDown={(e) => {
                // Enter creates the token here, not a save of the whole settings form.
                if (e.key === 'Enter') {
                  e.preventDefault();
                  void create();
                }
              }}
            />
          )}
        </Field>
        <button type="button" className="button secondary" disabled={busy} onClick={create}>
          Create sidebar token
        </button>
      </div>
      {created ? (
        <Notice tone="success" title={`Token ${created.name} created: copy it now`}>
          <p>It is shown only this once. If it is lost, revoke it and create another.</p>
          <CopyField id="sidebar-token-new" label="New sidebar token" value={created.token} />
        </Notice>
      ) : null}
      {error ? <Notice tone="error">{error}</Notice> : null}
      {list.error ? <Notice tone="error">{describeError(list.error)}</Notice> : null}
      {tokens.length ? (
        <TokenTable tokens={tokens} caption="Sidebar tokens" revoking={revoking} busy={busy} onAsk={setRevoking} onCancel={() => setRevoking(null)} onConfirm={(t) => void revoke(t)}>
          A sidebar still using it stops working at once.
        </TokenTable>
      ) : list.data ? (
        <p className="muted">No sidebar token yet.</p>
      ) : null}
    </div>
  );
}
