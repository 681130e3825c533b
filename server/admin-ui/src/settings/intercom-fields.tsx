import type { FieldIssue } from '../api/client';
import { CheckboxField, Field } from '../components/field';
import { fieldId, issueAt } from '../components/issues';
import { SecretField } from './secret-field';
import type { SettingsDraft } from './settings-draft';

type I = SettingsDraft['intercom'];

/** Intercom connection: workspace, tokens, the admin the AI replies as, identity verification. */
export function IntercomFields({ value: c, onChange, issues }: { value: I; onChange: (c: I) => void; issues: readonly FieldIssue[] }) {
  const set = (patch: Partial<I>) => onChange({ ...c, ...patch });
  return (
    <fieldset className="panel">
      <legend>Intercom</legend>
      <div className="two-col">
        <Field id={fieldId('intercom.appId')} label="Workspace id (app_id)" optional error={issueAt(issues, 'intercom.appId')}>
          {(a) => <input {...a} spellCheck={false} value={c.appId} onChange={(e) => set({ appId: e.target.value })} />}
        </Field>
        <Field id={fieldId('intercom.adminId')} label="Admin id the AI replies as" optional error={issueAt(issues, 'intercom.adminId')}>
          {(a) => <input {...a} inputMode="numeric" value={c.adminId} onChange={(e) => set({ adminId: e.target.value })} />}
        </Field>
      </div>
      <div className="two-col">
        <SecretField path="intercom.accessToken" label="Access token" value={c.accessToken} onChange={(accessToken) => set({ accessToken })} error={issueAt(issues, 'intercom.accessToken')} />
        <SecretField path="intercom.clientSecret" label="Client secret (signs webhooks)" value={c.clientSecret} onChange={(clientSecret) => set({ clientSecret })} error={issueAt(issues, 'intercom.clientSecret')} />
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
        <Field id={fieldId('intercom.baseUrl')} label="API address override" optional error={issueAt(issues, 'intercom.baseUrl')}>
          {(a) => <input {...a} inputMode="url" spellCheck={false} value={c.baseUrl} onChange={(e) => set({ baseUrl: e.target.value })} />}
        </Field>
      </div>
      <CheckboxField
        id={fieldId('intercom.identityVerification')}
        label="The workspace enforces identity verification"
        hint="Only then are Messenger users treated as verified and their data looked up."
        checked={c.identityVerification}
        onChange={(identityVerification) => set({ identityVerification })}
        error={issueAt(issues, 'intercom.identityVerification')}
      />
    </fieldset>
  );
}
