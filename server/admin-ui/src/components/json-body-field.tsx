import { parseBodyTemplate, placeholderNames } from '../../../../shared/template';
import { Field } from './field';

interface JsonBodyFieldProps {
  id: string;
  value: string;
  onChange: (v: string) => void;
  /** Whether a placeholder name is declared (action variable or context variable). */
  known: (name: string) => boolean;
  error?: string | undefined;
  label?: string;
}

/** Live check of a body template: JSON once its {{placeholders}} are filled, and no unknown names. */
export function checkBody(text: string, known: (name: string) => boolean): { ok: boolean; message: string } {
  if (text.trim() === '') return { ok: true, message: 'No body is sent.' };
  try {
    parseBodyTemplate(text);
  } catch (err) {
    return { ok: false, message: `Not valid JSON: ${(err as Error).message}` };
  }
  const names = [...new Set(placeholderNames(text))];
  const unknown = names.filter((n) => !known(n));
  if (unknown.length) return { ok: false, message: `Unknown ${unknown.length === 1 ? 'variable' : 'variables'}: ${unknown.map((n) => `{{${n}}}`).join(', ')}. Declare it under Variables or use a context variable.` };
  return { ok: true, message: names.length ? `Valid JSON with placeholders ${names.map((n) => `{{${n}}}`).join(', ')}.` : 'Valid JSON.' };
}

/** The JSON body template, validated as you type; the API's own error shows under it too. */
export function JsonBodyField({ id, value, onChange, known, error, label = 'JSON body' }: JsonBodyFieldProps) {
  const check = checkBody(value, known);
  return (
    <Field
      id={id}
      label={label}
      optional
      error={error}
      hint={
        <>
          Write JSON; placeholders may stand alone (<code>{'{"qty": {{quantity}}}'}</code>) or inside strings. <code>{'"{{n}}"'}</code> becomes the typed value of n.
        </>
      }
    >
      {(a11y) => (
        <>
          <textarea
            {...a11y}
            aria-describedby={`${a11y['aria-describedby'] ?? ''} ${id}-live`.trim()}
            className="code"
            rows={8}
            spellCheck={false}
            value={value}
            onChange={(e) => onChange(e.target.value)}
          />
          <p id={`${id}-live`} className={`live-check ${check.ok ? 'ok' : 'bad'}`} aria-live="polite">
            <span aria-hidden="true">{check.ok ? '✓ ' : '✗ '}</span>
            {check.message}
          </p>
        </>
      )}
    </Field>
  );
}
