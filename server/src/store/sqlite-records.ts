import type { CallRecord } from '../../../shared/conversation';
import { decodeCursor, pageLimit, pageOf } from './paging';
import type { RecordsPort } from './port';
import type { SqliteCtx } from './sqlite-context';
import type { Row } from './sqlite-schema';

/**
 * Call records, newest-first pages, statistics and retention on SQLite. Calls are ordered by
 * `seq` (the rowid: max + 1 under the write lock): the insertion order, whichever process wrote.
 */
export function sqliteRecords(ctx: SqliteCtx): RecordsPort {
  const { q } = ctx;
  const pageCalls: RecordsPort['pageCalls'] = async (tenantId, f) => {
    const where = ['tenant_id = ?'];
    const args: unknown[] = [tenantId];
    if (f.conversationId) (where.push('conversation_id = ?'), args.push(f.conversationId));
    if (f.action !== undefined && f.action !== '') (where.push('action = ?'), args.push(f.action));
    if (f.status === 'ok') where.push('ok = 1');
    else if (f.status === 'error') where.push('ok = 0');
    else if (f.status) (where.push('error_type = ?'), args.push(f.status));
    const after = decodeCursor(f.cursor);
    if (after) (where.push('seq < ?'), args.push(Number(after[0])));
    const limit = pageLimit(f.limit);
    args.push(limit + 1);
    // The SQL text depends only on which filters are set: a handful of cached statements.
    const rows = q(`SELECT seq, id, doc FROM calls WHERE ${where.join(' AND ')} ORDER BY seq DESC LIMIT ?`).all(...args) as Row[];
    return pageOf(rows, limit, (r) => JSON.parse(r.doc as string) as CallRecord, (r) => [r.seq as number, r.id as string]);
  };
  return {
    async addCalls(tenantId, calls) {
      if (calls.length) ctx.tx(() => insertCalls(ctx, tenantId, calls));
    },
    async listCalls(tenantId, f) {
      return (f.limit ?? 100) <= 0 ? [] : (await pageCalls(tenantId, f)).items;
    },
    pageCalls,
    /** One query: counts, and nearest-rank percentiles from window functions (same ranks as `percentile`). */
    async actionStats(tenantId, since) {
      const rows = q(
        `WITH c AS (
           SELECT action, ok, duration_ms FROM calls
           WHERE tenant_id = ? AND at >= ? AND test = 0 AND (error_type IS NULL OR error_type <> 'needs_confirmation')),
         r AS (
           SELECT action, ok, duration_ms,
             ROW_NUMBER() OVER (PARTITION BY action ORDER BY duration_ms) AS rn,
             COUNT(*) OVER (PARTITION BY action) AS n
           FROM c)
         SELECT action, COUNT(*) AS calls, SUM(ok = 0) AS errors,
           MAX(CASE WHEN rn = MAX(1, (50 * n + 99) / 100) THEN duration_ms END) AS p50,
           MAX(CASE WHEN rn = MAX(1, (95 * n + 99) / 100) THEN duration_ms END) AS p95
         FROM r GROUP BY action ORDER BY action`,
      ).all(tenantId, since.toISOString()) as { action: string; calls: number; errors: number; p50: number | null; p95: number | null }[];
      return rows.map((r) => ({ action: r.action, calls: r.calls, errors: r.errors, errorRate: r.calls ? r.errors / r.calls : 0, p50Ms: r.p50, p95Ms: r.p95 }));
    },
    /** At most `batch` rows of each kind, oldest first; the caller loops until nothing is left. */
    async prune(before, batch) {
      const cut = before.toISOString();
      const n = Math.max(0, Math.floor(batch));
      const del = (table: string, where: string) =>
        q(`DELETE FROM ${table} WHERE rowid IN (SELECT rowid FROM ${table} WHERE ${where} LIMIT @n)`).run({ cut, n }).changes;
      return ctx.tx(() => ({
        // Through conversations_page (tenant_id, updated_at), one range per tenant: no index on
        // updated_at alone, which every turn would have to rewrite.
        conversations: del('conversations', 'tenant_id IN (SELECT id FROM tenants) AND updated_at < @cut'),
        // Calls are appended in time order: the oldest by `seq` (the table's own order) are the
        // oldest, so no index on `at` is kept for this (one index page less in every turn's commit).
        // A call that started a little before one stored ahead of it goes in a later run.
        calls: q(`DELETE FROM calls WHERE seq IN (SELECT seq FROM (SELECT seq, at FROM calls ORDER BY seq LIMIT @n) WHERE at < @cut)`).run({ cut, n }).changes,
        audit: del('audit', 'at < @cut'),
        // Finished ones, and any whose expiry passed before the cut-off (nobody can confirm those any more).
        proposals: del('proposals', `(status IN ('done', 'failed', 'declined', 'expired') AND updated_at < @cut) OR expires_at < @cut`),
      }));
    },
  };
}

/** Inserts; the caller wraps it in a transaction. */
export function insertCalls(ctx: SqliteCtx, tenantId: string, calls: CallRecord[]): void {
  const ins = ctx.q('INSERT INTO calls (id, tenant_id, conversation_id, action, ok, error_type, at, duration_ms, test, doc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
  for (const c of calls) {
    ins.run(c.id, tenantId, c.conversationId, c.action, c.ok ? 1 : 0, c.errorType ?? null, c.at, c.durationMs, c.test ? 1 : 0, JSON.stringify(c));
  }
}
