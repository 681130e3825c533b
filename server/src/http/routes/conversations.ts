import { Router } from 'express';
import { z } from 'zod';
import { NextMessage, StartConversation, type Conversation } from '../../../../shared/conversation';
import { NotFoundError } from '../../errors';
import type { TurnResult } from '../../agent';
import { actorOf, tenantOf, type AppContext } from '../context';
import { parseInput } from '../validate';

function turnBody(t: TurnResult) {
  return {
    reply: t.reply,
    calls: t.calls,
    ...(t.pending.length ? { pending: t.pending } : {}),
    ...(t.fallback ? { fallback: true, needsHuman: true } : {}),
  };
}

/** The channel-agnostic conversation API and the conversation logs. */
export function conversationRoutes(ctx: AppContext): Router {
  const r = Router();
  r.post('/', async (req, res) => {
    const body = parseInput(StartConversation, req.body);
    // Sandbox only on request: the playground page asks for it (its switch is on by default).
    const sandbox = body.sandbox ?? false;
    const t = await ctx.agent.start(tenantOf(req).id, {
      channel: body.channel,
      customer: body.customer,
      message: body.message,
      sandbox,
      ...(body.mocks ? { mocks: body.mocks } : {}),
    });
    res.status(201).json({ id: t.conversation.id, ...turnBody(t) });
  });
  r.post('/:id/messages', async (req, res) => {
    const body = parseInput(NextMessage, req.body);
    const conv = await ctx.store.getConversation(tenantOf(req).id, req.params.id);
    if (!conv) throw new NotFoundError('conversation');
    const t = await ctx.agent.reply(conv, body.message, conv.channel === 'zendesk' ? 'draft' : 'live');
    res.json({ id: conv.id, ...turnBody(t) });
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
