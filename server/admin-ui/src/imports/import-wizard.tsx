import { useState } from 'react';
import type { OpenApiPreview } from '../../../../shared/openapi-import';
import { ApiError, describeError, type FieldIssue } from '../api/client';
import { useApi } from '../api/context';
import type { Action } from '../api/types';
import { ErrorSummary } from '../components/error-summary';
import { Field } from '../components/field';
import { fieldId, issueAt } from '../components/issues';
import { Notice } from '../components/notice';
import { ConnectionAuthFields } from '../connections/connection-auth-fields';
import { baseUrlProblem, connAuthDraftFrom, connAuthPayload, type ConnAuthDraft, type Connection } from '../connections/connection-draft';
import { setFlash } from '../flash';
import { href, navigate, onLinkClick } from '../router';
import { ImportSourceStep, type ImportSource } from './import-source';
import { OperationList } from './operation-list';
import '../connections/connections.css';

/** The preview and what the admin chose and typed for the connection. */
interface Chosen {
  source: ImportSource;
  preview: OpenApiPreview;
  selected: Set<string>;
  name: string;
  baseUrl: string;
  auth: ConnAuthDraft;
}

const sourceBody = (s: ImportSource) => (s.kind === 'url' ? { url: s.url } : { document: s.document });

/** OpenAPI import: the document, then the operations and the connection's secrets, then Import. */
export function ImportWizard() {
  const api = useApi();
  const [busy, setBusy] = useState(false);
  const [sourceError, setSourceError] = useState<string | undefined>();
  const [c, setC] = useState<Chosen | null>(null);
  const [issues, setIssues] = useState<FieldIssue[]>([]);
  const [message, setMessage] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);

  const preview = async (source: ImportSource) => {
    setBusy(true);
    setSourceError(undefined);
    try {
      const p = await api.post<OpenApiPreview>('/v1/imports/openapi', sourceBody(source));
      setC({ source, preview: p, selected: new Set(), name: p.connection.name, baseUrl: p.connection.baseUrl, auth: connAuthDraftFrom(p.connection.auth) });
      setIssues([]);
      setMessage(null);
    } catch (err) {
      setSourceError(err instanceof ApiError && err.details.length ? err.details.map((d) => d.message).join('; ') : describeError(err));
    } finally {
      setBusy(false);
    }
  };

  const set = (patch: Partial<Chosen>) => c && setC({ ...c, ...patch });
  const show = (msg: string, list: FieldIssue[]) => {
    setMessage(msg);
    setIssues(list);
    setAttempt((n) => n + 1);
  };

  const apply = async () => {
    if (!c) return;
    if (c.selected.size === 0) return show('Choose at least one operation to import.', [{ path: 'operations', message: 'choose at least one operation' }]);
    const problem = baseUrlProblem(c.baseUrl);
    if (problem) return show('One field needs attention: fix it below.', [{ path: 'connection.baseUrl', message: problem }]);
    setBusy(true);
    try {
      // In the document's order, so the actions list reads like the document.
      const operations = c.preview.operations.filter((o) => c.selected.has(o.key)).map((o) => o.key);
      const out = await api.post<{ connection: Connection; actions: Action[] }>('/v1/imports/openapi/apply', {
        ...sourceBody(c.source),
        operations,
        connection: { name: c.name.trim(), baseUrl: c.baseUrl.trim(), auth: connAuthPayload(c.auth) },
      });
      setFlash(`Imported ${out.actions.length} action${out.actions.length === 1 ? '' : 's'} on the new connection ${out.connection.name}. Test each one before the AI relies on it.`);
      navigate('actions', { force: true });
    } catch (err) {
      show(describeError(err), err instanceof ApiError ? err.details : []);
      setBusy(false);
    }
  };

  return (
    <div className="editor-page">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <a href={href('connections')} onClick={onLinkClick('connections')}>
          Connections
        </a>{' '}
        / <span aria-current="page">Import from OpenAPI</span>
      </nav>
      <div className="page-head">
        <div>
          <h1>Import from OpenAPI</h1>
          <p className="muted">Creates a connection and one action per chosen operation, all at once. Nothing is saved until you import.</p>
        </div>
      </div>
      {!c ? (
        <ImportSourceStep busy={busy} error={sourceError} onPreview={preview} />
      ) : (
        <>
          <div className="notice notice-info">
            <p>
              <strong>{c.preview.title}</strong> (OpenAPI {c.preview.specVersion}, {c.preview.operations.length} operations
              {c.source.kind === 'upload' ? ` from ${c.source.fileName}` : c.source.kind === 'url' ? ` from ${c.source.url}` : ''}).{' '}
              <button type="button" className="link-button" onClick={() => setC(null)}>
                Use another document
              </button>
            </p>
            {c.preview.warnings.length ? (
              <ul aria-label="Document warnings">
                {c.preview.warnings.map((w) => (
                  <li key={w}>{w}</li>
                ))}
              </ul>
            ) : null}
          </div>
          {message ? <ErrorSummary key={attempt} message={message} issues={issues} /> : null}
          <section className="panel" aria-labelledby="import-ops-title">
            <h2 id="import-ops-title">2. Operations</h2>
            {issueAt(issues, 'operations') ? <p className="field-error">⚠ {issueAt(issues, 'operations')}</p> : null}
            <OperationList operations={c.preview.operations} selected={c.selected} onChange={(selected) => set({ selected })} />
          </section>
          <section className="panel" aria-labelledby="import-conn-title">
            <h2 id="import-conn-title">3. The connection</h2>
            <p className="muted">Proposed from the document. Type the secrets here: they are stored encrypted and never shown again.</p>
            <div className="form-grid">
              <Field id={fieldId('connection.name')} label="Connection name" error={issueAt(issues, 'connection.name')}>
                {(a) => <input {...a} value={c.name} onChange={(e) => set({ name: e.target.value })} />}
              </Field>
              <Field id={fieldId('connection.baseUrl')} label="Base URL" hint="From the document's servers; change it to use, say, a staging host." error={issueAt(issues, 'connection.baseUrl')}>
                {(a) => <input {...a} value={c.baseUrl} spellCheck={false} inputMode="url" onChange={(e) => set({ baseUrl: e.target.value })} />}
              </Field>
              <ConnectionAuthFields value={c.auth} onChange={(auth) => set({ auth })} issues={issues} prefix="connection." />
            </div>
          </section>
          <div className="button-row">
            <button type="button" className="button primary" disabled={busy} onClick={apply}>
              {busy ? 'Importing…' : `Import ${c.selected.size} operation${c.selected.size === 1 ? '' : 's'}`}
            </button>
          </div>
        </>
      )}
    </div>
  );
}
