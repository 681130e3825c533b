import { useState } from 'react';
import { describeError } from '../api/client';
import { useApi } from '../api/context';
import { Notice } from '../components/notice';
import { useLoad } from '../use-load';

/** `GET /v1/identity`. */
export interface IdentityInfo {
  issuer: string;
  jwksUrl: string;
  algorithm: string;
  keys: { kid: string }[];
}

/** What a customer's API needs to verify identity assertions, and the key rotation. */
export function IdentityPanel() {
  const api = useApi();
  const info = useLoad(() => api.get<IdentityInfo>('/v1/identity'), []);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const rotate = async () => {
    setBusy(true);
    setDone(null);
    setError(null);
    try {
      const r = await api.post<{ kid: string }>('/v1/identity/rotate', {});
      setDone(`New signing key ${r.kid} is active. The previous key stays in the JWKS for a day, so assertions signed just before still verify.`);
      info.reload();
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="identity-panel">
      <p>
        For every call the server signs a short-lived ES256 JWT naming the verified customer (<code>sub</code>, <code>email</code>, <code>verified</code>) and sends it as <code>Authorization: Bearer</code>. Only identity-verified customers get one: actions on this connection are
        for verified customers only. Your API verifies it with these public keys:
      </p>
      {info.error ? <Notice tone="error">{describeError(info.error)}</Notice> : null}
      {info.data ? (
        <dl className="key-values">
          <dt>JWKS URL</dt>
          <dd>
            <code className="url" data-testid="jwks-url">
              {info.data.jwksUrl}
            </code>
          </dd>
          <dt>Issuer</dt>
          <dd>
            <code className="url">{info.data.issuer}</code>
          </dd>
          <dt>Keys listed</dt>
          <dd>{info.data.keys.map((k) => k.kid).join(', ') || 'none yet'}</dd>
        </dl>
      ) : (
        <p className="muted">Loading…</p>
      )}
      <div className="button-row">
        <button type="button" className="button secondary" disabled={busy} onClick={rotate}>
          {busy ? 'Rotating…' : 'Rotate key'}
        </button>
      </div>
      {done ? <Notice tone="success">{done}</Notice> : null}
      {error ? <Notice tone="error">{error}</Notice> : null}
    </div>
  );
}
