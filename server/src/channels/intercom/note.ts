import type { CallRecord, Customer, Proposal } from '../../../../shared/conversation';
import { escapeHtml } from './html';

/** What the team's note reports about one AI turn. */
export interface TurnReport {
  conversationId: string;
  customer: Customer;
  calls: CallRecord[];
  pending: Proposal[];
  fallback: boolean;
  /** Where the admin page is, for the full log. */
  adminUrl: string;
}

const RESULT_CHARS = 160;

/** Whether a turn has anything the team should see: a call, a waiting write action, or a hand-over. */
export function worthANote(r: Pick<TurnReport, 'calls' | 'pending' | 'fallback'>): boolean {
  return r.calls.length > 0 || r.pending.length > 0 || r.fallback;
}

/**
 * The internal note: every call (action, method, masked URL, status, time, a short result or
 * the error in words), the write actions waiting for the customer, and a hand-over when the
 * AI gave up. URLs and headers come from call records, which the engine already masked.
 */
export function noteHtml(r: TurnReport): string {
  const out: string[] = [];
  if (r.fallback) out.push('<p><b>AI could not answer: handed over.</b> The customer got the fallback reply; a teammate needs to follow up.</p>');
  out.push(`<p><b>AI assistant</b>: ${r.calls.length === 0 ? 'no API calls' : `${r.calls.length} API call${r.calls.length === 1 ? '' : 's'}`}. ${escapeHtml(customerLine(r.customer))}</p>`);
  if (r.calls.length) out.push(`<ol>${r.calls.map((c) => `<li>${callLine(c)}</li>`).join('')}</ol>`);
  if (r.pending.length) {
    out.push(
      `<p>Waiting for the customer's confirmation:</p><ul>${r.pending
        .map((p) => `<li><b>${escapeHtml(p.action)}</b> ${escapeHtml(p.method)} with ${escapeHtml(short(JSON.stringify(p.arguments), 300))}</li>`)
        .join('')}</ul>`,
    );
  }
  out.push(`<p>Full log: conversation ${escapeHtml(r.conversationId)} in the admin page, ${escapeHtml(r.adminUrl)}</p>`);
  return out.join('');
}

function customerLine(c: Customer): string {
  return c.verified ? 'Customer identity verified.' : 'Customer not verified: no personal data was looked up.';
}

function callLine(c: CallRecord): string {
  const head = `<b>${escapeHtml(c.action)}</b> ${escapeHtml(c.method || '-')} ${escapeHtml(c.url || '-')}`;
  return `${head} → ${escapeHtml(outcome(c))}`;
}

/** The result in words. */
export function outcome(c: CallRecord): string {
  const time = `${Math.round(c.durationMs)} ms`;
  if (c.ok) {
    const excerpt = short(c.responseExcerpt, RESULT_CHARS);
    return `${c.status ?? 'ok'} in ${time}${excerpt ? `: ${excerpt}` : ''}`;
  }
  const why = short(c.errorMessage ?? '', RESULT_CHARS);
  switch (c.errorType) {
    case 'needs_confirmation':
      return 'not run: waiting for the customer to confirm';
    case 'not_allowed':
      return `refused by the server: ${why}`;
    case 'missing_variables':
      return `not run, values missing: ${why}`;
    default:
      return `failed${c.status ? ` with ${c.status}` : ''} (${c.errorType ?? 'error'}) after ${time}${why ? `: ${why}` : ''}`;
  }
}

function short(text: string, max: number): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

/** The one note posted when a teammate takes the conversation over. */
export function handOffNoteHtml(h: { by: string; reason?: 'replied' | 'assigned' } | undefined): string {
  const why = h?.reason === 'assigned' ? `the conversation was assigned to teammate ${h.by}` : `teammate ${h?.by ?? '?'} replied`;
  return `<p><b>AI assistant stepped back</b>: ${escapeHtml(why)}. It will not answer this conversation any more; later customer messages are left to the team.</p>`;
}
