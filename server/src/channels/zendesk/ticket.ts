import { Customer } from '../../../../shared/conversation';
import type { ZendeskClient, ZendeskFailure } from './client';
import { NOTE_MARKER, NOTE_TAG, type ZComment, type ZTicket, type ZUser } from './types';

/** What the channel reads of a ticket before drafting. */
export interface TicketSnapshot {
  ticket: ZTicket;
  /** The newest comments, oldest first. */
  comments: ZComment[];
  requester: ZUser | null;
  /** The requester as the agent sees them; verified only when their email is a verified Zendesk email identity. */
  customer: Customer;
}

/** Longest customer message handed to the agent (the conversation API's limit). */
const MAX_MESSAGE = 8000;

/** Reads the ticket, its newest comments and its requester (with identities when needed). */
export async function readTicket(client: ZendeskClient, ticketId: string): Promise<{ ok: true; snapshot: TicketSnapshot } | { ok: false; error: ZendeskFailure; what: string }> {
  const [t, c] = await Promise.all([client.getTicket(ticketId), client.listComments(ticketId)]);
  if (!t.ok) return { ok: false, error: t.error, what: 'ticket' };
  if (!c.ok) return { ok: false, error: c.error, what: 'comments' };
  const ticket = t.data;
  if (!ticket.requester_id) return { ok: true, snapshot: { ticket, comments: c.data, requester: null, customer: { verified: false } } };

  const u = await client.getUser(ticket.requester_id);
  if (!u.ok) return { ok: false, error: u.error, what: 'requester' };
  const user = u.data;
  // `user.verified` only says some identity is verified (maybe a phone, or a social login):
  // the requester counts as verified only when the email we look customer data up with is a
  // verified email identity. No email, no verification.
  let verified = false;
  if (user.verified && user.email) {
    const ids = await client.listIdentities(user.id);
    if (!ids.ok) return { ok: false, error: ids.error, what: 'requester identities' };
    const email = user.email.toLowerCase();
    verified = ids.data.some((i) => i.type === 'email' && i.verified && (i.value ?? '').toLowerCase() === email);
  }
  return { ok: true, snapshot: { ticket, comments: c.data, requester: user, customer: customerOf(user, verified) } };
}

/** The agent's customer: fields Zendesk gave that pass the shared schema (a bad email is dropped, not fatal). */
export function customerOf(user: ZUser, verified: boolean): Customer {
  const candidate: Record<string, unknown> = { id: user.id, verified };
  if (user.name) candidate.name = user.name.slice(0, 200);
  if (user.email) candidate.email = user.email;
  if (user.phone) candidate.phone = user.phone.slice(0, 50);
  const full = Customer.safeParse(candidate);
  if (full.success) return full.data;
  const { email: _e, phone: _p, ...rest } = candidate;
  const bare = Customer.safeParse(rest);
  return bare.success ? bare.data : { id: user.id, verified };
}

/** True for a note we posted: private (end users cannot write those) and carrying our marker. */
export function isOurNote(c: ZComment): boolean {
  if (c.public) return false;
  return [c.body, c.plain_body, c.html_body].some((t) => typeof t === 'string' && t.includes(NOTE_MARKER));
}

export type Decision = { draft: true; message: string; latestAt: string | null } | { draft: false; reason: string };

/**
 * Whether a webhook delivery should produce a draft. Only when the newest comment is a
 * public one by the requester: our own note (private, with our marker; the ticket then
 * carries our tag), an agent's reply or internal note, or a ticket update without a new
 * comment all end here, so our note can never trigger another draft.
 */
export function decide(s: TicketSnapshot): Decision {
  const latest = s.comments[s.comments.length - 1];
  if (!latest) return { draft: false, reason: 'the ticket has no comments' };
  if (isOurNote(latest)) {
    return { draft: false, reason: `the newest comment is our own note${s.ticket.tags.includes(NOTE_TAG) ? ` (tag ${NOTE_TAG})` : ''}` };
  }
  if (!latest.public) return { draft: false, reason: 'the newest comment is an internal note' };
  if (!s.ticket.requester_id || latest.author_id !== s.ticket.requester_id) return { draft: false, reason: 'the newest comment is not from the requester' };
  const m = requesterMessage(s);
  return m ? { draft: true, message: m.message, latestAt: m.latestAt } : { draft: false, reason: 'the requester comment is empty' };
}

/**
 * The requester's newest message: their consecutive public comments since anyone else last
 * wrote publicly (internal notes in between are skipped), oldest first, the subject in
 * front when it starts the ticket. Null when there is none.
 */
export function requesterMessage(s: TicketSnapshot): { message: string; latestAt: string | null } | null {
  const requester = s.ticket.requester_id;
  if (!requester) return null;
  const run: ZComment[] = [];
  let i = s.comments.length - 1;
  for (; i >= 0; i--) {
    const c = s.comments[i]!;
    if (!c.public) continue;
    if (c.author_id !== requester) break;
    run.unshift(c);
  }
  const texts = run.map(commentText).filter((t) => t.length > 0);
  if (texts.length === 0) return null;
  // Nothing public before the run: it opens the ticket, and the subject is part of the question.
  const opensTicket = i < 0 && s.comments.length < 30;
  const subject = opensTicket && s.ticket.subject ? `Subject: ${s.ticket.subject.trim()}\n\n` : '';
  let message = subject + texts.join('\n\n');
  // Keep the end: the newest words matter most.
  if (message.length > MAX_MESSAGE) message = message.slice(message.length - MAX_MESSAGE);
  return { message, latestAt: run[run.length - 1]!.created_at ?? null };
}

/** A comment's text: Zendesk's plain rendering, else the body, else the HTML without tags. */
export function commentText(c: ZComment): string {
  const text = c.plain_body ?? c.body ?? (c.html_body ? c.html_body.replace(/<[^>]*>/g, ' ') : '');
  return text.replace(/\r\n/g, '\n').trim();
}
