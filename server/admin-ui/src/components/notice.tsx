import type { ReactNode } from 'react';

type Tone = 'info' | 'success' | 'warning' | 'error';

/** A status box; errors and successes are announced to screen readers. */
export function Notice({ tone, title, children, id }: { tone: Tone; title?: string; children?: ReactNode; id?: string }) {
  const role = tone === 'error' ? 'alert' : tone === 'success' ? 'status' : undefined;
  return (
    <div className={`notice notice-${tone}`} role={role} id={id}>
      {title ? <strong className="notice-title">{title}</strong> : null}
      {children ? <div>{children}</div> : null}
    </div>
  );
}
