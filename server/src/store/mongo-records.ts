import { Types } from 'mongoose';
import type { CallRecord } from '../../../shared/conversation';
import type { MongoCtx } from './mongo-context';
import type { Models } from './mongo-models';
import { reserveSeq } from './mongo-util';
import { decodeCursor, pageLimit, pageOf, percentile } from './paging';
import type { RecordsPort } from './port';

/**
 * Call records, newest-first pages, statistics and retention on MongoDB. Calls are ordered by a
 * `seq` reserved from the shared counter before the insert: ObjectIds made by two instances
 * within one second order by their process ids, not by time, so they cannot order calls.
 */
export function mongoRecords(ctx: MongoCtx): RecordsPort {
  const { m } = ctx;
  const pageCalls: RecordsPort['pageCalls'] = async (tenantId, f) => {
    const q: Record<string, unknown> = { tenantId };
    if (f.conversationId) q.conversationId = f.conversationId;
    if (f.action !== undefined && f.action !== '') q.action = f.action;
    if (f.status === 'ok') q.ok = true;
    else if (f.status === 'error') q.ok = false;
    else if (f.status) q.errorType = f.status;
    const after = decodeCursor(f.cursor);
    if (after) {
      // Records from before `seq` existed (null) sort last, by _id.
      q.$or = typeof after[0] === 'number' ? [{ seq: { $lt: after[0] } }, { seq: null }] : [{ seq: null, _id: { $lt: new Types.ObjectId(after[1]) } }];
    }
    const limit = pageLimit(f.limit);
    const docs = await m.Call.find(q).sort({ seq: -1, _id: -1 }).limit(limit + 1).lean();
    return pageOf(docs, limit, (d) => JSON.parse(d.doc) as CallRecord, (d) => [d.seq ?? 'oid', String(d._id)]);
  };
  return {
    async addCalls(tenantId, calls) {
      await addCalls(ctx, tenantId, calls);
    },
    async listCalls(tenantId, f) {
      return (f.limit ?? 100) <= 0 ? [] : (await pageCalls(tenantId, f)).items;
    },
    pageCalls,
    /**
     * One aggregation: counts per action, and the durations (sorted) for the percentiles, computed
     * here because `$percentile` needs MongoDB 7 and the test server has none. The durations of one
     * action in the window must fit a 16 MB group document (about a million calls).
     */
    async actionStats(tenantId, since) {
      const rows = await m.Call.aggregate<{ _id: string; calls: number; errors: number; durations: number[] }>([
        { $match: { tenantId, at: { $gte: since }, test: { $ne: true }, errorType: { $ne: 'needs_confirmation' } } },
        { $group: { _id: '$action', calls: { $sum: 1 }, errors: { $sum: { $cond: ['$ok', 0, 1] } }, durations: { $push: '$durationMs' } } },
      ]);
      return rows
        .map((r) => {
          const d = r.durations.filter((x) => typeof x === 'number').sort((a, b) => a - b);
          return { action: r._id, calls: r.calls, errors: r.errors, errorRate: r.calls ? r.errors / r.calls : 0, p50Ms: percentile(d, 50), p95Ms: percentile(d, 95) };
        })
        .sort((a, b) => (a.action < b.action ? -1 : a.action > b.action ? 1 : 0));
    },
    /** At most `batch` of each kind: the ids first (a bounded read), then one delete by id. */
    async prune(before, batch) {
      const n = Math.max(0, Math.floor(batch));
      if (n === 0) return { conversations: 0, calls: 0, audit: 0, proposals: 0 };
      // Entries written before `at` was stored carry their time in the ObjectId.
      const oldOid = { _id: { $lt: Types.ObjectId.createFromTime(Math.floor(before.getTime() / 1000)) } };
      const del = async (model: Models[keyof Models], filter: Record<string, unknown>): Promise<number> => {
        const ids = (await (model as Models['Call']).find(filter, { _id: 1 }).limit(n).lean()).map((d) => d._id);
        if (ids.length === 0) return 0;
        return (await (model as Models['Call']).deleteMany({ _id: { $in: ids } })).deletedCount;
      };
      return {
        conversations: await del(m.Conversation, { updatedAt: { $lt: before } }),
        calls: await del(m.Call, { $or: [{ at: { $lt: before } }, { at: null, ...oldOid }] }),
        audit: await del(m.Audit, { $or: [{ at: { $lt: before } }, { at: null, ...oldOid }] }),
        proposals: await del(m.Proposal, {
          $or: [{ status: { $in: ['done', 'failed', 'declined', 'expired'] }, updatedAt: { $lt: before } }, { expiresAt: { $lt: before } }],
        }),
      };
    },
  };
}

/** Numbers the calls from the shared counter, then inserts them in that order. */
export async function addCalls(ctx: MongoCtx, tenantId: string, calls: CallRecord[]): Promise<void> {
  if (calls.length === 0) return;
  const first = await reserveSeq(ctx.m, 'calls', calls.length);
  await ctx.m.Call.insertMany(
    calls.map((c, i) => ({
      seq: first + i,
      id: c.id,
      tenantId,
      conversationId: c.conversationId,
      action: c.action,
      ok: c.ok,
      errorType: c.errorType ?? null,
      at: new Date(c.at),
      durationMs: c.durationMs,
      test: c.test === true,
      doc: JSON.stringify(c),
    })),
    { ordered: true },
  );
}
