import { Router } from 'express';
import { z } from 'zod';
import type { Conversation } from '../../../../shared/conversation';
import { tenantOf, type AppContext } from '../context';
import { parseInput } from '../validate';
import { pageFields } from './paging';

const CallQuery = z.strictObject({
  action: z.string().max(64).optional().describe('Only calls of this action'),
  status: z.string().regex(/^[a-z_0-9]+$/).max(32).optional().describe('ok, error, or an error type such as timeout'),
  conversationId: z.string().max(64).optional().describe('Only calls of this conversation'),
  ...pageFields,
});
const ConversationQuery = z.strictObject({
  channel: z.enum(['api', 'playground', 'zendesk', 'intercom', 'mcp']).optional().describe('Only conversations of this channel'),
  ...pageFields,
});
const Limit = z.strictObject({ limit: z.coerce.number().int().min(1).max(1000).default(100).describe('Most entries returned, newest first') });

/** A conversation in a list: its last message cut, no transcript. */
export function conversationSummary(c: Conversation) {
  const last = c.messages[c.messages.length - 1];
  return {
    id: c.id,
    channel: c.channel,
    externalId: c.externalId,
    customer: c.customer,
    messageCount: c.messages.length,
    lastMessage: last ? { role: last.role, content: last.content.slice(0, 200), at: last.at } : null,
    needsHuman: c.needsHuman,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  };
}

/** The call log, the conversation log (both paged: `nextCursor` is null on the last page) and the config audit log. */
export function logRoutes(ctx: AppContext): Router {
  const r = Router();
  r.get('/calls', async (req, res) => {
    const q = parseInput(CallQuery, req.query, 'query');
    const page = await ctx.store.pageCalls(tenantOf(req).id, q);
    res.json({ calls: page.items, nextCursor: page.nextCursor });
  });
  r.get('/conversations', async (req, res) => {
    const q = parseInput(ConversationQuery, req.query, 'query');
    const page = await ctx.store.pageConversations(tenantOf(req).id, q);
    res.json({ conversations: page.items.map(conversationSummary), nextCursor: page.nextCursor });
  });
  r.get('/audit', async (req, res) => {
    const q = parseInput(Limit, req.query, 'query');
    res.json({ entries: await ctx.store.listAudit(tenantOf(req).id, q.limit) });
  });
  return r;
}
