import { useEffect, useState } from 'react';
import { ApiError, describeError, type FieldIssue } from '../api/client';
import { useApi } from '../api/context';
import { ErrorSummary } from '../components/error-summary';
import { Field } from '../components/field';
import { fieldId, issueAt } from '../components/issues';
import { KeyValueEditor } from '../components/key-value-editor';
import { Notice } from '../components/notice';
import { setFlash, takeFlash } from '../flash';
import { href, navigate, onLinkClick, useLeaveGuard } from '../router';
import { ConnectionAuthFields } from './connection-auth-fields';
import { baseUrlProblem, connectionDraftFrom, connectionPayload, emptyConnectionDraft, type Connection, type ConnectionDraft } from './connection-draft';
import { ConnectionTest } from './connection-test';
import { DeleteConnection } from './delete-connection';
import './connections.css';

/** Create or edit one connection. `id` null: a new one. */
export function ConnectionEditor({ id }: { id: string | null }) {
  const api = useApi();
  const [draft, setDraft] = useState<ConnectionDraft | null>(id ? null : emptyConnectionDraft());
  const [baseline, setBaseline] = useState<string | null>(id ? null : () => JSON.stringify(connectionPayload(emptyConnectionDraft())));
  const [loadError, setLoadError] = useState<string | null>(null);
  const [issues, setIssues] = useState<FieldIssue[]>([]);
  const [message, setMessage] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);
  const [saved, setSaved] = useState<string | null>(takeFlash);
  const [saving, setSaving] = useState(false);
  const dirty = draft !== null && baseline !== null && JSON.stringify(connectionPayload(draft)) !== baseline;
  useLeaveGuard(dirty, id ? draft?.name || 'this connection' : 'the new connection');

  useEffect(() => {
    if (!id) return;
    api.get<Connection>(`/v1/connections/${encodeURIComponent(id)}`).then(
      (c) => {
        const d = connectionDraftFrom(c);
        setDraft(d);
        setBaseline(JSON.stringify(connectionPayload(d)));
      },
      (e: unknown) => setLoadError(describeError(e)),
    );
  }, [api, id]);

  if (loadError) return <Notice tone="error" title="This connection could not be loaded">{loadError}</Notice>;
  if (!draft) return <p className="muted">Loading…</p>;

  const set = (patch: Partial<ConnectionDraft>) => {
    setDraft({ ...draft, ...patch });
    setSaved(null);
    if (issues.length) {
      const edited = Object.keys(patch);
      const left = issues.filter((i) => !edited.includes(i.path.split('.')[0] ?? ''));
      setIssues(left);
      if (!left.length) setMessage(null);
    }
  };
  const show = (msg: string | null, list: FieldIssue[]) => {
    setMessage(msg);
    setIssues(list);
    setAttempt((n) => n + 1);
  };

  const save = async () => {
    setSaved(null);
    const problem = baseUrlProblem(draft.baseUrl);
    if (problem) return show('One field needs attention: fix it below.', [{ path: 'baseUrl', message: problem }]);
    setSaving(true);
    try {
      const body = connectionPayload(draft);
      const c = id ? await api.put<Connection>(`/v1/connections/${encodeURIComponent(id)}`, body) : await api.post<Connection>('/v1/connections', body);
      show(null, []);
      const d = connectionDraftFrom(c);
      setDraft(d);
      setBaseline(JSON.stringify(connectionPayload(d)));
      if (!id) {
        setFlash(`Connection ${c.name} created.`);
        navigate(`connections/${c.id}`, { replace: true, force: true });
      } else setSaved(`Saved ${c.name}.`);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'secret_required') {
        // The base URL moved to another host: each kept secret must be typed again, said at its field.
        show('The address changed: type the secrets again for the new address.', err.details);
      } else show(describeError(err), err instanceof ApiError ? err.details : []);
    } finally {
      setSaving(false);
    }
  };

  return (
    <div className="editor-page">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <a href={href('connections')} onClick={onLinkClick('connections')}>
          Connections
        </a>{' '}
        / <span aria-current="page">{id ? draft.name || 'Connection' : 'New connection'}</span>
      </nav>
      <div className="page-head">
        <h1>{id ? `Edit ${draft.name}` : 'New connection'}</h1>
        <div className="button-row">
          {id ? <DeleteConnection id={id} name={draft.name} /> : null}
          <button type="button" className="button primary" disabled={saving} onClick={save}>
            {saving ? 'Saving…' : id ? 'Save changes' : 'Create connection'}
          </button>
        </div>
      </div>
      {message ? <ErrorSummary key={attempt} message={message} issues={issues} /> : null}
      {saved ? <Notice tone="success">{saved}</Notice> : null}
      <div className="editor-layout">
        <section className="panel editor-form" aria-label="Connection settings">
          <form onSubmit={(e) => e.preventDefault()} noValidate className="form-grid">
            <Field id={fieldId('name')} label="Name" hint='Shown to admins, e.g. "Orders API".' error={issueAt(issues, 'name')}>
              {(a) => <input {...a} value={draft.name} autoComplete="off" onChange={(e) => set({ name: e.target.value })} />}
            </Field>
            <Field
              id={fieldId('baseUrl')}
              label="Base URL"
              hint="Every action path is appended to it, e.g. https://api.example.com/v2. https only; no query or {{placeholders}}."
              error={issueAt(issues, 'baseUrl')}
            >
              {(a) => <input {...a} value={draft.baseUrl} spellCheck={false} inputMode="url" autoComplete="off" placeholder="https://api.example.com/v2" onChange={(e) => set({ baseUrl: e.target.value })} />}
            </Field>
            <fieldset className="panel">
              <legend>Authentication</legend>
              <ConnectionAuthFields value={draft.auth} onChange={(auth) => set({ auth })} issues={issues} />
            </fieldset>
            <KeyValueEditor
              legend="Headers"
              path="headers"
              rows={draft.headers}
              issues={issues}
              onChange={(headers) => set({ headers })}
              secretsByName
              hint="Sent with every call of every action on this connection; an action header of the same name wins. Values may use context such as {{contact.email}}."
              addLabel="Add header"
            />
            <Field id={fieldId('timeoutMs')} label="Timeout (milliseconds)" hint="Per call, 100 to 120000. An action that sets a timeout other than the default 10000 keeps its own." error={issueAt(issues, 'timeoutMs')}>
              {(a) => <input {...a} inputMode="numeric" value={draft.timeoutMs} onChange={(e) => set({ timeoutMs: e.target.value })} />}
            </Field>
          </form>
        </section>
        {id ? (
          <ConnectionTest id={id} authType={draft.auth.type} dirty={dirty} />
        ) : (
          <aside className="panel">
            <h2>Test</h2>
            <p className="muted">Create the connection first, then test a call through it here.</p>
          </aside>
        )}
      </div>
    </div>
  );
}
