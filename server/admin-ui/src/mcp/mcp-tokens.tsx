import { useState } from 'react';
import { ApiError, describeError } from '../api/client';
import { useApi } from '../api/context';
import { ConfirmDialog } from '../components/confirm-dialog';
import { Field } from '../components/field';
import { Notice } from '../components/notice';
import { formatTime } from '../format';
import { useLoad } from '../use-load';
import { CopyButton } from '../components/copy-button';

/** A token of `GET /v1/tokens` (masked). */
export interface TokenItem {
  id: string;
  name: string;
  scope: 'sidebar' | 'mcp';
  token: string;
  createdAt: string;
  lastUsedAt: string | null;
}

/** MCP tokens: create (the token shown this once), list masked, revoke after a confirmation. */
export function McpTokens({ onCreated }: { onCreated: (token: string | null) => void }) {
  const api = useApi();
  const list = useLoad(() => api.get<{ tokens: TokenItem[] }>('/v1/tokens'), []);
  const tokens = (list.data?.tokens ?? []).filter((t) => t.scope === 'mcp');
  const [name, setName] = useState('');
  const [nameError, setNameError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);
  const [revoking, setRevoking] = useState<TokenItem | null>(null);
  const [error, setError] = useState<string | null>(null);

  const create = async () => {
    setNameError(undefined);
    setError(null);
    if (!name.trim()) return setNameError('name the token after who uses it, e.g. "Support desktop"');
    setBusy(true);
    try {
      const t = await api.post<TokenItem>('/v1/tokens', { name: name.trim(), scope: 'mcp' });
      setCreated({ name: t.name, token: t.token });
      onCreated(t.token);
      setName('');
      list.reload();
    } catch (err) {
      if (err instanceof ApiError && err.details.some((d) => d.path === 'name')) setNameError(err.details.find((d) => d.path === 'name')!.message);
      else setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };
  const cancelRevoke = (t: TokenItem) => {
    setRevoking(null);
    // The Revoke button is rendered again after the dialog: give it focus back by hand.
    requestAnimationFrame(() => document.querySelector<HTMLElement>(`[data-revoke="${t.id}"]`)?.focus());
  };
  const revoke = async (t: TokenItem) => {
    setError(null);
    try {
      await api.del(`/v1/tokens/${encodeURIComponent(t.id)}`);
      setRevoking(null);
      if (created && t.token.endsWith(created.token.slice(-4))) {
        setCreated(null);
        onCreated(null);
      }
      list.reload();
    } catch (err) {
      setError(describeError(err));
      setRevoking(null);
    }
  };

  return (
    <section className="panel" aria-labelledby="mcp-tokens-title">
      <h2 id="mcp-tokens-title">MCP tokens</h2>
      <p className="muted">A token lets an MCP client in as an unverified customer: it sees actions for everyone, never the verified-only ones. Revoking one shuts it out at once.</p>
      {created ? (
        <div className="notice notice-success" role="status">
          <strong className="notice-title">Token {created.name} created. Copy it now: it is shown only this once.</strong>
          <div className="copy-row">
            <code className="once-token" data-testid="new-token">
              {created.token}
            </code>
            <CopyButton text={created.token} label="Copy the new token" what="the new token" />
          </div>
        </div>
      ) : null}
      <div className="inline-add">
        <Field id="mcp-token-name" label="New token name" hint='Who or what uses it, e.g. "Support desktop".' error={nameError} className="grow">
          {(a) => <input {...a} value={name} maxLength={100} onChange={(e) => setName(e.target.value)} onKeyDown={(e) => e.key === 'Enter' && void create()} />}
        </Field>
        <button type="button" className="button primary" disabled={busy} onClick={create}>
          {busy ? 'Creating…' : 'Create token'}
        </button>
      </div>
      {error ? <Notice tone="error">{error}</Notice> : null}
      {list.error ? <Notice tone="error">{describeError(list.error)}</Notice> : null}
      {list.data && tokens.length === 0 ? <p className="muted">No MCP tokens yet.</p> : null}
      {tokens.length ? (
        <table className="data-table">
          <caption className="visually-hidden">MCP tokens</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Token</th>
              <th scope="col">Created</th>
              <th scope="col">Last used</th>
              <th scope="col">
                <span className="visually-hidden">Revoke</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {tokens.map((t) => (
              <tr key={t.id}>
                <th scope="row" data-label="Name">
                  {t.name}
                </th>
                <td data-label="Token">
                  <code>{t.token}</code>
                </td>
                <td data-label="Created">{formatTime(t.createdAt)}</td>
                <td data-label="Last used">{t.lastUsedAt ? formatTime(t.lastUsedAt) : 'Never'}</td>
                <td>
                  {revoking?.id === t.id ? (
                    <ConfirmDialog title={`Revoke ${t.name}?`} confirmLabel={`Revoke ${t.name}`} danger onConfirm={() => void revoke(t)} onCancel={() => cancelRevoke(t)}>
                      <p>Clients using it are refused from the next request on.</p>
                    </ConfirmDialog>
                  ) : (
                    <button type="button" className="button danger-subtle small" aria-label={`Revoke ${t.name}`} data-revoke={t.id} onClick={() => setRevoking(t)}>
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
