import { useEffect, useRef, useState } from 'react';
import { ApiError, describeError, type FieldIssue } from '../api/client';
import { useApi } from '../api/context';
import type { EndpointTestResult } from '../api/types';
import { ConfirmDialog } from '../components/confirm-dialog';
import { Field } from '../components/field';
import { Notice } from '../components/notice';
import { TestResult } from '../components/test-result';
import { actionPayload, typedValue, WRITE_METHODS, type ActionDraft, type VariableDraft } from './draft';

interface TestPanelProps {
  draft: ActionDraft;
  /** Set when editing a saved action: the API fills masked secrets from it. */
  actionId: string | null;
  onPickField: (path: string) => void;
  /** Reports the API's field errors (or clears them with an empty list) to the editor. */
  onIssues: (message: string | null, issues: FieldIssue[]) => void;
}

function sampleValue(v: VariableDraft, text: string): unknown {
  return v.isArray
    ? text
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
        .map((s) => typedValue(v.type, s))
    : typedValue(v.type, text);
}

/** Test before saving: sample values, a warning for write methods, then the real call's echo. */
export function TestPanel({ draft, actionId, onPickField, onIssues }: TestPanelProps) {
  const api = useApi();
  const [samples, setSamples] = useState<Record<string, string>>({});
  const [email, setEmail] = useState('');
  const [firstName, setFirstName] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [running, setRunning] = useState(false);
  const [result, setResult] = useState<EndpointTestResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const write = WRITE_METHODS.has(draft.method);
  const named = draft.variables.filter((v) => v.name.trim() !== '');
  const runButton = useRef<HTMLButtonElement>(null);
  const wasConfirming = useRef(false);
  useEffect(() => {
    // The dialog replaced the Run test button; when it closes, focus goes back to the new one.
    if (wasConfirming.current && !confirming) runButton.current?.focus();
    wasConfirming.current = confirming;
  }, [confirming]);

  const run = async () => {
    setConfirming(false);
    setRunning(true);
    setError(null);
    try {
      const variables: Record<string, unknown> = {};
      for (const v of named) {
        const text = samples[v.name] ?? v.example;
        if (text.trim() !== '') variables[v.name] = sampleValue(v, text);
      }
      const contact = { ...(email.trim() ? { email: email.trim() } : {}), ...(firstName.trim() ? { first_name: firstName.trim() } : {}) };
      const r = await api.post<EndpointTestResult>('/v1/actions/test', {
        action: actionPayload(draft),
        ...(actionId ? { actionId } : {}),
        variables,
        ...(Object.keys(contact).length ? { contact } : {}),
      });
      setResult(r);
      onIssues(null, []);
    } catch (err) {
      setResult(null);
      if (err instanceof ApiError && err.status === 400) {
        onIssues(describeError(err), err.details.map((d) => ({ path: d.path.replace(/^action\./, ''), message: d.message })));
        setError('The action has errors: fix the fields marked in the editor, then test again.');
      } else setError(describeError(err));
    } finally {
      setRunning(false);
    }
  };

  return (
    <section className="panel test-panel" aria-labelledby="test-title">
      <h2 id="test-title">Test before saving</h2>
      <p className="hint">Runs the call once with sample values, exactly as the AI would. Secrets are masked in what is shown.</p>
      {named.length ? (
        <fieldset>
          <legend>Sample values</legend>
          {named.map((v) => (
            <Field key={v.name} id={`test-var-${v.name}`} label={v.name} hint={`${v.type}${v.isArray ? ' list, comma-separated' : ''}${v.required ? ', required' : ''}`}>
              {(a) => <input {...a} value={samples[v.name] ?? v.example} onChange={(e) => setSamples({ ...samples, [v.name]: e.target.value })} />}
            </Field>
          ))}
        </fieldset>
      ) : null}
      <fieldset>
        <legend>Sample customer</legend>
        <div className="two-col">
          <Field id="test-contact-email" label="Contact email" optional hint="Fills {{contact.email}}.">
            {(a) => <input {...a} type="email" autoComplete="off" value={email} onChange={(e) => setEmail(e.target.value)} />}
          </Field>
          <Field id="test-contact-first-name" label="Contact first name" optional hint="Fills {{contact.first_name}}.">
            {(a) => <input {...a} autoComplete="off" value={firstName} onChange={(e) => setFirstName(e.target.value)} />}
          </Field>
        </div>
      </fieldset>
      {confirming ? (
        <ConfirmDialog title={`This really sends a ${draft.method} request`} confirmLabel={`Send the ${draft.method} request`} onConfirm={run} onCancel={() => setConfirming(false)}>
          <p>Your API will act on it as on any other call: data may be created, changed or deleted. Use test data.</p>
        </ConfirmDialog>
      ) : (
        <div className="button-row">
          <button ref={runButton} type="button" className="button primary" disabled={running} onClick={() => (write ? setConfirming(true) : void run())}>
            {running ? 'Testing…' : 'Run test'}
          </button>
          {write ? <span className="muted">A {draft.method} test asks for confirmation first.</span> : null}
        </div>
      )}
      {error ? <Notice tone="error">{error}</Notice> : null}
      <div aria-live="polite">{result ? <TestResult result={result} onPickField={onPickField} picked={new Set(draft.fields)} /> : null}</div>
    </section>
  );
}
