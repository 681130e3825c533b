import { Router } from 'express';
import { z } from 'zod';
import { tenantOf, type AppContext } from '../context';
import { parseInput } from '../validate';

const DEFAULT_WINDOW_MS = 7 * 24 * 3600_000;

const StatsQuery = z.strictObject({
  since: z.iso
    .datetime({ offset: true })
    .optional()
    .describe('Start of the window, ISO 8601 date-time (default: 7 days ago)'),
});

/** Figures for the admin pages, one request for the whole list. */
export function statsRoutes(ctx: AppContext): Router {
  const r = Router();
  // Per action: calls, errors, error rate, p50/p95 duration; test runs and confirmation waits count nowhere.
  r.get('/actions', async (req, res) => {
    const q = parseInput(StatsQuery, req.query, 'query');
    const since = q.since ? new Date(q.since) : new Date(Date.now() - DEFAULT_WINDOW_MS);
    res.json({ since: since.toISOString(), actions: await ctx.store.actionStats(tenantOf(req).id, since) });
  });
  return r;
}
