import { useState } from 'react';
import type { FieldIssue } from '../api/client';
import { FieldError } from './field';
import { fieldId, issueAt } from './issues';

interface ResponseFieldsProps {
  fields: string[];
  onChange: (fields: string[]) => void;
  issues: readonly FieldIssue[];
}

/** The dot paths the AI may see, as removable chips plus an input to add one. */
export function ResponseFields({ fields, onChange, issues }: ResponseFieldsProps) {
  const [draft, setDraft] = useState('');
  const id = fieldId('response.fields');
  const add = () => {
    const p = draft.trim();
    if (p && !fields.includes(p)) onChange([...fields, p]);
    setDraft('');
  };
  const listError = issueAt(issues, 'response.fields');
  const itemErrors = fields.map((_, i) => issueAt(issues, `response.fields.${i}`));
  return (
    <fieldset className="response-fields">
      <legend>Response fields</legend>
      <p className="hint" id={`${id}-hint`}>
        Dot paths the AI may see, through arrays (<code>order.status</code>, <code>items.name</code>). Empty means the whole response. Click keys in a test result to add them.
      </p>
      {fields.length ? (
        <ul className="chips" aria-label="Chosen response fields">
          {fields.map((f, i) => (
            <li key={f} className={`chip${itemErrors[i] ? ' chip-error' : ''}`}>
              <code id={fieldId(`response.fields.${i}`)} tabIndex={-1}>
                {f}
              </code>
              <button type="button" className="chip-remove" aria-label={`Remove response field ${f}`} onClick={() => onChange(fields.filter((x) => x !== f))}>
                ×
              </button>
              {itemErrors[i] ? <FieldError id={`${fieldId(`response.fields.${i}`)}-error`} message={itemErrors[i]!} /> : null}
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">All fields (none chosen).</p>
      )}
      <div className="inline-add">
        <label htmlFor={id} className="visually-hidden">
          Add a response field
        </label>
        <input
          id={id}
          value={draft}
          placeholder="e.g. order.status"
          spellCheck={false}
          aria-describedby={`${id}-hint${listError ? ` ${id}-error` : ''}`}
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              add();
            }
          }}
        />
        <button type="button" className="button secondary small" onClick={add}>
          Add field
        </button>
      </div>
      {listError ? <FieldError id={`${id}-error`} message={listError} /> : null}
    </fieldset>
  );
}
