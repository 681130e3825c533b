import type { FieldIssue } from '../api/client';
import { Field } from '../components/field';
import { fieldId, issueAt } from '../components/issues';
import { SecretInput, secretHint } from '../components/secret-input';
import { CONN_AUTH_TYPES, connSecretPath, connStoredFor, type ConnAuthDraft, type ConnAuthType } from './connection-draft';
import { IdentityPanel } from './identity-panel';

interface Props {
  value: ConnAuthDraft;
  onChange: (d: ConnAuthDraft) => void;
  issues: readonly FieldIssue[];
  /** Prefix of the API's error paths (`connection.` in the import wizard). */
  prefix?: string;
}

const SECRET_LABEL: Partial<Record<ConnAuthType, string>> = {
  bearer: 'Token',
  basic: 'Password',
  header: 'API key',
  query: 'API key',
  oauth2_client_credentials: 'Client secret',
};

/** A connection's authentication: every type, OAuth2's fields, the identity JWT's JWKS. Secrets write-only. */
export function ConnectionAuthFields({ value: d, onChange, issues, prefix = '' }: Props) {
  const set = (patch: Partial<ConnAuthDraft>) => onChange({ ...d, ...patch });
  const at = (p: string) => issueAt(issues, prefix + p);
  const id = (p: string) => fieldId(prefix + p);
  const sp = connSecretPath(d.type);
  const stored = connStoredFor(d);
  return (
    <div className="form-grid">
      <Field id={id('auth.type')} label="Authentication type" error={at('auth.type') ?? at('auth')}>
        {(a) => (
          <select {...a} value={d.type} onChange={(e) => set({ type: e.target.value as ConnAuthType })}>
            {CONN_AUTH_TYPES.map((t) => (
              <option key={t.value} value={t.value}>
                {t.label}
              </option>
            ))}
          </select>
        )}
      </Field>
      {d.type === 'basic' ? (
        <Field id={id('auth.username')} label="User name" error={at('auth.username')}>
          {(a) => <input {...a} autoComplete="off" value={d.username} onChange={(e) => set({ username: e.target.value })} />}
        </Field>
      ) : null}
      {d.type === 'header' || d.type === 'query' ? (
        <Field
          id={id('auth.name')}
          label={d.type === 'header' ? 'Header name' : 'Query parameter name'}
          hint={d.type === 'header' ? 'For example X-API-Key.' : 'Added to every URL, for example api_key.'}
          error={at('auth.name')}
        >
          {(a) => <input {...a} spellCheck={false} value={d.name} onChange={(e) => set({ name: e.target.value })} />}
        </Field>
      ) : null}
      {d.type === 'oauth2_client_credentials' ? (
        <>
          <Field id={id('auth.tokenUrl')} label="Token URL" hint="The authorization server's token endpoint, e.g. https://auth.example.com/oauth/token." error={at('auth.tokenUrl')}>
            {(a) => <input {...a} spellCheck={false} inputMode="url" value={d.tokenUrl} onChange={(e) => set({ tokenUrl: e.target.value })} />}
          </Field>
          <Field id={id('auth.clientId')} label="Client id" error={at('auth.clientId')}>
            {(a) => <input {...a} spellCheck={false} autoComplete="off" value={d.clientId} onChange={(e) => set({ clientId: e.target.value })} />}
          </Field>
        </>
      ) : null}
      {sp ? (
        <Field id={id(sp)} label={SECRET_LABEL[d.type]} hint={secretHint(stored)} error={at(sp)}>
          {(a) => <SecretInput a11y={a} value={d.secret} stored={stored} onChange={(secret) => set({ secret })} />}
        </Field>
      ) : null}
      {d.type === 'oauth2_client_credentials' ? (
        <>
          <Field id={id('auth.scope')} label="Scope" optional hint="Space-separated, e.g. orders:read orders:write." error={at('auth.scope')}>
            {(a) => <input {...a} spellCheck={false} value={d.scope} onChange={(e) => set({ scope: e.target.value })} />}
          </Field>
          <Field id={id('auth.audience')} label="Audience" optional hint="Some servers (Auth0) ask for the API it is for." error={at('auth.audience')}>
            {(a) => <input {...a} spellCheck={false} value={d.audience} onChange={(e) => set({ audience: e.target.value })} />}
          </Field>
          <Field id={id('auth.clientAuth')} label="Send the client secret" error={at('auth.clientAuth')}>
            {(a) => (
              <select {...a} value={d.clientAuth} onChange={(e) => set({ clientAuth: e.target.value as 'basic' | 'body' })}>
                <option value="basic">As HTTP Basic (client_secret_basic)</option>
                <option value="body">In the form body (client_secret_post)</option>
              </select>
            )}
          </Field>
          <p className="muted">The server asks the token endpoint for an access token, caches it until shortly before it expires, and sends it as a bearer token. The token is never shown or logged.</p>
        </>
      ) : null}
      {d.type === 'none' ? <p className="muted">Calls are sent without credentials.</p> : null}
      {d.type === 'identity_jwt' ? <IdentityPanel /> : null}
    </div>
  );
}
