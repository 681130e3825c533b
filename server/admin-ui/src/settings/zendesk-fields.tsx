import type { FieldIssue } from '../api/client';
import { Field } from '../components/field';
import { fieldId, issueAt } from '../components/issues';
import { SecretField } from './secret-field';
import type { SettingsDraft } from './settings-draft';

type Z = SettingsDraft['zendesk'];

/** Zendesk connection: subdomain, agent email with API token (or OAuth), webhook secret. */
export function ZendeskFields({ value: z, onChange, issues }: { value: Z; onChange: (z: Z) => void; issues: readonly FieldIssue[] }) {
  const set = (patch: Partial<Z>) => onChange({ ...z, ...patch });
  return (
    <fieldset className="panel">
      <legend>Zendesk</legend>
      <div className="two-col">
        <Field id={fieldId('zendesk.subdomain')} label="Subdomain" optional hint="acme for acme.zendesk.com" error={issueAt(issues, 'zendesk.subdomain')}>
          {(a) => <input {...a} spellCheck={false} value={z.subdomain} onChange={(e) => set({ subdomain: e.target.value })} />}
        </Field>
        <Field id={fieldId('zendesk.email')} label="Agent email" optional hint="Used with the API token." error={issueAt(issues, 'zendesk.email')}>
          {(a) => <input {...a} type="email" value={z.email} onChange={(e) => set({ email: e.target.value })} />}
        </Field>
      </div>
      <div className="two-col">
        <SecretField path="zendesk.apiToken" label="API token" value={z.apiToken} onChange={(apiToken) => set({ apiToken })} error={issueAt(issues, 'zendesk.apiToken')} />
        <SecretField path="zendesk.oauthToken" label="OAuth token (instead of email and API token)" value={z.oauthToken} onChange={(oauthToken) => set({ oauthToken })} error={issueAt(issues, 'zendesk.oauthToken')} />
      </div>
      <div className="two-col">
        <SecretField path="zendesk.webhookSecret" label="Webhook signing secret" value={z.webhookSecret} onChange={(webhookSecret) => set({ webhookSecret })} error={issueAt(issues, 'zendesk.webhookSecret')} />
        <Field id={fieldId('zendesk.baseUrl')} label="API address override" optional hint="For a proxy; empty uses https://subdomain.zendesk.com." error={issueAt(issues, 'zendesk.baseUrl')}>
          {(a) => <input {...a} inputMode="url" spellCheck={false} value={z.baseUrl} onChange={(e) => set({ baseUrl: e.target.value })} />}
        </Field>
      </div>
    </fieldset>
  );
}
