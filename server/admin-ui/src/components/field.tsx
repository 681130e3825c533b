import type { ReactNode } from 'react';

/** What an input needs to be tied to its label, hint and error. */
export interface InputA11y {
  id: string;
  'aria-describedby'?: string;
  'aria-invalid'?: true;
}

interface FieldProps {
  id: string;
  label: ReactNode;
  hint?: ReactNode;
  error?: string | undefined;
  /** Optional marker shown after the label. */
  optional?: boolean;
  /** Required marker shown after the label (where the form mixes both). */
  required?: boolean;
  className?: string;
  children: (a11y: InputA11y) => ReactNode;
}

/** A labelled form field with its hint and the API's error right under the input. */
export function Field({ id, label, hint, error, optional, required, className, children }: FieldProps) {
  const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return (
    <div className={`field${error ? ' has-error' : ''}${className ? ` ${className}` : ''}`}>
      <label htmlFor={id}>
        {label}
        {optional ? <span className="optional"> (optional)</span> : null}
        {required ? <span className="required"> (required)</span> : null}
      </label>
      {hint ? (
        <div id={`${id}-hint`} className="hint">
          {hint}
        </div>
      ) : null}
      {children({ id, ...(describedBy ? { 'aria-describedby': describedBy } : {}), ...(error ? { 'aria-invalid': true as const } : {}) })}
      {error ? <FieldError id={`${id}-error`} message={error} /> : null}
    </div>
  );
}

/** An error message next to a field (also used under fieldsets and checkboxes). */
export function FieldError({ id, message }: { id: string; message: string }) {
  return (
    <p id={id} className="field-error">
      <span aria-hidden="true">⚠ </span>
      {message}
    </p>
  );
}

interface CheckboxProps {
  id: string;
  label: ReactNode;
  checked: boolean;
  onChange: (v: boolean) => void;
  hint?: ReactNode;
  error?: string | undefined;
}

/** A checkbox with its label to the right, the hint and the error below. */
export function CheckboxField({ id, label, checked, onChange, hint, error }: CheckboxProps) {
  const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field checkbox-field${error ? ' has-error' : ''}`}>
      <div className="checkbox-row">
        <input id={id} type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} aria-describedby={describedBy} />
        <label htmlFor={id}>{label}</label>
      </div>
      {hint ? (
        <div id={`${id}-hint`} className="hint">
          {hint}
        </div>
      ) : null}
      {error ? <FieldError id={`${id}-error`} message={error} /> : null}
    </div>
  );
}
