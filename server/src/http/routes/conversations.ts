import { Router } from 'express';
import { z } from 'zod';
import { NextMessage, StartConversation, type Conversation } from '../../../../shared/conversation';
import { NotFoundError } from '../../errors';
import type { TurnResult } from '../../agent';
import { actorOf, tenantOf, type AppContext } from '../context';
import { authenticator } from '../auth';
import { parseJsonBody, serveFast, type FastPath } from '../fast-request';
import { parseInput } from '../validate';

function turnBody(t: TurnResult) {
  return {
    reply: t.reply,
    calls: t.calls,
    ...(t.pending.length ? { pending: t.pending } : {}),
    ...(t.fallback ? { fallback: true, needsHuman: true } : {}),
  };
}

/** `POST /v1/conversations`: the first turn of a new conversation (the route and its fast path). */
async function startConversation(ctx: AppContext, tenantId: string, input: unknown) {
  const body = parseInput(StartConversation, input);
  // Sandbox only on request: the playground page asks for it (its switch is on by default).
  const sandbox = body.sandbox ?? false;
  const t = await ctx.agent.start(tenantId, {
    channel: body.channel,
    customer: body.customer,
    message: body.message,
    sandbox,
    ...(body.mocks ? { mocks: body.mocks } : {}),
  });
  return { id: t.conversation.id, ...turnBody(t) };
}

/** `POST /v1/conversations/:id/messages`: the next turn of a stored conversation. */
async function nextMessage(ctx: AppContext, tenantId: string, id: string, input: unknown) {
  const body = parseInput(NextMessage, input);
  const conv = await ctx.store.getConversation(tenantId, id);
  if (!conv) throw new NotFoundError('conversation');
  const t = await ctx.agent.reply(conv, body.message, conv.channel === 'zendesk' ? 'draft' : 'live');
  return { id: conv.id, ...turnBody(t) };
}

/** Content types the fast path parses itself; any other (a charset to convert, a typo) goes to Express. */
const PLAIN_JSON = new Set(['application/json', 'application/json; charset=utf-8', 'application/json;charset=utf-8']);

/** A next-message URL whose id needs no decoding (ids are UUIDs); any other form goes to Express. */
const NEXT_MESSAGE_URL = /^\/v1\/conversations\/([A-Za-z0-9_-]{1,100})\/messages$/;

/**
 * `POST /v1/conversations` and `POST /v1/conversations/:id/messages` without Express (issue 13):
 * a turn is the hottest request, and Express's request setup, routing, body parsing and
 * `res.json` were ~15% of its CPU. Taken only for the exact paths, a plain JSON body with a
 * length and no `Content-Encoding`; everything else (a query string, gzip, another charset,
 * chunked) goes to the Express routes below, which answer alike: same auth (a scoped token is
 * refused), limits, validation, errors and metrics (under Express's route labels).
 */
export function conversationsFastPath(ctx: AppContext): FastPath {
  const authenticate = authenticator(ctx.store);
  return (req, res) => {
    if (req.method !== 'POST' || req.headers['content-encoding'] !== undefined || req.headers['content-length'] === undefined) return false;
    const url = req.url ?? '';
    // null: the first turn; a match: the next message of conversation next[1].
    const next = url === '/v1/conversations' ? null : NEXT_MESSAGE_URL.exec(url);
    if (next === null && url !== '/v1/conversations') return false;
    if (!PLAIN_JSON.has((req.headers['content-type'] ?? '').toLowerCase())) return false;
    const route = next ? '/v1/conversations/:id/messages' : '/v1/conversations/';
    serveFast(ctx, req, res, route, async (raw) => {
      const { tenant } = await authenticate(req.headers.authorization);
      const input = parseJsonBody(raw);
      if (next) return { status: 200, body: JSON.stringify(await nextMessage(ctx, tenant.id, next[1]!, input)) };
      return { status: 201, body: JSON.stringify(await startConversation(ctx, tenant.id, input)) };
    });
    return true;
  };
}

/** The channel-agnostic conversation API and the conversation logs. */
export function conversationRoutes(ctx: AppContext): Router {
  const r = Router();
  r.post('/', async (req, res) => {
    res.status(201).json(await startConversation(ctx, tenantOf(req).id, req.body));
  });
  r.post('/:id/messages', async (req, res) => {
    res.json(await nextMessage(ctx, tenantOf(req).id, req.params.id, req.body));
  });
  r.get('/:id', async (req, res) => {
    const conv = await ctx.store.getConversation(tenantOf(req).id, req.params.id);
    if (!conv) throw new NotFoundError('conversation');
    const calls = await ctx.store.listCalls(tenantOf(req).id, { conversationId: conv.id, limit: 1000 });
    const proposals = await ctx.agent.proposals(tenantOf(req).id, conv.id);
    const { failures: _f, tenantId: _t, ...rest } = conv;
    res.json({ ...rest, proposals, calls: calls.reverse() });
  });
  // The customer's explicit confirmation (or refusal) of a pending write: the only way a
  // proposal runs on this channel. Concurrent confirmations run it once; each gets the outcome.
  r.post('/:id/proposals/:pid/confirm', async (req, res) => {
    res.json(await ctx.agent.confirmations.confirm(tenantOf(req).id, String(req.params.id), String(req.params.pid)));
  });
  r.post('/:id/proposals/:pid/decline', async (req, res) => {
    res.json(await ctx.agent.confirmations.decline(tenantOf(req).id, String(req.params.id), String(req.params.pid)));
  });
  return r;
}
