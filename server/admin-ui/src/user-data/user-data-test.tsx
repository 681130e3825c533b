import { useState } from 'react';
import { ApiError, describeError, type FieldIssue } from '../api/client';
import { useApi } from '../api/context';
import type { EndpointTestResult } from '../api/types';
import { Field } from '../components/field';
import { Notice } from '../components/notice';
import { TestResult } from '../components/test-result';

interface UserDataTestProps {
  /** The configuration as typed on the page (the API's shape). */
  config: Record<string, unknown>;
  /** True when the page differs from what is saved. */
  dirty: boolean;
  /** Puts errors of the configuration at the page's fields. */
  onIssues: (message: string, issues: FieldIssue[]) => void;
  onPickField: (p: string) => void;
  picked: ReadonlySet<string>;
}

/** Test of the User Data API as typed (saved or not) with a customer's email. */
export function UserDataTest({ config, dirty, onIssues, onPickField, picked }: UserDataTestProps) {
  const api = useApi();
  const [email, setEmail] = useState('');
  const [running, setRunning] = useState(false);
  const [result, setResult] = useState<EndpointTestResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const run = async () => {
    setError(null);
    setResult(null);
    if (typeof config.url !== 'string' || config.url === '') {
      onIssues('The test needs a URL.', [{ path: 'url', message: 'URL is required' }]);
      return;
    }
    setRunning(true);
    try {
      // The page's configuration travels with the test: what is tested is what is on the page.
      setResult(await api.post<EndpointTestResult>('/v1/user-data-api/test', { email: email.trim(), config }));
    } catch (err) {
      if (err instanceof ApiError && err.status === 400 && err.details.some((d) => d.path === 'url' || d.path.startsWith('config.'))) {
        onIssues(describeError(err), err.details.map((d) => ({ path: d.path.replace(/^config\./, ''), message: d.message })));
        setError('The configuration has errors: fix the fields marked on the left, then test again.');
      } else setError(describeError(err));
    } finally {
      setRunning(false);
    }
  };
  return (
    <section className="panel test-panel" aria-labelledby="ud-test-title">
      <h2 id="ud-test-title">Test by email</h2>
      <p className="hint">Looks up one customer with the configuration as it is on this page{dirty ? ', unsaved changes included' : ''}.</p>
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
