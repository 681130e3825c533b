import { jsonBody } from '../body';
import express, { Router, type Express } from 'express';
import type { CallRecord, Conversation, Proposal } from '../../../../shared/conversation';
import { draftTurn, postDraftNote, postRunNote, readTicket, requesterMessage, tenantSettings, zendeskClientFor, type ZendeskFailure } from '../../channels/zendesk';
import { AppError, ConflictError, NotFoundError, ValidationError } from '../../errors';
import { inboxConversationKey } from '../../inbox';
import { tenantAuth } from '../auth';
import { actorOf, tenantOf, type AppContext } from '../context';

/** A call as the sidebar gets it (the turn id is internal). */
export type SidebarCall = Omit<CallRecord, 'turnId'>;
/** A proposal as the sidebar gets it (the action id is internal). */
export type SidebarProposal = Omit<Proposal, 'actionId'>;

/** The body of `GET /zendesk/tickets/:ticketId/draft` (and of the regenerate POST). */
export interface DraftBody {
  ticketId: string;
  status: 'ready' | 'drafting' | 'none' | 'unverified' | 'failed';
  message?: string;
  draft: null | {
    /** The turn id. */
    id: string;
    reply: string;
    createdAt: string;
    fallback: boolean;
    /** Calls of the last turn, oldest first. */
    calls: SidebarCall[];
    /** Every proposal of the conversation, newest first. */
    proposals: SidebarProposal[];
  };
}

const TICKET_ID = /^\d{1,20}$/;

function ticketParam(raw: unknown): string {
  const id = String(raw);
  if (!TICKET_ID.test(id)) throw new ValidationError('invalid ticket id', [{ path: 'ticketId', message: 'must be a numeric Zendesk ticket id' }]);
  return id;
}

function sidebarCall({ turnId: _t, ...c }: CallRecord): SidebarCall {
  return c;
}

function sidebarProposal({ actionId: _a, ...p }: Proposal, now: number): SidebarProposal {
  return p.status === 'pending' && Date.parse(p.expiresAt) <= now ? { ...p, status: 'expired' } : p;
}

/** The sidebar's view of a ticket: its last draft with the calls behind it and the proposals. */
export async function draftBody(ctx: AppContext, tenantId: string, ticketId: string, conv?: Conversation | null): Promise<DraftBody> {
  const c = conv ?? (await ctx.store.conversationByExternalId(tenantId, 'zendesk', ticketId));
  const drafting = !conv && (await ctx.store.hasUnfinished(inboxConversationKey('zendesk', tenantId, ticketId)));
  if (!c) {
    return drafting
      ? { ticketId, status: 'drafting', message: 'Drafting a reply…', draft: null }
      : { ticketId, status: 'none', message: 'No draft yet for this ticket.', draft: null };
  }
  const last = [...c.messages].reverse().find((m) => m.role === 'assistant');
  if (!last) {
    return c.customer.verified
      ? { ticketId, status: 'none', message: 'No draft yet for this ticket.', draft: null }
      : { ticketId, status: 'unverified', message: 'The requester is not verified in Zendesk.', draft: null };
  }
  const calls = (await ctx.store.listCalls(tenantId, { conversationId: c.id, limit: 500 })).filter((x) => x.turnId === last.turnId).reverse();
  const now = Date.now();
  const proposals = (await ctx.agent.proposals(tenantId, c.id)).sort((a, b) => b.createdAt.localeCompare(a.createdAt)).map((p) => sidebarProposal(p, now));
  const fallback = last.fallback === true;
  const message = fallback
    ? 'The AI could not draft a reply this time; the text below is the fallback reply.'
    : !c.customer.verified
      ? 'The requester is not verified in Zendesk: this draft is generic and no personal data was looked up.'
      : undefined;
  return {
    ticketId,
    status: drafting ? 'drafting' : fallback ? 'failed' : 'ready',
    ...(message ? { message } : {}),
    draft: { id: last.turnId, reply: last.content, createdAt: last.at, fallback, calls: calls.map(sidebarCall), proposals },
  };
}

/** A Zendesk failure as the route's error: 404 for a missing ticket, 429 for its rate limit, 502 otherwise. */
function upstream(what: string, f: ZendeskFailure): AppError {
  if (f.kind === 'http' && f.status === 404) return new NotFoundError('ticket');
  if (f.kind === 'rate_limited') return new AppError('rate_limited', `Zendesk is rate limiting: ${f.message}`, 429);
  return new AppError('upstream_failed', `could not read the ${what} from Zendesk: ${f.message}`, 502);
}

/**
 * The sidebar's routes, authenticated with the tenant's admin token (the app's secure
 * setting, sent through Zendesk's proxy by `client.request({secure: true})`):
 * the latest draft, regenerate, and run a proposed write action (the agent's click is the
 * confirmation). A token only ever reaches its own tenant's conversations.
 */
export function mountZendeskSidebar(app: Express, ctx: AppContext): void {
  const r = Router();

  r.get('/tickets/:ticketId/draft', async (req, res) => {
    res.json(await draftBody(ctx, tenantOf(req).id, ticketParam(req.params.ticketId)));
  });

  r.post('/tickets/:ticketId/draft', async (req, res) => {
    const tenantId = tenantOf(req).id;
    const ticketId = ticketParam(req.params.ticketId);
    const settings = await tenantSettings(ctx, tenantId);
    const client = zendeskClientFor(ctx, settings);
    if (!client) throw new AppError('zendesk_not_configured', 'Zendesk credentials are not set: add them under settings.zendesk', 409);
    const read = await readTicket(client, ticketId);
    if (!read.ok) throw upstream(read.what, read.error);
    const m = requesterMessage(read.snapshot);
    if (!m) throw new ConflictError('the ticket has no public comment from the requester to answer');
    const draft = await draftTurn(ctx, tenantId, read.snapshot, m.message, { reuse: false, latestAt: m.latestAt });
    const note = await postDraftNote(ctx, client, tenantId, settings, ticketId, draft);
    if (!note.ok) ctx.log.warn({ tenantId, ticketId, error: note.error }, 'regenerated draft saved, but Zendesk refused the note');
    const body = await draftBody(ctx, tenantId, ticketId, draft.conversation);
    res.json(note.ok ? body : { ...body, noteError: note.error.message });
  });

  r.post('/tickets/:ticketId/proposals/:proposalId/run', async (req, res) => {
    const tenantId = tenantOf(req).id;
    const ticketId = ticketParam(req.params.ticketId);
    const conv = await ctx.store.conversationByExternalId(tenantId, 'zendesk', ticketId);
    if (!conv) throw new NotFoundError('proposal');
    // The agent's click (after the dialog showing the rendered request) is the confirmation.
    const { proposal, call } = await ctx.agent.confirmations.confirm(tenantId, conv.id, String(req.params.proposalId), { recordReply: false });
    if (call) {
      const settings = await tenantSettings(ctx, tenantId);
      const client = zendeskClientFor(ctx, settings);
      if (client) {
        const note = await postRunNote(ctx, client, tenantId, settings, ticketId, proposal, call);
        if (!note.ok) ctx.log.warn({ tenantId, ticketId, error: note.error }, 'proposal ran, but Zendesk refused the note');
      }
    }
    res.json({ proposal: sidebarProposal(proposal, Date.now()), call: call ? sidebarCall(call) : null });
  });

  r.post('/tickets/:ticketId/proposals/:proposalId/decline', async (req, res) => {
    const tenantId = tenantOf(req).id;
    const conv = await ctx.store.conversationByExternalId(tenantId, 'zendesk', ticketParam(req.params.ticketId));
    if (!conv) throw new NotFoundError('proposal');
    const { proposal } = await ctx.agent.confirmations.decline(tenantId, conv.id, String(req.params.proposalId), { recordReply: false });
    res.json({ proposal: sidebarProposal(proposal, Date.now()) });
  });

  app.use('/zendesk', ...jsonBody(), tenantAuth(ctx.store, { scopes: ['sidebar'] }), r);
}
