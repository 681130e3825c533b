import { isContextVariable } from '../../../../shared/template';
import type { UserDataApi } from '../api/types';
import { AuthFields } from '../components/auth-fields';
import { ErrorSummary } from '../components/error-summary';
import { CheckboxField, Field } from '../components/field';
import { fieldId, issueAt } from '../components/issues';
import { JsonBodyField } from '../components/json-body-field';
import { KeyValueEditor } from '../components/key-value-editor';
import { Notice } from '../components/notice';
import { ResponseFields } from '../components/response-fields';
import { useLeaveGuard } from '../router';
import { useConfigDoc } from '../use-config-doc';
import { UserDataTest } from './user-data-test';
import { userDataDraftFrom, userDataPayload, type UserDataDraft } from './user-data-draft';

/** The User Data API: called with a verified customer's email; its answer is context for the AI. */
export function UserDataPage() {
  const { draft, loadError, issues, message, saved, saving, dirty, attempt, set, save, showIssues } = useConfigDoc<UserDataApi, UserDataDraft>(
    '/v1/user-data-api',
    userDataDraftFrom,
    userDataPayload,
    'User Data API saved.',
  );
  useLeaveGuard(dirty, 'the User Data API');

  if (loadError) return <Notice tone="error" title="The User Data API could not be loaded">{loadError}</Notice>;
  if (!draft) return <p className="muted">Loading…</p>;
  const pick = (p: string) => set({ fields: draft.fields.includes(p) ? draft.fields.filter((f) => f !== p) : [...draft.fields, p] });

  return (
    <div>
      <div className="page-head">
        <div>
          <h1>User Data API</h1>
          <p className="muted">Called once per conversation with a verified customer's email. Its answer (account, orders, plan) is context for the AI.</p>
        </div>
        <button type="button" className="button primary" disabled={saving} onClick={save}>
          {saving ? 'Saving…' : 'Save'}
        </button>
      </div>
      {message ? <ErrorSummary key={attempt} message={message} issues={issues} /> : null}
      {saved ? <Notice tone="success">{saved}</Notice> : null}
      <div className="editor-layout">
        <section className="panel" aria-label="User Data API settings">
          <div className="form-grid">
            <CheckboxField id={fieldId('enabled')} label="Call it for verified customers" checked={draft.enabled} onChange={(enabled) => set({ enabled })} error={issueAt(issues, 'enabled')} />
            <div className="method-url">
              <Field id={fieldId('method')} label="Method" className="method-field" error={issueAt(issues, 'method')}>
                {(a) => (
                  <select {...a} value={draft.method} onChange={(e) => set({ method: e.target.value as 'GET' | 'POST' })}>
                    <option>GET</option>
                    <option>POST</option>
                  </select>
                )}
              </Field>
              <Field id={fieldId('url')} label="URL" className="grow" hint={<>Context variables only, e.g. <code>{'{{contact.email}}'}</code>.</>} error={issueAt(issues, 'url')}>
                {(a) => <input {...a} spellCheck={false} inputMode="url" placeholder="https://api.example.com/customers?email={{contact.email}}" value={draft.url} onChange={(e) => set({ url: e.target.value })} />}
              </Field>
            </div>
            <fieldset>
              <legend>Authentication</legend>
              <AuthFields value={draft.auth} onChange={(auth) => set({ auth })} issues={issues} />
            </fieldset>
            <KeyValueEditor legend="Headers" addLabel="Add header" path="headers" rows={draft.headers} issues={issues} onChange={(headers) => set({ headers })} secretsByName />
            <KeyValueEditor legend="Query parameters" addLabel="Add query parameter" path="query" rows={draft.query} issues={issues} onChange={(query) => set({ query })} secretsByName />
            {draft.method === 'POST' ? <JsonBodyField id={fieldId('body')} value={draft.body} onChange={(body) => set({ body })} known={isContextVariable} error={issueAt(issues, 'body')} /> : null}
            <div className="two-col">
              <Field id={fieldId('timeoutMs')} label="Timeout (milliseconds)" error={issueAt(issues, 'timeoutMs')}>
                {(a) => <input {...a} type="number" min={100} max={120000} value={draft.timeoutMs} onChange={(e) => set({ timeoutMs: e.target.value })} />}
              </Field>
              <Field id={fieldId('response.maxChars')} label="Most characters the AI sees" error={issueAt(issues, 'response.maxChars')}>
                {(a) => <input {...a} type="number" min={100} max={100000} value={draft.maxChars} onChange={(e) => set({ maxChars: e.target.value })} />}
              </Field>
            </div>
            <ResponseFields fields={draft.fields} onChange={(fields) => set({ fields })} issues={issues} />
          </div>
        </section>
        <UserDataTest config={userDataPayload(draft)} dirty={dirty} onIssues={showIssues} onPickField={pick} picked={new Set(draft.fields)} />
      </div>
    </div>
  );
}
