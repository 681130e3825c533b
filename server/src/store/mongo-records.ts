import { Types } from 'mongoose';
import type { CallRecord, Channel, Conversation } from '../../../shared/conversation';
import type { Models } from './mongo-models';
import { reserveSeq } from './mongo-util';
import { decodeCursor, encodeCursor, pageLimit, percentile } from './paging';
import type { ActionStat, CallFilter, Page, PruneCounts } from './port';

/**
 * Call records, newest-first pages, statistics and retention on MongoDB. Calls are ordered by a
 * `seq` reserved from the shared counter before the insert: ObjectIds made by two instances
 * within one second order by their process ids, not by time, so they cannot order calls.
 */
export class MongoRecords {
  constructor(private readonly m: Models) {}

  async addCalls(tenantId: string, calls: CallRecord[]): Promise<void> {
    if (calls.length === 0) return;
    const first = await reserveSeq(this.m, 'calls', calls.length);
    await this.m.Call.insertMany(
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

  async pageCalls(tenantId: string, f: CallFilter & { cursor?: string }): Promise<Page<CallRecord>> {
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
    const docs = await this.m.Call.find(q).sort({ seq: -1, _id: -1 }).limit(limit + 1).lean();
    const items = docs.slice(0, limit);
    const last = items.at(-1);
    return {
      items: items.map((d) => JSON.parse(d.doc) as CallRecord),
      nextCursor: docs.length > limit && last ? encodeCursor(last.seq ?? 'oid', String(last._id)) : null,
    };
  }

  async pageConversations(tenantId: string, opts: { limit: number; channel?: Channel; cursor?: string }): Promise<Page<Conversation>> {
    const q: Record<string, unknown> = opts.channel ? { tenantId, channel: opts.channel } : { tenantId };
    const after = decodeCursor(opts.cursor);
    if (after) {
      const at = new Date(String(after[0]));
      q.$or = [{ updatedAt: { $lt: at } }, { updatedAt: at, _id: { $lt: after[1] } }];
    }
    const limit = pageLimit(opts.limit);
    const docs = await this.m.Conversation.find(q).sort({ updatedAt: -1, _id: -1 }).limit(limit + 1).lean();
    const items = docs.slice(0, limit);
    const last = items.at(-1);
    return {
      items: items.map((d) => JSON.parse(d.doc) as Conversation),
      nextCursor: docs.length > limit && last ? encodeCursor(last.updatedAt.toISOString(), last._id) : null,
    };
  }

  /**
   * One aggregation: counts per action, and the durations (sorted) for the percentiles, computed
   * here because `$percentile` needs MongoDB 7 and the test server has none. The durations of one
   * action in the window must fit a 16 MB group document (about a million calls).
   */
  async actionStats(tenantId: string, since: Date): Promise<ActionStat[]> {
    const rows = await this.m.Call.aggregate<{ _id: string; calls: number; errors: number; durations: number[] }>([
      { $match: { tenantId, at: { $gte: since }, test: { $ne: true }, errorType: { $ne: 'needs_confirmation' } } },
      { $group: { _id: '$action', calls: { $sum: 1 }, errors: { $sum: { $cond: ['$ok', 0, 1] } }, durations: { $push: '$durationMs' } } },
    ]);
    return rows
      .map((r) => {
        const d = r.durations.filter((x) => typeof x === 'number').sort((a, b) => a - b);
        return { action: r._id, calls: r.calls, errors: r.errors, errorRate: r.calls ? r.errors / r.calls : 0, p50Ms: percentile(d, 50), p95Ms: percentile(d, 95) };
      })
      .sort((a, b) => (a.action < b.action ? -1 : a.action > b.action ? 1 : 0));
  }

  /** At most `batch` of each kind: the ids first (a bounded read), then one delete by id. */
  async prune(before: Date, batch: number): Promise<PruneCounts> {
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
      conversations: await del(this.m.Conversation, { updatedAt: { $lt: before } }),
      calls: await del(this.m.Call, { $or: [{ at: { $lt: before } }, { at: null, ...oldOid }] }),
      audit: await del(this.m.Audit, { $or: [{ at: { $lt: before } }, { at: null, ...oldOid }] }),
      proposals: await del(this.m.Proposal, {
        $or: [{ status: { $in: ['done', 'failed', 'declined', 'expired'] }, updatedAt: { $lt: before } }, { expiresAt: { $lt: before } }],
      }),
    };
  }
}
