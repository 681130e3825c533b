import { useState } from 'react';
import { describeError } from '../api/client';
import { useApi } from '../api/context';
import type { EndpointTestResult } from '../api/types';
import { CheckboxField, Field } from '../components/field';
import { Notice } from '../components/notice';
import { TestResult } from '../components/test-result';
import type { ConnAuthType } from './connection-draft';

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/** One call through the saved connection to a path, its outcome in words. */
export function ConnectionTest({ id, authType, dirty }: { id: string; authType: ConnAuthType; dirty: boolean }) {
  const api = useApi();
  const [path, setPath] = useState('/');
  const [method, setMethod] = useState<(typeof METHODS)[number]>('GET');
  const [email, setEmail] = useState('ann@example.com');
  const [verified, setVerified] = useState(true);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<EndpointTestResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const identity = authType === 'identity_jwt';
  const run = async () => {
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      const body = { path: path.trim() || '/', method, ...(identity ? { contact: { email: email.trim(), id: email.trim() }, verified } : {}) };
      setResult(await api.post<EndpointTestResult>(`/v1/connections/${encodeURIComponent(id)}/test`, body));
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <aside className="panel test-panel" aria-labelledby="conn-test-title">
      <h2 id="conn-test-title">Test the connection</h2>
      <p className="muted">Sends one real request to the base URL + this path with the connection's authentication and headers.</p>
      {dirty ? <Notice tone="info">The test uses the saved connection: save your changes first to test them.</Notice> : null}
      <div className="form-grid">
        <div className="method-url">
          <Field id="conn-test-method" label="Method" className="method-field">
            {(a) => (
              <select {...a} value={method} onChange={(e) => setMethod(e.target.value as (typeof METHODS)[number])}>
                {METHODS.map((m) => (
                  <option key={m}>{m}</option>
                ))}
              </select>
            )}
          </Field>
          <Field id="conn-test-path" label="Path" hint="Starts with /, e.g. /health." className="grow">
            {(a) => <input {...a} value={path} spellCheck={false} onChange={(e) => setPath(e.target.value)} />}
          </Field>
        </div>
        {identity ? (
          <>
            <Field id="conn-test-email" label="Sample customer email" hint="The identity assertion names this customer.">
              {(a) => <input {...a} type="email" value={email} onChange={(e) => setEmail(e.target.value)} />}
            </Field>
            <CheckboxField id="conn-test-verified" label="The sample customer is identity-verified" checked={verified} onChange={setVerified} hint="Unverified customers get no assertion: the call is refused." />
          </>
        ) : null}
        <div className="button-row">
          <button type="button" className="button primary" disabled={busy} onClick={run}>
            {busy ? 'Testing…' : 'Test connection'}
          </button>
        </div>
      </div>
      {error ? <Notice tone="error" title="The test could not run">{error}</Notice> : null}
      {result ? <TestResult result={result} /> : null}
    </aside>
  );
}
