import { useEffect, useRef, useState } from 'react';

/** Puts text on the clipboard; falls back to a hidden textarea where the Clipboard API is refused. */
async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.appendChild(area);
    area.select();
    const ok = document.execCommand('copy');
    area.remove();
    return ok;
  }
}

/**
 * A Copy button that says (to screen readers too) whether the copy worked; `what` names the
 * copied thing in that message ("Copied the endpoint URL.").
 */
export function CopyButton({ text, label, what }: { text: string; label: string; what?: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  const copy = async () => {
    const ok = await copyText(text);
    setState(ok ? 'copied' : 'failed');
    clearTimeout(timer.current);
    // The "Copied" note goes after a while so a second copy is announced again.
    timer.current = setTimeout(() => setState('idle'), 4000);
  };
  return (
    <span className="copy">
      <button type="button" className="button secondary small" aria-label={label} onClick={copy}>
        Copy
      </button>
      <span role="status" className="copy-status small">
        {state === 'copied' ? (what ? `Copied ${what}.` : 'Copied') : state === 'failed' ? 'Copy failed: select the text and copy it by hand' : ''}
      </span>
    </span>
  );
}

/** A read-only value to paste elsewhere, with its label and a Copy button. */
export function CopyField({ id, label, value, hint, multiline }: { id: string; label: string; value: string; hint?: string; multiline?: boolean }) {
  return (
    <div className="field copy-field">
      <label htmlFor={id}>{label}</label>
      {hint ? (
        <div id={`${id}-hint`} className="hint">
          {hint}
        </div>
      ) : null}
      <div className="copy-row">
        {multiline ? (
          <textarea id={id} readOnly rows={Math.min(16, value.split('\n').length)} value={value} spellCheck={false} className="code" aria-describedby={hint ? `${id}-hint` : undefined} />
        ) : (
          <input id={id} readOnly value={value} spellCheck={false} className="code" aria-describedby={hint ? `${id}-hint` : undefined} onFocus={(e) => e.target.select()} />
        )}
        <CopyButton text={value} label={`Copy ${label[0]!.toLowerCase()}${label.slice(1)}`} />
      </div>
    </div>
  );
}
