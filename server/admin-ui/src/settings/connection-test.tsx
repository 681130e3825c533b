import { useState, type ReactNode } from 'react';
import { describeError } from '../api/client';
import { useApi } from '../api/context';
import { Notice } from '../components/notice';

/** What a helpdesk connection test answers, at least. */
export interface ConnectionResult {
  ok: boolean;
  message: string;
}

interface ConnectionTestProps<R extends ConnectionResult> {
  path: string;
  /** The request body: the form's draft, so a test needs no save first. */
  body: () => unknown;
  /** A client-side problem that stops the test before it is sent (e.g. an http:// address). */
  precheck?: () => string | null;
  /** What a passing test adds under its message (who the token belongs to). */
  details?: (r: R) => ReactNode;
  onResult?: (r: R) => void;
  label: string;
}

/** "Test connection": asks the server to call the helpdesk with the typed credentials and says what happened. */
export function ConnectionTest<R extends ConnectionResult>({ path, body, precheck, details, onResult, label }: ConnectionTestProps<R>) {
  const api = useApi();
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<R | null>(null);
  const [error, setError] = useState<string | null>(null);
  const run = async () => {
    setResult(null);
    setError(null);
    const problem = precheck?.();
    if (problem) {
      setError(problem);
      return;
    }
    setBusy(true);
    try {
      const r = await api.post<R>(path, body());
      setResult(r);
      onResult?.(r);
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="connection-test">
      <div className="button-row">
        <button type="button" className="button secondary" disabled={busy} onClick={run}>
          {busy ? 'Testing…' : label}
        </button>
        <span className="muted small">Uses what is typed above, saved or not.</span>
      </div>
      <div aria-live="polite">
        {result ? (
          <Notice tone={result.ok ? 'success' : 'error'} title={result.ok ? 'Connected' : 'Not connected'}>
            <p>{result.message}</p>
            {result.ok && details ? details(result) : null}
          </Notice>
        ) : null}
        {error ? <Notice tone="error" title="The test could not run">{error}</Notice> : null}
      </div>
    </div>
  );
}
