import type { FieldIssue } from '../api/client';
import type { KeyValue } from '../api/types';
import { isCredentialHeader, isMasked } from '../api/secrets';
import { FieldError } from './field';
import { fieldId, issueAt } from './issues';

interface KeyValueEditorProps {
  legend: string;
  /** API path of the list: `headers` or `query`. */
  path: string;
  rows: KeyValue[];
  issues: readonly FieldIssue[];
  onChange: (rows: KeyValue[]) => void;
  /** Headers with credential names are edited as secrets (the API masks them). */
  secretsByName?: boolean;
  hint?: string;
  addLabel: string;
}

/** Editable name/value pairs (headers, query); values may hold {{variables}}. */
export function KeyValueEditor({ legend, path, rows, issues, onChange, secretsByName, hint, addLabel }: KeyValueEditorProps) {
  const set = (i: number, patch: Partial<KeyValue>) => onChange(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const listError = issueAt(issues, path);
  const hintId = `${fieldId(path)}-hint`;
  return (
    <fieldset className="kv-editor">
      <legend>{legend}</legend>
      {hint ? (
        <p className="hint" id={hintId}>
          {hint}
        </p>
      ) : null}
      {rows.length === 0 ? <p className="muted">None.</p> : null}
      {rows.map((r, i) => {
        const keyPath = `${path}.${i}.key`;
        const valuePath = `${path}.${i}.value`;
        const keyErr = issueAt(issues, keyPath) ?? issueAt(issues, `${path}.${i}`);
        const valueErr = issueAt(issues, valuePath);
        const secret = secretsByName && isCredentialHeader(r.key);
        return (
          <div className="kv-row" key={i}>
            <div className={`field${keyErr ? ' has-error' : ''}`}>
              <label htmlFor={fieldId(keyPath)}>Name {i + 1}</label>
              <input
                id={fieldId(keyPath)}
                value={r.key}
                spellCheck={false}
                aria-invalid={keyErr ? true : undefined}
                aria-describedby={keyErr ? `${fieldId(keyPath)}-error` : undefined}
                onChange={(e) => set(i, { key: e.target.value })}
              />
              {keyErr ? <FieldError id={`${fieldId(keyPath)}-error`} message={keyErr} /> : null}
            </div>
            <div className={`field${valueErr ? ' has-error' : ''}`}>
              <label htmlFor={fieldId(valuePath)}>Value {i + 1}</label>
              <input
                id={fieldId(valuePath)}
                value={r.value}
                type={secret ? 'password' : 'text'}
                autoComplete={secret ? 'new-password' : 'off'}
                spellCheck={false}
                aria-invalid={valueErr ? true : undefined}
                aria-describedby={[valueErr ? `${fieldId(valuePath)}-error` : '', secret && isMasked(r.value) ? `${fieldId(valuePath)}-kept` : ''].filter(Boolean).join(' ') || undefined}
                onChange={(e) => set(i, { value: e.target.value })}
                onFocus={(e) => {
                  // A stored secret shows as its mask: selecting it lets one keystroke replace it.
                  if (isMasked(r.value)) e.target.select();
                }}
              />
              {secret && isMasked(r.value) ? (
                <p className="hint" id={`${fieldId(valuePath)}-kept`}>
                  Stored secret kept unless you type a new one.
                </p>
              ) : null}
              {valueErr ? <FieldError id={`${fieldId(valuePath)}-error`} message={valueErr} /> : null}
            </div>
            <button type="button" className="button subtle small kv-remove" aria-label={`Remove ${legend.toLowerCase()} ${i + 1}${r.key ? ` (${r.key})` : ''}`} onClick={() => onChange(rows.filter((_, j) => j !== i))}>
              Remove
            </button>
          </div>
        );
      })}
      {listError ? <FieldError id={`${fieldId(path)}-error`} message={listError} /> : null}
      <button type="button" className="button secondary small" onClick={() => onChange([...rows, { key: '', value: '' }])}>
        {addLabel}
      </button>
    </fieldset>
  );
}
