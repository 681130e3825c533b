import { randomUUID } from 'node:crypto';
import type { MongoCtx } from './mongo-context';
import type { InboxDoc } from './mongo-docs';
import { isDuplicateKey, reserveSeq } from './mongo-util';
import type { InboxItem, InboxPort } from './port';

/** How many claimable items one `claim` reads per round, and how many rounds at most. */
const CLAIM_PAGE = 50;
const CLAIM_ROUNDS = 20;
/** An enqueue stopped between its two steps for this long has crashed: claim numbers its item. */
const UNNUMBERED_GRACE_MS = 30_000;
/** How many such items one claim numbers at most. */
const UNNUMBERED_BATCH = 20;

/**
 * The durable webhook inbox on MongoDB.
 *
 * Order within a conversation comes from `seq`. An enqueue inserts first and takes its number
 * second, so an item is visible (with a null seq) before any later delivery can get a number;
 * claim treats a null seq in a conversation as "an earlier delivery is still arriving" and
 * waits. (Taking the number first and inserting second let a later delivery be processed
 * while an earlier one, already numbered, was not stored yet.)
 */
export function mongoInbox(ctx: MongoCtx): InboxPort {
  const { m } = ctx;
  /** Gives an unnumbered item the next number; a no-op when someone numbered it meanwhile. */
  const number = async (id: string): Promise<void> => {
    const seq = await reserveSeq(m, 'inbox');
    await m.Inbox.updateOne({ _id: id, seq: null }, { $set: { seq } });
  };
  const numberStale = async (): Promise<void> => {
    const cut = new Date(Date.now() - UNNUMBERED_GRACE_MS).toISOString();
    const stale = await m.Inbox.find({ status: 'pending', seq: null, createdAt: { $lt: cut } }, { _id: 1 }).sort({ createdAt: 1 }).limit(UNNUMBERED_BATCH).lean();
    for (const s of stale) await number(s._id);
  };
  const tryLease = async (c: InboxDoc, owner: string, leaseMs: number): Promise<InboxItem | null> => {
    const earlier = await m.Inbox.exists({
      conversationKey: c.conversationKey,
      status: { $in: ['pending', 'leased'] },
      $or: [{ seq: { $lt: c.seq } }, { seq: null }],
    });
    if (earlier) return null;
    const now = new Date();
    const expiresAt = new Date(now.getTime() + leaseMs);
    const token = randomUUID();
    if (!(await lock(c.conversationKey, { owner, itemId: c._id, token, expiresAt }, now))) return null;
    const leased = await m.Inbox.findOneAndUpdate(
      { _id: c._id, attempts: c.attempts, ...claimable(now) },
      { $set: { status: 'leased', leaseOwner: owner, leaseExpiresAt: expiresAt }, $inc: { attempts: 1 } },
      { returnDocument: 'after' },
    ).lean();
    if (!leased) {
      await m.InboxLock.deleteOne({ _id: c.conversationKey, token });
      return null;
    }
    return {
      id: leased._id,
      tenantId: leased.tenantId,
      source: leased.source,
      dedupeKey: leased.dedupeKey,
      conversationKey: leased.conversationKey,
      payload: JSON.parse(leased.payload),
      attempts: leased.attempts,
      createdAt: leased.createdAt,
    };
  };
  /** Takes the conversation's lock if it is free (expired, or its item no longer leased by its owner). */
  const lock = async (key: string, want: { owner: string; itemId: string; token: string; expiresAt: Date }, now: Date): Promise<boolean> => {
    try {
      const r = await m.InboxLock.updateOne({ _id: key, expiresAt: { $lte: now } }, { $set: want }, { upsert: true });
      return r.matchedCount + r.upsertedCount === 1;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
    // A live lock. Its holder may have finished its item and lost the release (the two are separate writes).
    const held = await m.InboxLock.findOne({ _id: key }).lean();
    if (!held) return false; // released meanwhile: the next claim takes it
    const stillLeased = await m.Inbox.exists({ _id: held.itemId, status: 'leased', leaseOwner: held.owner });
    if (stillLeased) return false;
    const r = await m.InboxLock.updateOne({ _id: key, token: held.token }, { $set: want });
    return r.matchedCount === 1;
  };
  const unlock = async (conversationKey: string, itemId: string, owner: string): Promise<void> => {
    await m.InboxLock.deleteOne({ _id: conversationKey, itemId, owner });
  };
  return {
    async enqueue(item) {
      const id = randomUUID();
      try {
        await m.Inbox.insertOne({
          _id: id,
          seq: null,
          tenantId: item.tenantId,
          source: item.source,
          dedupeKey: item.dedupeKey,
          conversationKey: item.conversationKey,
          payload: JSON.stringify(item.payload),
          status: 'pending',
          attempts: 0,
          leaseOwner: null,
          leaseExpiresAt: null,
          nextAttemptAt: new Date(0),
          createdAt: new Date().toISOString(),
          error: null,
        });
      } catch (err) {
        if (isDuplicateKey(err)) return false; // the (source, dedupeKey) index: a redelivery
        throw err;
      }
      await number(id);
      return true;
    },
    /**
     * Leases the oldest claimable item. Correct under concurrency because of three checks, in order:
     * 1. order: the candidate is skipped while an earlier item of its conversation is pending or
     *    leased, or one of its items has no number yet (an enqueue in progress: see above).
     *    Items only move forward, so once an earlier item is finished the check cannot go stale.
     * 2. one at a time: the conversation's lock in `inbox_locks`, taken with an upsert whose filter
     *    matches only a free lock; a live lock makes it insert a duplicate `_id` (11000). A lock is
     *    free when expired, or when its item is no longer leased by its owner (its release was lost).
     * 3. the item itself: a findOneAndUpdate conditional on its still being claimable with the
     *    `attempts` we read, so two workers can never both lease it.
     */
    async claim(owner, leaseMs) {
      await numberStale();
      const tried = new Set<string>();
      for (let round = 0; round < CLAIM_ROUNDS; round++) {
        const now = new Date();
        const page = await m.Inbox.find({ ...claimable(now), seq: { $ne: null }, conversationKey: { $nin: [...tried] } })
          .sort({ seq: 1 })
          .limit(CLAIM_PAGE)
          .lean();
        if (page.length === 0) return null;
        for (const c of page) {
          // Only the first candidate of a conversation can be its head.
          if (tried.has(c.conversationKey)) continue;
          tried.add(c.conversationKey);
          const item = await tryLease(c, owner, leaseMs);
          if (item) return item;
        }
      }
      return null;
    },
    /** Fenced: only the owner of a lease that has not expired may finish the item (else another may hold it). */
    async complete(id, owner) {
      const d = await m.Inbox.findOneAndUpdate(
        { _id: id, leaseOwner: owner, status: 'leased', leaseExpiresAt: { $gt: new Date() } },
        { $set: { status: 'done', leaseOwner: null, error: null } },
      ).lean();
      if (!d) return false;
      await unlock(d.conversationKey, id, owner);
      return true;
    },
    async fail(id, owner, error, retryAt) {
      const d = await m.Inbox.findOneAndUpdate(
        { _id: id, leaseOwner: owner, status: 'leased', leaseExpiresAt: { $gt: new Date() } },
        { $set: { status: retryAt ? 'pending' : 'dead', leaseOwner: null, error: error.slice(0, 1000), nextAttemptAt: retryAt ?? new Date(0) } },
      ).lean();
      if (d) await unlock(d.conversationKey, id, owner);
    },
    async pruneInbox(before) {
      return (await m.Inbox.deleteMany({ status: { $in: ['done', 'dead'] }, createdAt: { $lt: before.toISOString() } })).deletedCount;
    },
    async hasUnfinished(conversationKey) {
      return (await m.Inbox.exists({ conversationKey, status: { $in: ['pending', 'leased'] } })) !== null;
    },
    async inboxCounts() {
      const out = { pending: 0, leased: 0, done: 0, dead: 0 };
      const rows = await m.Inbox.aggregate<{ _id: keyof typeof out; n: number }>([{ $group: { _id: '$status', n: { $sum: 1 } } }]);
      for (const r of rows) out[r._id] = r.n;
      return out;
    },
  };
}

/** Pending and due, or leased with an expired lease. */
function claimable(now: Date) {
  return { nextAttemptAt: { $lte: now }, $or: [{ status: 'pending' as const }, { status: 'leased' as const, leaseExpiresAt: { $lte: now } }] };
}
