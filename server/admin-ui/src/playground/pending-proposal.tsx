import type { Proposal } from '../api/types';
import { MethodBadge } from '../components/status-badge';
import { formatTime } from '../format';
import { HeaderList } from '../components/header-list';

/** Proposal states in words for the playground. */
const STATUS_WORDS: Record<Proposal['status'], string> = {
  pending: 'waiting for confirmation',
  confirmed: 'confirmed',
  running: 'running',
  done: 'done',
  failed: 'failed',
  declined: 'declined',
  expired: 'expired',
};

const TONE: Record<Proposal['status'], string> = {
  pending: 'badge-warning',
  confirmed: 'badge-neutral',
  running: 'badge-neutral',
  done: 'badge-ok',
  failed: 'badge-error',
  declined: 'badge-neutral',
  expired: 'badge-neutral',
};

/** A JSON body indented for reading; anything else as sent. */
function readable(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

interface Props {
  proposal: Proposal;
  /** The customer's answer being sent, if any. */
  busy: 'confirm' | 'decline' | null;
  onConfirm(): void;
  onDecline(): void;
}

/**
 * A write action the AI proposed, shown once: the exact request it will send (values filled
 * in, secrets masked) and, while it waits, the customer's Confirm / Decline buttons.
 */
export function PendingProposal({ proposal: p, busy, onConfirm, onDecline }: Props) {
  const req = p.request;
  const headers = Object.entries(req?.headers ?? {});
  const waiting = p.status === 'pending';
  return (
    <article className="proposal" aria-label={`Proposed call to ${p.action}`}>
      <div className="call-head">
        <strong>{p.action}</strong>
        <span className={`badge ${TONE[p.status]}`}>{STATUS_WORDS[p.status]}</span>
        {waiting ? <span className="muted small">until {formatTime(p.expiresAt)}</span> : null}
      </div>
      {waiting ? (
        <p className="small">
          <strong>Waiting for the customer's confirmation.</strong> Nothing is sent until the customer confirms this request.
        </p>
      ) : null}
      <div className="call-request">
        <MethodBadge method={req?.method ?? p.method} /> <code className="url">{req?.url ?? p.url}</code>
      </div>
      {headers.length ? (
        <HeaderList headers={headers} label="Request headers (secrets masked)" />
      ) : null}
      {req?.body ? (
        <pre className="excerpt" aria-label="Request body">
          {readable(req.body)}
        </pre>
      ) : null}
      {p.result ? (
        <p className="muted small">
          Result: {p.result.status ?? p.result.errorType ?? (p.result.ok ? 'ok' : 'failed')} {p.result.excerpt}
        </p>
      ) : null}
      {waiting ? (
        <div className="button-row">
          <button type="button" className="button primary small" disabled={busy !== null} aria-label={`Confirm ${p.action}`} onClick={onConfirm}>
            {busy === 'confirm' ? 'Confirming…' : 'Confirm'}
          </button>
          <button type="button" className="button secondary small" disabled={busy !== null} aria-label={`Decline ${p.action}`} onClick={onDecline}>
            {busy === 'decline' ? 'Declining…' : 'Decline'}
          </button>
        </div>
      ) : null}
    </article>
  );
}
