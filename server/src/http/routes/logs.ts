import { Router } from 'express';
import { z } from 'zod';
import { actorOf, tenantOf, type AppContext } from '../context';
import { parseInput } from '../validate';

const CallQuery = z.strictObject({
  action: z.string().max(64).optional().describe('Only calls of this action'),
  status: z.string().regex(/^[a-z_0-9]+$/).max(32).optional().describe('ok, error, or an error type such as timeout'),
  conversationId: z.string().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
const Limit = z.strictObject({ limit: z.coerce.number().int().min(1).max(1000).default(100) });

/** The call log and the config audit log. */
export function logRoutes(ctx: AppContext): Router {
  const r = Router();
  r.get('/calls', async (req, res) => {
    const q = parseInput(CallQuery, req.query, 'query');
    res.json({ calls: await ctx.store.listCalls(tenantOf(req).id, q) });
  });
  r.get('/audit', async (req, res) => {
    const q = parseInput(Limit, req.query, 'query');
    res.json({ entries: await ctx.store.listAudit(tenantOf(req).id, q.limit) });
  });
  return r;
}
