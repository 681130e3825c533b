import type { FieldIssue } from '../api/client';
import type { SetupState, ZendeskTestResult } from '../api/setup-types';
import { CopyField } from '../components/copy-button';
import { Field } from '../components/field';
import { fieldId, issueAt } from '../components/issues';
import { formatTime } from '../format';
import { ConnectionTest } from './connection-test';
import { SecretField } from './secret-field';
import { settingsPayload, type SettingsDraft } from './settings-draft';
import { SidebarTokens } from './sidebar-tokens';
import { httpsProblem } from './url-check';

type Z = SettingsDraft['zendesk'];

interface ZendeskProps {
  draft: SettingsDraft;
  onChange: (z: Z) => void;
  issues: readonly FieldIssue[];
  setup: SetupState | undefined;
}

/** Zendesk setup from start to finish: credentials with a test, the webhook and its trigger, the sidebar token. */
export function ZendeskFields({ draft, onChange, issues, setup }: ZendeskProps) {
  const z = draft.zendesk;
  const set = (patch: Partial<Z>) => onChange({ ...z, ...patch });
  return (
    <fieldset className="panel" id="zendesk">
      <legend>Zendesk</legend>
      <h3 className="first">1. API access</h3>
      <div className="two-col">
        <Field id={fieldId('zendesk.subdomain')} label="Subdomain" optional hint="acme for acme.zendesk.com" error={issueAt(issues, 'zendesk.subdomain')}>
          {(a) => <input {...a} spellCheck={false} value={z.subdomain} onChange={(e) => set({ subdomain: e.target.value })} />}
        </Field>
        <Field id={fieldId('zendesk.email')} label="Agent email (API user)" optional hint="Used with the API token." error={issueAt(issues, 'zendesk.email')}>
          {(a) => <input {...a} type="email" value={z.email} onChange={(e) => set({ email: e.target.value })} />}
        </Field>
      </div>
      <div className="two-col">
        <SecretField path="zendesk.apiToken" label="API token" value={z.apiToken} onChange={(apiToken) => set({ apiToken })} error={issueAt(issues, 'zendesk.apiToken')} />
        <SecretField path="zendesk.oauthToken" label="OAuth token (instead of email and API token)" value={z.oauthToken} onChange={(oauthToken) => set({ oauthToken })} error={issueAt(issues, 'zendesk.oauthToken')} />
      </div>
      <div className="two-col">
        <Field id={fieldId('zendesk.baseUrl')} label="API address override" optional hint="For a proxy; https:// only. Empty uses https://subdomain.zendesk.com." error={issueAt(issues, 'zendesk.baseUrl')}>
          {(a) => <input {...a} inputMode="url" spellCheck={false} value={z.baseUrl} onChange={(e) => set({ baseUrl: e.target.value })} />}
        </Field>
      </div>
      <ConnectionTest<ZendeskTestResult>
        path="/v1/settings/zendesk/test"
        label="Test Zendesk connection"
        body={() => ({ zendesk: settingsPayload(draft).zendesk })}
        precheck={() => {
          const p = httpsProblem(z.baseUrl);
          return p ? `The API address override ${p}.` : null;
        }}
        details={(r) =>
          r.user ? (
            <p className="small">
              Signed in as <strong>{r.user.name}</strong> ({r.user.email}), role {r.user.role}.
            </p>
          ) : null
        }
      />

      <h3>2. Webhook and trigger</h3>
      <p className="hint">
        In Zendesk Admin Center, Apps and integrations, Webhooks: create a webhook with this URL (method POST, JSON), then a trigger that calls it with this body. Copy the
        webhook's signing secret back here.
      </p>
      {setup ? (
        <>
          <CopyField id="zendesk-webhook-url" label="Webhook URL" value={setup.zendesk.webhookUrl} hint={`Carries your tenant id (${setup.tenantId}).`} />
          <CopyField id="zendesk-trigger-json" label="Trigger JSON body" value={JSON.stringify(setup.zendesk.triggerJson, null, 2)} multiline />
          <p className="small muted" id="zendesk-last">
            {setup.zendesk.lastConversationAt ? `Last ticket conversation: ${formatTime(setup.zendesk.lastConversationAt)}.` : 'No ticket has reached the AI yet.'}
          </p>
        </>
      ) : (
        <p className="muted">Loading the webhook address…</p>
      )}
      <div className="two-col">
        <SecretField path="zendesk.webhookSecret" label="Webhook signing secret" value={z.webhookSecret} onChange={(webhookSecret) => set({ webhookSecret })} error={issueAt(issues, 'zendesk.webhookSecret')} />
      </div>

      <SidebarTokens />
    </fieldset>
  );
}
