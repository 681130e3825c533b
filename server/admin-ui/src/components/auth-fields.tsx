import type { FieldIssue } from '../api/client';
import { AUTH_TYPES, secretPath, storedFor, type AuthDraft, type AuthType } from './auth-draft';
import { Field } from './field';
import { fieldId, issueAt } from './issues';
import { SecretInput, secretHint } from './secret-input';

interface AuthFieldsProps {
  value: AuthDraft;
  onChange: (d: AuthDraft) => void;
  issues: readonly FieldIssue[];
}

/** Authentication of an endpoint: type, then the fields of that type; secrets write-only. */
export function AuthFields({ value: d, onChange, issues }: AuthFieldsProps) {
  const set = (patch: Partial<AuthDraft>) => onChange({ ...d, ...patch });
  const stored = storedFor(d);
  const sp = secretPath(d.type);
  return (
    <div className="form-grid">
      <Field id={fieldId('auth.type')} label="Authentication type" error={issueAt(issues, 'auth.type') ?? issueAt(issues, 'auth')}>
        {(a) => (
          <select {...a} value={d.type} onChange={(e) => set({ type: e.target.value as AuthType })}>
            {AUTH_TYPES.map((t) => (
              <option key={t.value} value={t.value}>
                {t.label}
              </option>
            ))}
          </select>
        )}
      </Field>
      {d.type === 'basic' ? (
        <Field id={fieldId('auth.username')} label="User name" error={issueAt(issues, 'auth.username')}>
          {(a) => <input {...a} autoComplete="off" value={d.username} onChange={(e) => set({ username: e.target.value })} />}
        </Field>
      ) : null}
      {d.type === 'header' || d.type === 'query' || d.type === 'body' ? (
        <Field
          id={fieldId('auth.name')}
          label={d.type === 'header' ? 'Header name' : d.type === 'query' ? 'Query parameter name' : 'Body field name'}
          hint={d.type === 'header' ? 'For example X-API-Key.' : d.type === 'query' ? 'Added to the URL, for example api_key.' : 'Added to the JSON body, for example api_key.'}
          error={issueAt(issues, 'auth.name')}
        >
          {(a) => <input {...a} spellCheck={false} value={d.name} onChange={(e) => set({ name: e.target.value })} />}
        </Field>
      ) : null}
      {d.type !== 'none' ? (
        <Field
          id={fieldId(sp)}
          label={d.type === 'bearer' ? 'Token' : d.type === 'basic' ? 'Password' : 'Secret value'}
          hint={secretHint(stored)}
          error={issueAt(issues, sp)}
        >
          {(a) => <SecretInput a11y={a} value={d.secret} stored={stored} onChange={(secret) => set({ secret })} />}
        </Field>
      ) : (
        <p className="muted">The call is sent without credentials.</p>
      )}
    </div>
  );
}
