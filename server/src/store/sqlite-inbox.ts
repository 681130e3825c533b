import { randomUUID } from 'node:crypto';
import type { InboxItem, InboxPort } from './port';
import type { SqliteCtx } from './sqlite-context';
import type { Row } from './sqlite-schema';

/**
 * The next item a worker may take. It walks the open items in order and stops at the first one
 * it may take: the partial indexes hold open items only (the literal `status IN (...)` terms
 * let SQLite use them), so a claim costs microseconds whatever the backlog or the done
 * history. Planned freely, SQLite sorted every pending row and scanned each conversation's
 * done items: 62 ms a claim with 500 pending and 20,000 done, on the event loop.
 */
export const CLAIM_SQL = `SELECT * FROM inbox i INDEXED BY inbox_open
 WHERE i.status IN ('pending', 'leased')
   AND (i.status = 'pending' OR (i.status = 'leased' AND i.lease_expires_at <= @now)) AND i.next_attempt_at <= @now
   AND NOT EXISTS (SELECT 1 FROM inbox j WHERE j.conversation_key = i.conversation_key AND j.seq < i.seq AND j.status IN ('pending', 'leased'))
   AND NOT EXISTS (SELECT 1 FROM inbox k WHERE k.conversation_key = i.conversation_key AND k.seq <> i.seq AND k.status IN ('pending', 'leased') AND k.status = 'leased' AND k.lease_expires_at > @now)
 ORDER BY i.seq LIMIT 1`;

/** The durable webhook inbox on SQLite: leases under the write lock, fenced by owner and expiry. */
export function sqliteInbox(ctx: SqliteCtx): InboxPort {
  const { q } = ctx;
  const enqueueOne = (item: Parameters<InboxPort['enqueue']>[0]): boolean => {
    const r = q(
      `INSERT INTO inbox (id, tenant_id, source, dedupe_key, conversation_key, payload, status, next_attempt_at, created_at)
       VALUES (?, ?, ?, ?, ?, ?, 'pending', 0, ?) ON CONFLICT (source, dedupe_key) DO NOTHING`,
    ).run(randomUUID(), item.tenantId, item.source, item.dedupeKey, item.conversationKey, JSON.stringify(item.payload), new Date().toISOString());
    return r.changes === 1;
  };
  return {
    async enqueue(item) {
      // Group-committed: a burst of deliveries acknowledged together is written together.
      return ctx.batch(() => enqueueOne(item));
    },

    async claim(owner, leaseMs) {
      const now = Date.now();
      const pick = q(CLAIM_SQL);
      const lease = q(`UPDATE inbox SET status = 'leased', lease_owner = ?, lease_expires_at = ?, attempts = attempts + 1 WHERE id = ?`);
      // IMMEDIATE takes the write lock before reading, so two processes cannot pick the same row.
      const r = ctx.tx(() => {
        const row = pick.get({ now }) as Row | undefined;
        if (row) lease.run(owner, now + leaseMs, row.id);
        return row;
      });
      if (!r) return null;
      return {
        id: r.id as string,
        tenantId: r.tenant_id as string,
        source: r.source as InboxItem['source'],
        dedupeKey: r.dedupe_key as string,
        conversationKey: r.conversation_key as string,
        payload: JSON.parse(r.payload as string),
        attempts: (r.attempts as number) + 1,
        createdAt: r.created_at as string,
      };
    },

    /** Fenced: only the owner of a lease that has not expired may finish the item (else another may hold it). */
    async complete(id, owner) {
      return (
        q(
          `UPDATE inbox SET status = 'done', lease_owner = NULL, error = NULL WHERE id = ? AND lease_owner = ? AND status = 'leased' AND lease_expires_at > ?`,
        ).run(id, owner, Date.now()).changes === 1
      );
    },
    async fail(id, owner, error, retryAt) {
      q(
        `UPDATE inbox SET status = ?, lease_owner = NULL, error = ?, next_attempt_at = ? WHERE id = ? AND lease_owner = ? AND status = 'leased' AND lease_expires_at > ?`,
      ).run(retryAt ? 'pending' : 'dead', error.slice(0, 1000), retryAt ? retryAt.getTime() : 0, id, owner, Date.now());
    },
    async pruneInbox(before) {
      return q(`DELETE FROM inbox WHERE status IN ('done', 'dead') AND created_at < ?`).run(before.toISOString()).changes;
    },
    async hasUnfinished(conversationKey) {
      return !!q(`SELECT 1 FROM inbox WHERE conversation_key = ? AND status IN ('pending', 'leased') LIMIT 1`).get(conversationKey);
    },
    async inboxCounts() {
      const out = { pending: 0, leased: 0, done: 0, dead: 0 };
      for (const r of q('SELECT status, COUNT(*) n FROM inbox GROUP BY status').all() as { status: keyof typeof out; n: number }[]) out[r.status] = r.n;
      return out;
    },
  };
}
