import { useEffect, useRef, useState } from 'react';
import { ApiError, describeError, type FieldIssue } from '../api/client';
import { useApi } from '../api/context';
import type { EndpointTestResult } from '../api/types';
import { ConfirmDialog } from '../components/confirm-dialog';
import { Field } from '../components/field';
import { Notice } from '../components/notice';
import { TestResult } from '../components/test-result';
import { actionPayload, typedValue, WRITE_METHODS, type ActionDraft, type VariableDraft } from './draft';
import { placeholdersByPlace, type PlaceholderPlace } from './undeclared';

interface TestPanelProps {
  draft: ActionDraft;
  /** Set when editing a saved action: the API fills masked secrets from it. */
  actionId: string | null;
  onPickField: (path: string) => void;
  /** Reports the API's field errors (or clears them with an empty list) to the editor. */
  onIssues: (message: string | null, issues: FieldIssue[]) => void;
  /** Makes the response of the last test the action's mock. */
  onUseAsMock: (response: NonNullable<EndpointTestResult['response']>) => void;
}

/** The contact fields a test can fill, with their labels; email and first name are always offered. */
const CONTACT_FIELDS: { key: 'email' | 'first_name' | 'last_name' | 'phone_number' | 'id'; label: string; always: boolean }[] = [
  { key: 'email', label: 'Contact email', always: true },
  { key: 'first_name', label: 'Contact first name', always: true },
  { key: 'last_name', label: 'Contact last name', always: false },
  { key: 'phone_number', label: 'Contact phone number', always: false },
  { key: 'id', label: 'Contact id', always: false },
];

/** "used in the URL and body" */
function usedIn(places: readonly PlaceholderPlace[] | undefined): string {
  if (!places?.length) return 'not used in the request';
  const words = places.map((p) => (p === 'URL' ? 'the URL' : p === 'body' ? 'the body' : p === 'headers' ? 'a header' : 'the query'));
  return `used in ${words.length > 1 ? `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}` : words[0]}`;
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
export function TestPanel({ draft, actionId, onPickField, onIssues, onUseAsMock }: TestPanelProps) {
  const api = useApi();
  const [samples, setSamples] = useState<Record<string, string>>({});
  const [contactValues, setContactValues] = useState<Record<string, string>>({});
  const [confirming, setConfirming] = useState(false);
  const [running, setRunning] = useState(false);
  const [result, setResult] = useState<EndpointTestResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [mocked, setMocked] = useState(false);
  const write = WRITE_METHODS.has(draft.method);
  const named = draft.variables.filter((v) => v.name.trim() !== '');
  const used = placeholdersByPlace(draft);
  const contactFields = CONTACT_FIELDS.filter((c) => c.always || used.has(`contact.${c.key}`));
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
    // An old result under a new run would read as the new one's.
    setResult(null);
    setMocked(false);
    try {
      const variables: Record<string, unknown> = {};
      for (const v of named) {
        const text = samples[v.name] ?? v.example;
        if (text.trim() !== '') variables[v.name] = sampleValue(v, text);
      }
      const contact: Record<string, string> = {};
      for (const c of contactFields) {
        const value = (contactValues[c.key] ?? '').trim();
        if (value) contact[c.key] = value;
      }
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
          {named.map((v) => {
            // A value the request uses cannot be left out unless a default stands in for it.
            const needed = (v.required || used.has(v.name)) && v.default.trim() === '';
            return (
              <Field
                key={v.name}
                id={`test-var-${v.name}`}
                label={v.name}
                required={needed}
                optional={!needed}
                hint={`${v.type}${v.isArray ? ' list, comma-separated' : ''}; ${usedIn(used.get(v.name))}${v.default.trim() ? `; empty uses the default ${v.default}` : ''}.`}
              >
                {(a) => <input {...a} value={samples[v.name] ?? v.example} onChange={(e) => setSamples({ ...samples, [v.name]: e.target.value })} />}
              </Field>
            );
          })}
        </fieldset>
      ) : null}
      <fieldset>
        <legend>Sample customer</legend>
        <div className="two-col">
          {contactFields.map((c) => {
            const places = used.get(`contact.${c.key}`);
            return (
              <Field key={c.key} id={`test-contact-${c.key.replace(/_/g, '-')}`} label={c.label} required={!!places} optional={!places} hint={`Fills {{contact.${c.key}}}, ${usedIn(places)}.`}>
                {(a) => (
                  <input
                    {...a}
                    type={c.key === 'email' ? 'email' : 'text'}
                    autoComplete="off"
                    value={contactValues[c.key] ?? ''}
                    onChange={(e) => setContactValues({ ...contactValues, [c.key]: e.target.value })}
                  />
                )}
              </Field>
            );
          })}
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
      <div aria-live="polite">
        {result?.response ? (
          <div className="button-row mock-from-test">
            <button
              type="button"
              className="button secondary small"
              onClick={() => {
                onUseAsMock(result.response!);
                setMocked(true);
              }}
            >
              Use the last test result as the mock
            </button>
            {mocked ? <span className="muted small">Copied into the Mock tab: save the action to keep it.</span> : null}
          </div>
        ) : null}
        {result ? <TestResult result={result} onPickField={onPickField} picked={new Set(draft.fields)} /> : null}
      </div>
    </section>
  );
}
