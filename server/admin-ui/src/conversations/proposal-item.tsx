import type { Proposal } from '../api/types';
import { MethodBadge } from '../components/status-badge';
import { formatTime } from '../format';

/** A write action the AI asked for: it runs only after confirmation. */
export function ProposalItem({ proposal: p }: { proposal: Proposal }) {
  const tone = p.status === 'pending' ? 'badge-warning' : p.status === 'done' ? 'badge-ok' : 'badge-error';
  return (
    <article className="proposal" aria-label={`Proposed call to ${p.action}`}>
      <div className="call-head">
        <strong>{p.action}</strong>
        <span className={`badge ${tone}`}>{p.status === 'pending' ? 'waiting for confirmation' : p.status}</span>
        <span className="muted small">until {formatTime(p.expiresAt)}</span>
      </div>
      <div className="call-request">
        <MethodBadge method={p.method} /> <code className="url">{p.url}</code>
      </div>
      <details>
        <summary>Arguments</summary>
        <pre className="excerpt">{JSON.stringify(p.arguments, null, 2)}</pre>
      </details>
      {p.result ? (
        <p className="muted small">
          Result: {p.result.status ?? p.result.errorType ?? (p.result.ok ? 'ok' : 'failed')} {p.result.excerpt}
        </p>
      ) : null}
    </article>
  );
}
