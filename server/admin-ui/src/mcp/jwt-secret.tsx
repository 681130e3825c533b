import { useState } from 'react';
import { ApiError, describeError } from '../api/client';
import { useApi } from '../api/context';
import { Field } from '../components/field';
import { Notice } from '../components/notice';
import { SecretInput } from '../components/secret-input';
import { useLoad } from '../use-load';

/** The server refuses shorter HS256 keys (shared/mcp.ts MIN_JWT_SECRET_LENGTH). */
const MIN_LENGTH = 32;

/** 48 random bytes, base64: what `openssl rand -base64 48` gives. */
function randomSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(48));
  return btoa(String.fromCharCode(...bytes));
}

/** The user-JWT secret (`mcp.userJwtSecret`): write-only, masked, removable. */
export function JwtSecret() {
  const api = useApi();
  const settings = useLoad(() => api.get<{ mcp?: { userJwtSecret: string | null } }>('/v1/settings'), []);
  const stored = settings.data?.mcp?.userJwtSecret ?? null;
  const [typed, setTyped] = useState('');
  const [fieldError, setFieldError] = useState<string | undefined>();
  const [done, setDone] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const put = async (value: string | null, message: string) => {
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const s = await api.put<{ mcp?: { userJwtSecret: string | null } }>('/v1/settings', { mcp: { userJwtSecret: value } });
      settings.setData(s);
      setTyped('');
      setDone(message);
    } catch (err) {
      const at = err instanceof ApiError ? err.details.find((d) => d.path === 'mcp.userJwtSecret') : undefined;
      if (at) setFieldError(at.message);
      else setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };
  const save = () => {
    setFieldError(undefined);
    if (typed.length < MIN_LENGTH) return setFieldError(`must be at least ${MIN_LENGTH} characters (${typed.length} typed): use Generate, or openssl rand -base64 48`);
    void put(typed, 'Saved. Sign user JWTs with this secret in your backend (HS256); it is not shown again.');
  };
  return (
    <section className="panel" aria-labelledby="mcp-jwt-title">
      <h2 id="mcp-jwt-title">User JWT secret</h2>
      <p className="muted">
        Your backend signs, for the signed-in user, a short-lived HS256 JWT with <code>sub</code>, <code>email</code>, <code>verified</code> and <code>exp</code>. A client presenting it acts as that user, verified when you say so, and also sees the verified-only actions.
      </p>
      {settings.error ? <Notice tone="error">{describeError(settings.error)}</Notice> : null}
      <Field
        id="f-mcp-userJwtSecret"
        label="Secret"
        hint={stored ? `A secret is stored (${stored}). Type a new one to replace it.` : `None stored: user JWTs are refused. At least ${MIN_LENGTH} characters; stored encrypted, never shown again.`}
        error={fieldError}
      >
        {(a) => (
          <SecretInput
            a11y={a}
            value={typed}
            stored={stored}
            onChange={(v) => {
              setTyped(v);
              setFieldError(undefined);
            }}
          />
        )}
      </Field>
      <div className="button-row">
        <button type="button" className="button secondary" onClick={() => setTyped(randomSecret())}>
          Generate
        </button>
        <button type="button" className="button primary" disabled={busy || typed === ''} onClick={save}>
          Save secret
        </button>
        {stored ? (
          <button type="button" className="button danger-subtle" disabled={busy} onClick={() => void put(null, 'Removed: user JWTs are refused from now on.')}>
            Remove secret
          </button>
        ) : null}
      </div>
      {typed && typed.length >= MIN_LENGTH ? <p className="hint">Copy it to your backend before saving (Show reveals it): once saved it is never shown again.</p> : null}
      {done ? <Notice tone="success">{done}</Notice> : null}
      {error ? <Notice tone="error">{error}</Notice> : null}
    </section>
  );
}
