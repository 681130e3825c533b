import { useState } from 'react';

/** Puts text on the clipboard; the fallback covers pages without the async clipboard (http, iframes). */
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
    document.body.append(area);
    area.select();
    const ok = document.execCommand('copy');
    area.remove();
    return ok;
  }
}

/** A Copy button that says, for screen readers too, whether it worked. */
export function CopyButton({ text, label = 'Copy', what }: { text: string; label?: string; what: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  return (
    <>
      <button
        type="button"
        className="button secondary small"
        aria-label={`${label} ${what}`}
        onClick={async () => setState((await copyText(text)) ? 'copied' : 'failed')}
      >
        {label}
      </button>
      <span role="status" className="muted small">
        {state === 'copied' ? `Copied ${what}.` : state === 'failed' ? 'Could not copy: select the text and copy it by hand.' : ''}
      </span>
    </>
  );
}
