import { Field } from '../components/field';
import { fieldId } from '../components/issues';
import { SecretInput, secretHint } from '../components/secret-input';
import type { SecretDraft } from './settings-draft';

/** A labelled write-only secret of the settings. */
export function SecretField({ path, label, value, onChange, error }: { path: string; label: string; value: SecretDraft; onChange: (v: SecretDraft) => void; error: string | undefined }) {
  return (
    <Field id={fieldId(path)} label={label} optional hint={secretHint(value.stored)} error={error}>
      {(a) => <SecretInput a11y={a} value={value.typed} stored={value.stored} onChange={(typed) => onChange({ ...value, typed })} />}
    </Field>
  );
}
