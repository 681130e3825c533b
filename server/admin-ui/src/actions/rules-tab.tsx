import { CheckboxField, Field, FieldError } from '../components/field';
import { fieldId, issueAt } from '../components/issues';
import { ResponseFields } from '../components/response-fields';
import { WRITE_METHODS } from './draft';
import type { TabProps } from './endpoint-tab';

/** Rules: who may trigger it, prerequisites, confirmation, timeout and what of the answer the AI sees. */
export function RulesTab({ draft: d, set, issues, otherActions }: TabProps & { otherActions: string[] }) {
  const confirm = d.confirmTouched ? d.confirm : WRITE_METHODS.has(d.method);
  const choices = [...new Set([...otherActions, ...d.requires])].sort();
  const requiresError = issueAt(issues, 'requires') ?? d.requires.map((_, i) => issueAt(issues, `requires.${i}`)).find(Boolean);
  return (
    <div className="form-grid">
      <Field id={fieldId('audience')} label="Who may trigger it" error={issueAt(issues, 'audience')}>
        {(a) => (
          <select {...a} value={d.audience} onChange={(e) => set({ audience: e.target.value as 'everyone' | 'verified' })}>
            <option value="everyone">Everyone</option>
            <option value="verified">Only identity-verified customers</option>
          </select>
        )}
      </Field>
      <fieldset className="requires" aria-describedby={`${fieldId('requires')}-hint${requiresError ? ` ${fieldId('requires')}-error` : ''}`}>
        <legend>Requires</legend>
        <p className="hint" id={`${fieldId('requires')}-hint`}>
          Actions that must have succeeded earlier in the same conversation, e.g. verify_customer. The server enforces it.
        </p>
        {choices.length === 0 ? <p className="muted">No other actions yet.</p> : null}
        {choices.map((n, i) => (
          <div className="checkbox-row" key={n}>
            <input
              id={i === 0 ? fieldId('requires') : `${fieldId('requires')}-${i}`}
              type="checkbox"
              checked={d.requires.includes(n)}
              onChange={(e) => set({ requires: e.target.checked ? [...d.requires, n] : d.requires.filter((x) => x !== n) })}
            />
            <label htmlFor={i === 0 ? fieldId('requires') : `${fieldId('requires')}-${i}`}>{n}</label>
          </div>
        ))}
        {requiresError ? <FieldError id={`${fieldId('requires')}-error`} message={requiresError} /> : null}
      </fieldset>
      <CheckboxField
        id={fieldId('confirm')}
        label="Ask for confirmation before calling"
        hint={`The customer (Intercom) or the agent (Zendesk) confirms first. ${d.confirmTouched ? '' : `Default for ${d.method}: ${WRITE_METHODS.has(d.method) ? 'on' : 'off'}.`}`}
        checked={confirm}
        onChange={(v) => set({ confirm: v, confirmTouched: true })}
        error={issueAt(issues, 'confirm')}
      />
      <div className="two-col">
        <Field id={fieldId('timeoutMs')} label="Timeout (milliseconds)" hint="100 to 120000." error={issueAt(issues, 'timeoutMs')}>
          {(a) => <input {...a} type="number" inputMode="numeric" min={100} max={120000} step={100} value={d.timeoutMs} onChange={(e) => set({ timeoutMs: e.target.value })} />}
        </Field>
        <Field id={fieldId('response.maxChars')} label="Most characters the AI sees" hint="100 to 100000." error={issueAt(issues, 'response.maxChars')}>
          {(a) => <input {...a} type="number" inputMode="numeric" min={100} max={100000} step={100} value={d.maxChars} onChange={(e) => set({ maxChars: e.target.value })} />}
        </Field>
      </div>
      <ResponseFields fields={d.fields} onChange={(fields) => set({ fields })} issues={issues} />
    </div>
  );
}
