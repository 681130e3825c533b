import { useState } from 'react';
import { describeError } from '../api/client';
import { useApi } from '../api/context';
import type { EndpointTestResult } from '../api/types';
import { Field } from '../components/field';
import { Notice } from '../components/notice';
import { TestResult } from '../components/test-result';

/** Test of the saved User Data API with a customer's email. */
export function UserDataTest({ dirty, onPickField, picked }: { dirty: boolean; onPickField: (p: string) => void; picked: ReadonlySet<string> }) {
  const api = useApi();
  const [email, setEmail] = useState('');
  const [running, setRunning] = useState(false);
  const [result, setResult] = useState<EndpointTestResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const run = async () => {
    setRunning(true);
    setError(null);
    try {
      setResult(await api.post<EndpointTestResult>('/v1/user-data-api/test', { email: email.trim() }));
    } catch (err) {
      setResult(null);
      setError(describeError(err));
    } finally {
      setRunning(false);
    }
  };
  return (
    <section className="panel test-panel" aria-labelledby="ud-test-title">
      <h2 id="ud-test-title">Test by email</h2>
      <p className="hint">Looks up one customer with the saved configuration.</p>
      {dirty ? <Notice tone="warning">You have unsaved changes: save first to test them.</Notice> : null}
      <form
        className="inline-add"
        onSubmit={(e) => {
          e.preventDefault();
          void run();
        }}
      >
        <Field id="ud-test-email" label="Customer email" className="grow">
          {(a) => <input {...a} type="email" required value={email} onChange={(e) => setEmail(e.target.value)} />}
        </Field>
        <button type="submit" className="button primary" disabled={running}>
          {running ? 'Testing…' : 'Run test'}
        </button>
      </form>
      {error ? <Notice tone="error">{error}</Notice> : null}
      <div aria-live="polite">{result ? <TestResult result={result} onPickField={onPickField} picked={picked} /> : null}</div>
    </section>
  );
}
