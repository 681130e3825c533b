import { useState } from 'react';
import type { FieldIssue } from '../api/client';
import type { IntercomAdmin, IntercomTestResult, SetupState } from '../api/setup-types';
import { CopyField } from '../components/copy-button';
import { CheckboxField, Field } from '../components/field';
import { fieldId, issueAt } from '../components/issues';
import { formatTime } from '../format';
import { ConnectionTest } from './connection-test';
import { SecretField } from './secret-field';
import { settingsPayload, type SettingsDraft } from './settings-draft';
import { httpsProblem } from './url-check';

type I = SettingsDraft['intercom'];

interface IntercomProps {
  draft: SettingsDraft;
  onChange: (c: I) => void;
  issues: readonly FieldIssue[];
  setup: SetupState | undefined;
}

/** Intercom setup: workspace and token with a test, the admin the AI replies as, identity verification, the webhook. */
export function IntercomFields({ draft, onChange, issues, setup }: IntercomProps) {
  const c = draft.intercom;
  const set = (patch: Partial<I>) => onChange({ ...c, ...patch });
  const [admins, setAdmins] = useState<IntercomAdmin[] | null>(null);
  // The workspace the token belongs to, when it is not the app id typed: offered in one click.
  const [otherApp, setOtherApp] = useState<string | null>(null);
  const adminIds = new Set((admins ?? []).map((a) => a.id));

  const onTested = (r: IntercomTestResult) => {
    if (r.admins?.length) setAdmins(r.admins);
    const typed = c.appId.trim();
    setOtherApp(r.appId && typed && r.appId.toLowerCase() !== typed.toLowerCase() ? r.appId : null);
    const patch: Partial<I> = {};
    // The token proves its workspace: an empty app id is filled from it.
    if (r.appId && !typed) patch.appId = r.appId;
    if (!c.adminId && r.admins?.length === 1) patch.adminId = r.admins[0]!.id;
    if (Object.keys(patch).length) set(patch);
  };

  return (
    <fieldset className="panel" id="intercom">
      <legend>Intercom</legend>
      <h3 className="first">1. API access</h3>
      <div className="two-col">
        <Field id={fieldId('intercom.appId')} label="Workspace id (app_id)" optional hint="The test fills it from the token." error={issueAt(issues, 'intercom.appId')}>
          {(a) => <input {...a} spellCheck={false} value={c.appId} onChange={(e) => set({ appId: e.target.value })} />}
        </Field>
        <SecretField path="intercom.accessToken" label="Access token" value={c.accessToken} onChange={(accessToken) => set({ accessToken })} error={issueAt(issues, 'intercom.accessToken')} />
      </div>
      <div className="two-col">
        <Field id={fieldId('intercom.region')} label="Data region" error={issueAt(issues, 'intercom.region')}>
          {(a) => (
            <select {...a} value={c.region} onChange={(e) => set({ region: e.target.value as I['region'] })}>
              <option value="us">United States</option>
              <option value="eu">Europe</option>
              <option value="au">Australia</option>
            </select>
          )}
        </Field>
        <Field id={fieldId('intercom.baseUrl')} label="API address override" optional hint="For a proxy; https:// only." error={issueAt(issues, 'intercom.baseUrl')}>
          {(a) => <input {...a} inputMode="url" spellCheck={false} value={c.baseUrl} onChange={(e) => set({ baseUrl: e.target.value })} />}
        </Field>
      </div>
      <ConnectionTest<IntercomTestResult>
        path="/v1/settings/intercom/test"
        label="Test Intercom connection"
        body={() => ({ intercom: settingsPayload(draft).intercom })}
        precheck={() => {
          const p = httpsProblem(c.baseUrl);
          return p ? `The API address override ${p}.` : null;
        }}
        onResult={onTested}
        details={(r) => (
          <p className="small">
            {r.appId ? `Workspace ${r.appId}. ` : ''}
            {r.admins?.length ? `${r.admins.length} admin${r.admins.length === 1 ? '' : 's'} to choose from below.` : ''}
          </p>
        )}
      />
      {otherApp ? (
        <div className="notice notice-warning">
          <p>
            The access token belongs to workspace <code>{otherApp}</code>, not <code>{c.appId.trim()}</code>.
          </p>
          <button
            type="button"
            className="button secondary small"
            onClick={() => {
              set({ appId: otherApp });
              setOtherApp(null);
            }}
          >
            Use workspace {otherApp}
          </button>
        </div>
      ) : null}

      <h3>2. Replies and identity</h3>
      <div className="two-col">
        <Field
          id={fieldId('intercom.adminId')}
          label="Admin the AI replies as"
          optional
          hint={admins ? 'From the workspace, as the test found it.' : 'Run "Test Intercom connection" to pick from the workspace admins, or type the numeric id.'}
          error={issueAt(issues, 'intercom.adminId')}
        >
          {(a) =>
            admins ? (
              <select {...a} value={c.adminId} onChange={(e) => set({ adminId: e.target.value })}>
                <option value="">Choose an admin</option>
                {c.adminId && !adminIds.has(c.adminId) ? <option value={c.adminId}>{c.adminId} (not in the workspace list)</option> : null}
                {admins.map((ad) => (
                  <option key={ad.id} value={ad.id}>
                    {ad.name} ({ad.email})
                  </option>
                ))}
              </select>
            ) : (
              <input {...a} inputMode="numeric" value={c.adminId} onChange={(e) => set({ adminId: e.target.value })} />
            )
          }
        </Field>
        <SecretField path="intercom.clientSecret" label="Client secret (signs webhooks)" value={c.clientSecret} onChange={(clientSecret) => set({ clientSecret })} error={issueAt(issues, 'intercom.clientSecret')} />
      </div>
      <CheckboxField
        id={fieldId('intercom.identityVerification')}
        label="The workspace enforces identity verification"
        hint="Only then are Messenger users treated as verified and their data looked up."
        checked={c.identityVerification}
        onChange={(identityVerification) => set({ identityVerification })}
        error={issueAt(issues, 'intercom.identityVerification')}
      />

      <h3>3. Webhook</h3>
      <p className="hint">In the Intercom Developer Hub, your app, Webhooks: set this endpoint URL and subscribe to these topics.</p>
      {setup ? (
        <>
          <CopyField id="intercom-webhook-url" label="Webhook endpoint URL" value={setup.intercom.webhookUrl} />
          <CopyField id="intercom-topics" label="Topics" value={setup.intercom.topics.join('\n')} multiline />
          <p className="small muted" id="intercom-last">
            {setup.intercom.lastConversationAt ? `Last Messenger conversation: ${formatTime(setup.intercom.lastConversationAt)}.` : 'No Messenger conversation has reached the AI yet.'}
          </p>
        </>
      ) : (
        <p className="muted">Loading the webhook address…</p>
      )}
    </fieldset>
  );
}
