import { useState } from 'react';
import { ApiError, describeError } from '../api/client';
import { useApi } from '../api/context';
import type { ScopedToken } from '../api/setup-types';
import { TokenTable } from '../components/token-table';
import { Field } from '../components/field';
import { Notice } from '../components/notice';
import { useLoad } from '../use-load';
import { CopyButton } from '../components/copy-button';

/** MCP tokens: create (the token shown this once), list masked, revoke after a confirmation. */
export function McpTokens({ onCreated }: { onCreated: (token: string | null) => void }) {
  const api = useApi();
  const list = useLoad(() => api.get<{ tokens: ScopedToken[] }>('/v1/tokens'), []);
  const tokens = (list.data?.tokens ?? []).filter((t) => t.scope === 'mcp');
  const [name, setName] = useState('');
  const [nameError, setNameError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);
  const [revoking, setRevoking] = useState<ScopedToken | null>(null);
  const [error, setError] = useState<string | null>(null);

  const create = async () => {
    setNameError(undefined);
    setError(null);
    if (!name.trim()) return setNameError('name the token after who uses it, e.g. "Support desktop"');
    setBusy(true);
    try {
      const t = await api.post<ScopedToken>('/v1/tokens', { name: name.trim(), scope: 'mcp' });
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
  const revoke = async (t: ScopedToken) => {
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
        <TokenTable tokens={tokens} caption="MCP tokens" revoking={revoking} onAsk={setRevoking} onCancel={() => setRevoking(null)} onConfirm={(t) => void revoke(t)}>
          Clients using it are refused from the next request on.
        </TokenTable>
      ) : null}
    </section>
  );
}
