import { CONTEXT_VARIABLES } from '../../../../shared/template';
import { CheckboxField, Field, FieldError } from '../components/field';
import { fieldId, issueAt } from '../components/issues';
import { emptyVariable, VARIABLE_TYPES, type VariableDraft } from './draft';
import type { TabProps } from './endpoint-tab';

/** Variables: the typed values the AI collects from the customer; each is a tool parameter. */
export function VariablesTab({ draft: d, set, issues }: TabProps) {
  const update = (i: number, patch: Partial<VariableDraft>) => set({ variables: d.variables.map((v, j) => (j === i ? { ...v, ...patch } : v)) });
  const listError = issueAt(issues, 'variables');
  return (
    <div className="form-grid">
      <p className="hint">
        The AI asks the customer for each variable before calling. Context variables are always available: {CONTEXT_VARIABLES.map((c) => `{{${c}}}`).join(', ')}.
      </p>
      {d.variables.length === 0 ? <p className="muted">No variables yet.</p> : null}
      {d.variables.map((v, i) => {
        const p = (f: string) => `variables.${i}.${f}`;
        return (
          <fieldset key={i} className="variable-card">
            <legend>
              Variable {i + 1}
              {v.name ? `: ${v.name}` : ''}
            </legend>
            {issueAt(issues, `variables.${i}`) ? <FieldError id={`${fieldId(`variables.${i}`)}-error`} message={issueAt(issues, `variables.${i}`)!} /> : null}
            <div className="two-col">
              <Field id={fieldId(p('name'))} label="Name" error={issueAt(issues, p('name'))}>
                {(a) => <input {...a} spellCheck={false} autoComplete="off" value={v.name} onChange={(e) => update(i, { name: e.target.value })} />}
              </Field>
              <Field id={fieldId(p('type'))} label="Type" error={issueAt(issues, p('type'))}>
                {(a) => (
                  <select {...a} value={v.type} onChange={(e) => update(i, { type: e.target.value as VariableDraft['type'] })}>
                    {VARIABLE_TYPES.map((t) => (
                      <option key={t}>{t}</option>
                    ))}
                  </select>
                )}
              </Field>
            </div>
            <Field id={fieldId(p('description'))} label="Description" hint="What the value is; the AI reads this to know what to ask." error={issueAt(issues, p('description'))}>
              {(a) => <input {...a} value={v.description} onChange={(e) => update(i, { description: e.target.value })} />}
            </Field>
            <div className="two-col">
              <Field id={fieldId(p('example'))} label="Example" optional hint="Shown to the AI and used as the sample value in tests." error={issueAt(issues, p('example'))}>
                {(a) => <input {...a} value={v.example} onChange={(e) => update(i, { example: e.target.value })} />}
              </Field>
              <Field id={fieldId(p('default'))} label="Default" optional hint={v.isArray ? 'Comma-separated values.' : 'Used when the AI provides none.'} error={issueAt(issues, p('default'))}>
                {(a) => <input {...a} value={v.default} onChange={(e) => update(i, { default: e.target.value })} />}
              </Field>
            </div>
            <Field id={fieldId(p('enum'))} label="Allowed values" optional hint="Comma-separated; the AI may only use these." error={issueAt(issues, p('enum'))}>
              {(a) => <input {...a} value={v.enumText} onChange={(e) => update(i, { enumText: e.target.value })} />}
            </Field>
            <div className="checkbox-line">
              <CheckboxField id={fieldId(p('required'))} label="Required" checked={v.required} onChange={(required) => update(i, { required })} error={issueAt(issues, p('required'))} />
              <CheckboxField id={fieldId(p('isArray'))} label="A list of values" checked={v.isArray} onChange={(isArray) => update(i, { isArray })} error={issueAt(issues, p('isArray'))} />
            </div>
            <button type="button" className="button danger-subtle small" aria-label={`Remove variable ${i + 1}${v.name ? ` (${v.name})` : ''}`} onClick={() => set({ variables: d.variables.filter((_, j) => j !== i) })}>
              Remove variable
            </button>
          </fieldset>
        );
      })}
      {listError ? <FieldError id={`${fieldId('variables')}-error`} message={listError} /> : null}
      <div>
        <button
          type="button"
          className="button secondary"
          onClick={() => {
            set({ variables: [...d.variables, emptyVariable()] });
            // Put the cursor in the new variable's name.
            const n = d.variables.length;
            requestAnimationFrame(() => document.getElementById(fieldId(`variables.${n}.name`))?.focus());
          }}
        >
          Add variable
        </button>
      </div>
    </div>
  );
}
