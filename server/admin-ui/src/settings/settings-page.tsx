import { useEffect } from 'react';
import { useApi } from '../api/context';
import type { SetupState } from '../api/setup-types';
import type { Settings } from '../api/types';
import { ErrorSummary } from '../components/error-summary';
import { Field } from '../components/field';
import { fieldId, issueAt } from '../components/issues';
import { Notice } from '../components/notice';
import { useLeaveGuard } from '../router';
import { useConfigDoc } from '../use-config-doc';
import { useLoad } from '../use-load';
import { IntercomFields } from './intercom-fields';
import { ModelCard } from './model-card';
import { settingsDraftFrom, settingsPayload, type SettingsDraft } from './settings-draft';
import { urlIssues } from './url-check';
import { ZendeskFields } from './zendesk-fields';

/** Agent settings and helpdesk credentials (secrets masked, kept unless retyped). */
export function SettingsPage() {
  const api = useApi();
  const setup = useLoad(() => api.get<SetupState>('/v1/setup'), []);
  const { draft, loadError, issues, message, saved, saving, dirty, attempt, set, save, showIssues } = useConfigDoc<Settings, SettingsDraft>(
    '/v1/settings',
    settingsDraftFrom,
    settingsPayload,
    'Settings saved.',
  );
  useLeaveGuard(dirty, 'the settings');
  const loaded = draft !== null;
  useEffect(() => {
    // The checklist links to a section (#zendesk): show it once the form is there.
    const target = loaded && window.location.hash ? document.getElementById(window.location.hash.slice(1)) : null;
    target?.scrollIntoView({ block: 'start' });
  }, [loaded]);

  if (loadError) return <Notice tone="error" title="The settings could not be loaded">{loadError}</Notice>;
  if (!draft) return <p className="muted">Loading…</p>;

  return (
    <form
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        // Addresses are checked here first, in words, before the server refuses them too.
        const bad = urlIssues(draft);
        if (bad.length) showIssues(bad.length === 1 ? 'One field needs attention: fix it below.' : `${bad.length} fields need attention: fix them below.`, bad);
        else void save();
      }}
    >
      <div className="page-head">
        <div>
          <h1>Settings</h1>
          <p className="muted">How the AI behaves, and how it reaches Zendesk and Intercom.</p>
        </div>
        <button type="submit" className="button primary" disabled={saving}>
          {saving ? 'Saving…' : 'Save settings'}
        </button>
      </div>
      {message ? <ErrorSummary key={attempt} message={message} issues={issues} /> : null}
      {saved ? <Notice tone="success">{saved}</Notice> : null}
      <fieldset className="panel">
        <legend>Agent</legend>
        <Field id={fieldId('instructions')} label="Instructions" hint="Tone, policies, what the AI may do. API answers never carry instructions." error={issueAt(issues, 'instructions')}>
          {(a) => <textarea {...a} rows={6} value={draft.instructions} onChange={(e) => set({ instructions: e.target.value })} />}
        </Field>
        <Field id={fieldId('fallbackReply')} label="Fallback reply" hint="Sent when the AI is unavailable." error={issueAt(issues, 'fallbackReply')}>
          {(a) => <textarea {...a} rows={2} value={draft.fallbackReply} onChange={(e) => set({ fallbackReply: e.target.value })} />}
        </Field>
        <Field id={fieldId('agentName')} label="Agent name" hint="The AI signs with it; {{agent_name}} in templates." error={issueAt(issues, 'agentName')}>
          {(a) => <input {...a} value={draft.agentName} onChange={(e) => set({ agentName: e.target.value })} />}
        </Field>
      </fieldset>
      <ModelCard model={draft.model} onChange={(model) => set({ model })} issues={issues} setup={setup.data} />
      <ZendeskFields draft={draft} onChange={(zendesk) => set({ zendesk })} issues={issues} setup={setup.data} />
      <IntercomFields draft={draft} onChange={(intercom) => set({ intercom })} issues={issues} setup={setup.data} />
      <div className="button-row end">
        <button type="submit" className="button primary" disabled={saving}>
          {saving ? 'Saving…' : 'Save settings'}
        </button>
      </div>
    </form>
  );
}
