import type { ActionSpec } from '../../../../shared/action';
import type { CallRecord, Conversation, Proposal } from '../../../../shared/conversation';
import { isCredentialHeader } from '../../../../shared/mask';
import type { Settings } from '../../../../shared/settings';
import { authSecrets, redactorFor, type Redactor } from '../../actions';
import type { TurnResult } from '../../agent';
import type { ChannelDeps } from '../deps';
import type { ZendeskClient, ZendeskResult } from './client';
import { draftNoteHtml, runNoteHtml } from './note';
import type { TicketSnapshot } from './ticket';
import { NOTE_TAG } from './types';

/** One draft turn of a ticket: what the note and the sidebar show. */
export interface Draft {
  conversation: Conversation;
  turnId: string;
  reply: string;
  fallback: boolean;
  calls: CallRecord[];
  pending: Proposal[];
  /** True when an earlier turn already answered this message (a retried delivery) and was reused. */
  reused: boolean;
}

function fromTurn(t: TurnResult): Draft {
  const last = t.conversation.messages[t.conversation.messages.length - 1]!;
  return { conversation: t.conversation, turnId: last.turnId, reply: t.reply, fallback: t.fallback, calls: t.calls, pending: t.pending, reused: false };
}

/**
 * The turn that already answered `message`, if the conversation's last exchange is exactly
 * that message, stored after the newest requester comment: a delivery retried after a crash
 * or a failed note then posts the note of that turn instead of drafting (and calling APIs) again.
 */
async function answeredTurn(ctx: ChannelDeps, conv: Conversation, message: string, latestAt: string | null): Promise<Draft | null> {
  const n = conv.messages.length;
  const user = conv.messages[n - 2];
  const reply = conv.messages[n - 1];
  if (!user || !reply || user.role !== 'user' || reply.role !== 'assistant' || user.turnId !== reply.turnId) return null;
  if (user.content !== message) return null;
  if (latestAt && !(Date.parse(user.at) >= Date.parse(latestAt))) return null;
  const calls = (await ctx.store.listCalls(conv.tenantId, { conversationId: conv.id, limit: 200 })).filter((c) => c.turnId === reply.turnId).reverse();
  const pending = (await ctx.agent.proposals(conv.tenantId, conv.id)).filter((p) => p.status === 'pending');
  return { conversation: conv, turnId: reply.turnId, reply: reply.content, fallback: reply.fallback === true, calls, pending, reused: true };
}

/**
 * Runs a draft turn for a ticket through the agent (channel `zendesk`, mode `draft`: write
 * actions only become proposals). `reuse` lets a retried delivery pick up a turn already made.
 */
export async function draftTurn(
  ctx: ChannelDeps,
  tenantId: string,
  snapshot: TicketSnapshot,
  message: string,
  opts: { reuse: boolean; latestAt: string | null },
): Promise<Draft> {
  const ticketId = snapshot.ticket.id;
  const customer = snapshot.customer;
  const existing = await ctx.store.conversationByExternalId(tenantId, 'zendesk', ticketId);
  if (existing) {
    if (opts.reuse) {
      const done = await answeredTurn(ctx, existing, message, opts.latestAt);
      if (done) return done;
    }
    return fromTurn(await ctx.agent.reply(existing, message, 'draft', customer));
  }
  try {
    return fromTurn(await ctx.agent.start(tenantId, { channel: 'zendesk', customer, message, externalId: ticketId, mode: 'draft' }));
  } catch (err) {
    // The ticket's conversation was created meanwhile (the sidebar and the worker raced; the
    // external id is unique): take the turn in that one.
    const now = await ctx.store.conversationByExternalId(tenantId, 'zendesk', ticketId);
    if (!now) throw err;
    return fromTurn(await ctx.agent.reply(now, message, 'draft', customer));
  }
}

/** Every secret the tenant has: action and User Data API credentials, helpdesk tokens. */
async function tenantRedactor(ctx: ChannelDeps, tenantId: string, settings: Settings): Promise<Redactor> {
  const secrets: string[] = [];
  const uda = await ctx.store.getUserDataApi(tenantId);
  const endpoints: Pick<ActionSpec, 'auth' | 'headers'>[] = [...(await ctx.store.listActions(tenantId)), ...(uda ? [uda] : [])];
  for (const e of endpoints) {
    secrets.push(...authSecrets(e.auth));
    for (const h of e.headers) if (isCredentialHeader(h.key)) secrets.push(h.value);
  }
  const { zendesk: z, intercom: i } = settings;
  for (const s of [z.apiToken, z.oauthToken, z.webhookSecret, i.accessToken, i.clientSecret]) if (s) secrets.push(s);
  return redactorFor(secrets);
}

/** A call with every text field passed through the redactor. */
function scrubCall(r: Redactor, c: CallRecord): CallRecord {
  return { ...c, url: r.text(c.url), responseExcerpt: r.text(c.responseExcerpt), ...(c.errorMessage ? { errorMessage: r.text(c.errorMessage) } : {}) };
}

function scrubProposal(r: Redactor, p: Proposal): Proposal {
  return { ...p, url: r.text(p.url), arguments: r.tree(p.arguments) as Record<string, unknown> };
}

/**
 * Posts the draft's internal note. The engine already masks secrets; the note is scrubbed
 * once more with every secret of the tenant, because a note is read by every agent.
 */
export async function postDraftNote(ctx: ChannelDeps, client: ZendeskClient, tenantId: string, settings: Settings, ticketId: string, d: Draft): Promise<ZendeskResult<{ id: string }>> {
  const r = await tenantRedactor(ctx, tenantId, settings);
  const html = draftNoteHtml({
    reply: r.text(d.reply),
    fallback: d.fallback,
    verified: d.conversation.customer.verified,
    calls: d.calls.map((c) => scrubCall(r, c)),
    pending: d.pending.map((p) => scrubProposal(r, p)),
  });
  return client.addInternalNote(ticketId, r.text(html), [NOTE_TAG]);
}

/** Posts the short note saying an agent ran a proposed action. */
export async function postRunNote(
  ctx: ChannelDeps,
  client: ZendeskClient,
  tenantId: string,
  settings: Settings,
  ticketId: string,
  p: Proposal,
  call: CallRecord,
): Promise<ZendeskResult<{ id: string }>> {
  const r = await tenantRedactor(ctx, tenantId, settings);
  return client.addInternalNote(ticketId, r.text(runNoteHtml(scrubProposal(r, p), scrubCall(r, call))), [NOTE_TAG]);
}
