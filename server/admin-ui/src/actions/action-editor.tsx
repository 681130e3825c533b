import { useEffect, useState } from 'react';
import { ApiError, describeError, type FieldIssue } from '../api/client';
import { useApi } from '../api/context';
import type { Action } from '../api/types';
import { ErrorSummary } from '../components/error-summary';
import { formIssues } from '../components/field-labels';
import { withoutEdited } from '../components/issues';
import { Notice } from '../components/notice';
import { Tabs, type TabDef } from '../components/tabs';
import { setFlash, takeFlash } from '../flash';
import { href, navigate, onLinkClick, useLeaveGuard } from '../router';
import { useLoad } from '../use-load';
import { DeleteAction } from './delete-action';
import { actionPayload, draftFrom, emptyDraft, mockDraftFrom, tabOf, type ActionDraft, type EditorTab } from './draft';
import { EndpointTab } from './endpoint-tab';
import { MockTab } from './mock-tab';
import { AuthTab } from './auth-tab';
import { ParametersTab } from './parameters-tab';
import { RulesTab } from './rules-tab';
import { TestPanel } from './test-panel';
import { UndeclaredVariables } from './undeclared-variables';
import { VariablesTab } from './variables-tab';
import { VersionHistory } from './version-history';

const TABS: { id: EditorTab; label: string }[] = [
  { id: 'endpoint', label: 'Endpoint' },
  { id: 'auth', label: 'Authentication' },
  { id: 'parameters', label: 'Parameters' },
  { id: 'variables', label: 'Variables' },
  { id: 'rules', label: 'Rules' },
  { id: 'mock', label: 'Mock' },
];

/** The headers of a test's response worth keeping in a mock: the content type only (dates and ids would go stale). */
function mockHeaders(h: Record<string, string>): Record<string, string> {
  const type = Object.entries(h).find(([k]) => k.toLowerCase() === 'content-type');
  return type ? { 'content-type': type[1] } : {};
}

/** Create or edit one action in tabs, with the test panel beside it. `id` null: a new action. */
export function ActionEditor({ id }: { id: string | null }) {
  const api = useApi();
  const list = useLoad(() => api.get<{ actions: Action[] }>('/v1/actions'), []);
  const [draft, setDraft] = useState<ActionDraft | null>(id ? null : emptyDraft());
  const [loadError, setLoadError] = useState<string | null>(null);
  const [tab, setTab] = useState<EditorTab>('endpoint');
  const [issues, setIssues] = useState<FieldIssue[]>([]);
  const [message, setMessage] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(takeFlash);
  const [saving, setSaving] = useState(false);
  const [attempt, setAttempt] = useState(0);
  // Bumped on every save and restore: the history lists the new version.
  const [savedCount, setSavedCount] = useState(0);
  // The payload as loaded or last saved: the draft is "unsaved" while it differs.
  const [baseline, setBaseline] = useState<string | null>(id ? null : () => JSON.stringify(actionPayload(emptyDraft())));
  const dirty = draft !== null && baseline !== null && JSON.stringify(actionPayload(draft)) !== baseline;
  useLeaveGuard(dirty, id ? `${draft?.name || 'this action'}` : 'the new action');

  useEffect(() => {
    if (!id) return;
    api.get<Action>(`/v1/actions/${encodeURIComponent(id)}`).then(
      (a) => {
        const d = draftFrom(a);
        setDraft(d);
        setBaseline(JSON.stringify(actionPayload(d)));
      },
      (e: unknown) => setLoadError(describeError(e)),
    );
  }, [api, id]);

  if (loadError) return <Notice tone="error" title="This action could not be loaded">{loadError}</Notice>;
  if (!draft) return <p className="muted">Loading…</p>;

  const set = (patch: Partial<ActionDraft>) => {
    setDraft({ ...draft, ...patch });
    setSaved(null);
    if (issues.length) {
      // An edited field's error is stale; the summary goes once every field is fixed.
      const left = withoutEdited(issues, Object.keys(patch).map((k) => (k === 'fields' || k === 'maxChars' ? 'response' : k.startsWith('mock') ? 'mock' : k)));
      setIssues(left);
      if (!left.length) setMessage(null);
    }
  };
  const showIssues = (msg: string | null, raw: FieldIssue[]) => {
    const list = formIssues(raw, actionPayload(draft));
    setMessage(msg);
    setIssues(list);
    setAttempt((n) => n + 1);
    if (list.length) setTab(tabOf(list[0]!.path));
  };
  const pickField = (path: string) => {
    set({ fields: draft.fields.includes(path) ? draft.fields.filter((f) => f !== path) : [...draft.fields, path] });
  };

  const save = async () => {
    setSaving(true);
    setSaved(null);
    try {
      const body = actionPayload(draft);
      const a = id ? await api.put<Action>(`/v1/actions/${encodeURIComponent(id)}`, body) : await api.post<Action>('/v1/actions', body);
      showIssues(null, []);
      const d = draftFrom(a);
      setDraft(d);
      setBaseline(JSON.stringify(actionPayload(d)));
      setSavedCount((n) => n + 1);
      list.reload();
      if (!id) {
        setFlash(`Action ${a.name} created.`);
        // Saved: nothing to lose, and the guard has not seen the new baseline yet.
        navigate(`actions/${a.id}`, { replace: true, force: true });
      } else setSaved(`Saved ${a.name}.`);
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) {
        // The only conflict of a save is the name: say it at the name field.
        const name = draft.name.trim();
        showIssues('This name is already taken.', [{ path: 'name', message: `another action is already named ${name}: choose a different name` }]);
        return;
      }
      const details = err instanceof ApiError ? err.details : [];
      showIssues(describeError(err), details);
    } finally {
      setSaving(false);
    }
  };

  const tabs: TabDef[] = TABS.map((t) => ({ ...t, errors: issues.filter((i) => tabOf(i.path) === t.id).length }));
  const others = (list.data?.actions ?? []).filter((a) => a.id !== id).map((a) => a.name);
  return (
    <div className="editor-page">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <a href={href('actions')} onClick={onLinkClick('actions')}>
          Actions
        </a>{' '}
        / <span aria-current="page">{id ? draft.name || 'Action' : 'New action'}</span>
      </nav>
      <div className="page-head">
        <h1>{id ? `Edit ${draft.name}` : 'New action'}</h1>
        <div className="button-row">
          {id ? <DeleteAction id={id} name={draft.name} /> : null}
          <button type="button" className="button primary" disabled={saving} onClick={save}>
            {saving ? 'Saving…' : id ? 'Save changes' : 'Create action'}
          </button>
        </div>
      </div>
      {message ? <ErrorSummary key={attempt} message={message} issues={issues} onJump={(p) => setTab(tabOf(p))} variableNames={draft.variables.map((v) => v.name)} /> : null}
      {saved ? <Notice tone="success">{saved}</Notice> : null}
      <div className="editor-layout">
        <section className="panel editor-form" aria-label="Action settings">
          {/* No submit button: Enter in a field must not save half an action. */}
          <form onSubmit={(e) => e.preventDefault()} noValidate>
            {/* Keyed by tab: the "declared" note belongs to the tab it was made on. */}
            <UndeclaredVariables key={tab} draft={draft} set={set} onShowVariables={() => setTab('variables')} />
            <Tabs label="Action settings" idPrefix="action" tabs={tabs} selected={tab} onSelect={(t) => setTab(t as EditorTab)}>
              {(t) =>
                t === 'endpoint' ? (
                  <EndpointTab draft={draft} set={set} issues={issues} />
                ) : t === 'auth' ? (
                  <AuthTab draft={draft} set={set} issues={issues} />
                ) : t === 'parameters' ? (
                  <ParametersTab draft={draft} set={set} issues={issues} />
                ) : t === 'variables' ? (
                  <VariablesTab draft={draft} set={set} issues={issues} />
                ) : t === 'rules' ? (
                  <RulesTab draft={draft} set={set} issues={issues} otherActions={others} />
                ) : (
                  <MockTab draft={draft} set={set} issues={issues} />
                )
              }
            </Tabs>
          </form>
        </section>
        <TestPanel
          draft={draft}
          actionId={id}
          onPickField={pickField}
          onIssues={showIssues}
          onUseAsMock={(r) => {
            set(mockDraftFrom({ status: r.status, headers: mockHeaders(r.headers), body: r.body }));
            setTab('mock');
          }}
        />
      </div>
      {id ? (
        <VersionHistory
          actionId={id}
          savedCount={savedCount}
          dirty={dirty}
          onRestored={(a) => {
            const d = draftFrom(a);
            setDraft(d);
            setBaseline(JSON.stringify(actionPayload(d)));
            setIssues([]);
            setMessage(null);
            setSaved(null);
            setSavedCount((n) => n + 1);
          }}
        />
      ) : null}
    </div>
  );
}
