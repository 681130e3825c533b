import { randomUUID } from 'node:crypto';
import mongoose, { type ClientSession, type Connection } from 'mongoose';
import type { Action, ActionSpec, UserDataApi } from '../../../shared/action';
import type { CallRecord, Channel, Conversation } from '../../../shared/conversation';
import { SETTINGS_SECRET_PATHS, type Settings } from '../../../shared/settings';
import { ConflictError } from '../errors';
import type { SecretBox } from './crypto';
import { defineModels, type ActionDoc, type InboxDoc, type Models } from './mongo-models';
import type { AuditEntry, AuditInput, CallFilter, InboxItem, Store, Tenant } from './port';
import { ACTION_SECRET_PATHS, USER_DATA_API_SECRET_PATHS, openSecrets, sealSecrets } from './secrets';

/** How many claimable items one `claim` reads per round, and how many rounds at most. */
const CLAIM_PAGE = 50;
const CLAIM_ROUNDS = 20;

/**
 * The MongoDB store (mongoose models on a dedicated connection). Same semantics as the SQLite
 * adapter; any number of server instances may share one database.
 */
export class MongoStore implements Store {
  readonly kind = 'mongodb' as const;

  private constructor(
    private readonly conn: Connection,
    private readonly m: Models,
    private readonly box: SecretBox,
    /** Whether the deployment runs multi-document transactions (replica set or sharded cluster). */
    readonly transactions: boolean,
  ) {}

  /**
   * Connects, creates the collections and their (unique) indexes before the first write, and
   * finds out whether transactions are available. `dbName` overrides the URI's database (tests).
   */
  static async connect(uri: string, box: SecretBox, opts: { dbName?: string } = {}): Promise<MongoStore> {
    const conn = mongoose.createConnection(uri, {
      ...(opts.dbName ? { dbName: opts.dbName } : {}),
      autoIndex: false,
      autoCreate: false,
      serverSelectionTimeoutMS: 15_000,
    });
    try {
      await conn.asPromise();
      const m = defineModels(conn);
      for (const model of Object.values(m)) {
        await model.createCollection();
        await model.createIndexes();
      }
      const hello = await conn.getClient().db('admin').command({ hello: 1 });
      // Replica sets (setName) and mongos (isdbgrid) run transactions; a standalone server does not.
      const transactions = Boolean(hello.setName) || hello.msg === 'isdbgrid';
      return new MongoStore(conn, m, box, transactions);
    } catch (err) {
      await conn.close().catch(() => undefined);
      throw err;
    }
  }

  async close(): Promise<void> {
    await this.conn.close();
  }

  // ---- tenants
  async createTenant(name: string, tokenHash: string): Promise<Tenant> {
    const t: Tenant = { id: randomUUID(), name, createdAt: new Date().toISOString() };
    await this.m.Tenant.insertOne({ _id: t.id, name, tokenHash, intercomAppId: null, createdAt: t.createdAt });
    return t;
  }
  async getTenant(id: string): Promise<Tenant | null> {
    return tenant(await this.m.Tenant.findOne({ _id: id }).lean());
  }
  async tenantByTokenHash(tokenHash: string): Promise<Tenant | null> {
    return tenant(await this.m.Tenant.findOne({ tokenHash }).lean());
  }
  async tenantByIntercomAppId(appId: string): Promise<Tenant | null> {
    return tenant(await this.m.Tenant.findOne({ intercomAppId: appId }).lean());
  }
  async countTenants(): Promise<number> {
    return this.m.Tenant.countDocuments();
  }

  // ---- actions
  private action(d: ActionDoc): Action {
    const spec = openSecrets(JSON.parse(d.doc) as ActionSpec, ACTION_SECRET_PATHS, this.box);
    return { id: d._id, ...spec, version: d.version, createdAt: d.createdAt, updatedAt: d.updatedAt };
  }
  async listActions(tenantId: string): Promise<Action[]> {
    const docs = await this.m.Action.find({ tenantId }).sort({ name: 1 }).lean();
    return docs.map((d) => this.action(d));
  }
  async getAction(tenantId: string, id: string): Promise<Action | null> {
    const d = await this.m.Action.findOne({ _id: id, tenantId }).lean();
    return d ? this.action(d) : null;
  }
  async createAction(tenantId: string, spec: ActionSpec, audit: AuditInput): Promise<Action> {
    const now = new Date().toISOString();
    const id = randomUUID();
    const doc = JSON.stringify(sealSecrets(spec, ACTION_SECRET_PATHS, this.box));
    await this.write(async (session) => {
      await conflict(`an action named ${spec.name} already exists`, () =>
        this.m.Action.insertOne({ _id: id, tenantId, name: spec.name, doc, version: 1, createdAt: now, updatedAt: now }, { session }),
      );
      await this.audit(tenantId, { ...audit, entityId: id }, session);
    });
    return { id, ...spec, version: 1, createdAt: now, updatedAt: now };
  }
  async replaceAction(tenantId: string, id: string, spec: ActionSpec, audit: AuditInput): Promise<Action | null> {
    const doc = JSON.stringify(sealSecrets(spec, ACTION_SECRET_PATHS, this.box));
    const updated = await this.write(async (session) => {
      const d = await conflict(`an action named ${spec.name} already exists`, () =>
        this.m.Action.findOneAndUpdate(
          { _id: id, tenantId },
          { $set: { name: spec.name, doc, updatedAt: new Date().toISOString() }, $inc: { version: 1 } },
          { session, returnDocument: 'after' },
        ).lean(),
      );
      if (d) await this.audit(tenantId, audit, session);
      return d;
    });
    return updated ? this.action(updated) : null;
  }
  async deleteAction(tenantId: string, id: string, audit: AuditInput): Promise<boolean> {
    return this.write(async (session) => {
      const r = await this.m.Action.deleteOne({ _id: id, tenantId }, { session });
      if (r.deletedCount === 1) await this.audit(tenantId, audit, session);
      return r.deletedCount === 1;
    });
  }

  // ---- per-tenant documents
  private async getDoc<T>(tenantId: string, kind: string, paths: readonly string[]): Promise<T | null> {
    const d = await this.m.Singleton.findOne({ _id: `${tenantId}:${kind}` }).lean();
    return d ? openSecrets(JSON.parse(d.doc) as T, paths, this.box) : null;
  }
  private async putDoc(tenantId: string, kind: string, doc: unknown, paths: readonly string[], session: ClientSession | undefined): Promise<void> {
    await this.m.Singleton.updateOne(
      { _id: `${tenantId}:${kind}` },
      { $set: { tenantId, kind, doc: JSON.stringify(sealSecrets(doc, paths, this.box)), updatedAt: new Date().toISOString() } },
      { upsert: true, session },
    );
  }
  async getUserDataApi(tenantId: string): Promise<UserDataApi | null> {
    return this.getDoc<UserDataApi>(tenantId, 'user_data_api', USER_DATA_API_SECRET_PATHS);
  }
  async putUserDataApi(tenantId: string, doc: UserDataApi, audit: AuditInput): Promise<void> {
    await this.write(async (session) => {
      await this.putDoc(tenantId, 'user_data_api', doc, USER_DATA_API_SECRET_PATHS, session);
      await this.audit(tenantId, audit, session);
    });
  }
  async getSettings(tenantId: string): Promise<Settings | null> {
    return this.getDoc<Settings>(tenantId, 'settings', SETTINGS_SECRET_PATHS);
  }
  async putSettings(tenantId: string, doc: Settings, audit: AuditInput): Promise<void> {
    await this.write(async (session) => {
      // First, so that a conflict leaves nothing written even without a transaction.
      await conflict('this Intercom workspace is already connected to another tenant', () =>
        this.m.Tenant.updateOne({ _id: tenantId }, { $set: { intercomAppId: doc.intercom.appId } }, { session }),
      );
      await this.putDoc(tenantId, 'settings', doc, SETTINGS_SECRET_PATHS, session);
      await this.audit(tenantId, audit, session);
    });
  }
  async listAudit(tenantId: string, limit: number): Promise<AuditEntry[]> {
    if (limit <= 0) return [];
    const docs = await this.m.Audit.find({ tenantId }).sort({ _id: -1 }).limit(limit).lean();
    return docs.map((d) => JSON.parse(d.doc) as AuditEntry);
  }

  // ---- conversations
  async createConversation(c: Conversation): Promise<void> {
    await conflict('this conversation exists already', () =>
      this.m.Conversation.insertOne({
        _id: c.id,
        tenantId: c.tenantId,
        channel: c.channel,
        externalId: c.externalId,
        doc: JSON.stringify(c),
        version: c.version,
        updatedAt: new Date(c.updatedAt),
      }),
    );
  }
  async getConversation(tenantId: string, id: string): Promise<Conversation | null> {
    const d = await this.m.Conversation.findOne({ _id: id, tenantId }).lean();
    return d ? (JSON.parse(d.doc) as Conversation) : null;
  }
  async conversationByExternalId(tenantId: string, channel: Channel, externalId: string): Promise<Conversation | null> {
    const d = await this.m.Conversation.findOne({ tenantId, channel, externalId }).lean();
    return d ? (JSON.parse(d.doc) as Conversation) : null;
  }
  async updateConversation(c: Conversation): Promise<boolean> {
    // The version in the filter makes this a compare-and-set: a writer that read an older version matches nothing.
    const r = await this.m.Conversation.updateOne(
      { _id: c.id, tenantId: c.tenantId, version: c.version - 1 },
      { $set: { doc: JSON.stringify(c), version: c.version, updatedAt: new Date(c.updatedAt) } },
    );
    return r.matchedCount === 1;
  }
  async listConversations(tenantId: string, opts: { limit: number; channel?: Channel }): Promise<Conversation[]> {
    if (opts.limit <= 0) return [];
    const filter = opts.channel ? { tenantId, channel: opts.channel } : { tenantId };
    const docs = await this.m.Conversation.find(filter).sort({ updatedAt: -1 }).limit(opts.limit).lean();
    return docs.map((d) => JSON.parse(d.doc) as Conversation);
  }

  // ---- calls
  async addCalls(tenantId: string, calls: CallRecord[]): Promise<void> {
    if (calls.length === 0) return;
    // insertMany keeps the array order, and the client-made ObjectIds increase along it: newest-first sorts by _id.
    await this.m.Call.insertMany(
      calls.map((c) => ({
        id: c.id,
        tenantId,
        conversationId: c.conversationId,
        action: c.action,
        ok: c.ok,
        errorType: c.errorType ?? null,
        doc: JSON.stringify(c),
      })),
      { ordered: true },
    );
  }
  async listCalls(tenantId: string, f: CallFilter): Promise<CallRecord[]> {
    const limit = Math.min(f.limit ?? 100, 1000);
    if (limit <= 0) return [];
    const q: Record<string, unknown> = { tenantId };
    if (f.conversationId) q.conversationId = f.conversationId;
    if (f.action) q.action = f.action;
    if (f.status === 'ok') q.ok = true;
    else if (f.status === 'error') q.ok = false;
    else if (f.status) q.errorType = f.status;
    const docs = await this.m.Call.find(q).sort({ _id: -1 }).limit(limit).lean();
    return docs.map((d) => JSON.parse(d.doc) as CallRecord);
  }

  // ---- inbox
  async enqueue(item: Omit<InboxItem, 'id' | 'attempts' | 'createdAt'>): Promise<boolean> {
    const seq = await this.nextSeq('inbox');
    try {
      await this.m.Inbox.insertOne({
        _id: randomUUID(),
        seq,
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
      return true;
    } catch (err) {
      if (isDuplicateKey(err)) return false; // the (source, dedupeKey) index: a redelivery
      throw err;
    }
  }

  /**
   * Leases the oldest claimable item. Correct under concurrency because of three checks, in order:
   * 1. order: the candidate is skipped while an earlier item of its conversation is pending or leased.
   *    Items only move forward (pending -> leased -> done/dead, or back to pending, which still
   *    blocks), so once an earlier item is finished it stays finished and the check cannot go stale.
   * 2. one at a time: the conversation's lock in `inbox_locks` is taken with an upsert whose filter
   *    matches only an expired lock; a live lock makes the upsert insert a duplicate `_id` (11000),
   *    so of two racing workers exactly one gets it. This also covers deliveries whose `seq` was
   *    handed out before, but stored after, a later one.
   * 3. the item itself: a findOneAndUpdate conditional on its still being claimable with the
   *    `attempts` we read, so two workers can never both lease it.
   * The lock and the lease share their expiry, so a dead worker's conversation frees itself.
   */
  async claim(owner: string, leaseMs: number): Promise<InboxItem | null> {
    const tried = new Set<string>();
    for (let round = 0; round < CLAIM_ROUNDS; round++) {
      const now = new Date();
      const page = await this.m.Inbox.find({ ...claimable(now), conversationKey: { $nin: [...tried] } })
        .sort({ seq: 1 })
        .limit(CLAIM_PAGE)
        .lean();
      if (page.length === 0) return null;
      for (const c of page) {
        // Only the first candidate of a conversation can be its head.
        if (tried.has(c.conversationKey)) continue;
        tried.add(c.conversationKey);
        const item = await this.tryLease(c, owner, leaseMs);
        if (item) return item;
      }
    }
    return null;
  }

  private async tryLease(c: InboxDoc, owner: string, leaseMs: number): Promise<InboxItem | null> {
    const earlier = await this.m.Inbox.exists({ conversationKey: c.conversationKey, seq: { $lt: c.seq }, status: { $in: ['pending', 'leased'] } });
    if (earlier) return null;
    const now = new Date();
    const expiresAt = new Date(now.getTime() + leaseMs);
    const token = randomUUID();
    try {
      const r = await this.m.InboxLock.updateOne(
        { _id: c.conversationKey, expiresAt: { $lte: now } },
        { $set: { owner, itemId: c._id, token, expiresAt } },
        { upsert: true },
      );
      if (r.matchedCount + r.upsertedCount !== 1) return null;
    } catch (err) {
      if (isDuplicateKey(err)) return null; // a live lock: someone works on this conversation
      throw err;
    }
    const leased = await this.m.Inbox.findOneAndUpdate(
      { _id: c._id, attempts: c.attempts, ...claimable(now) },
      { $set: { status: 'leased', leaseOwner: owner, leaseExpiresAt: expiresAt }, $inc: { attempts: 1 } },
      { returnDocument: 'after' },
    ).lean();
    if (!leased) {
      await this.m.InboxLock.deleteOne({ _id: c.conversationKey, token });
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
  }

  async complete(id: string, owner: string): Promise<boolean> {
    const d = await this.m.Inbox.findOneAndUpdate(
      { _id: id, leaseOwner: owner, status: 'leased' },
      { $set: { status: 'done', leaseOwner: null, error: null } },
    ).lean();
    if (!d) return false;
    await this.unlock(d.conversationKey, id, owner);
    return true;
  }
  async fail(id: string, owner: string, error: string, retryAt: Date | null): Promise<void> {
    const d = await this.m.Inbox.findOneAndUpdate(
      { _id: id, leaseOwner: owner },
      { $set: { status: retryAt ? 'pending' : 'dead', leaseOwner: null, error: error.slice(0, 1000), nextAttemptAt: retryAt ?? new Date(0) } },
    ).lean();
    if (d) await this.unlock(d.conversationKey, id, owner);
  }
  async pruneInbox(before: Date): Promise<number> {
    return (await this.m.Inbox.deleteMany({ status: { $in: ['done', 'dead'] }, createdAt: { $lt: before.toISOString() } })).deletedCount;
  }

  async hasUnfinished(conversationKey: string): Promise<boolean> {
    return (await this.m.Inbox.exists({ conversationKey, status: { $in: ['pending', 'leased'] } })) !== null;
  }

  async inboxCounts(): Promise<{ pending: number; leased: number; done: number; dead: number }> {
    const out = { pending: 0, leased: 0, done: 0, dead: 0 };
    const rows = await this.m.Inbox.aggregate<{ _id: keyof typeof out; n: number }>([{ $group: { _id: '$status', n: { $sum: 1 } } }]);
    for (const r of rows) out[r._id] = r.n;
    return out;
  }

  // ---- helpers
  /**
   * Runs related writes (an action and its audit entry) in one transaction when the deployment
   * has them (replica set, sharded cluster, Atlas). A standalone server has none: the writes then
   * run in order, the one that can conflict first, so a conflict leaves nothing behind; a crash
   * between them can at worst lose the audit entry of a change that was written.
   */
  private async write<T>(fn: (session: ClientSession | undefined) => Promise<T>): Promise<T> {
    if (!this.transactions) return fn(undefined);
    return this.conn.transaction((session) => fn(session));
  }
  private async audit(tenantId: string, a: AuditInput, session: ClientSession | undefined): Promise<void> {
    const e: AuditEntry = { id: randomUUID(), tenantId, at: new Date().toISOString(), ...a };
    await this.m.Audit.insertOne({ id: e.id, tenantId, doc: JSON.stringify(e) }, { session });
  }
  private async unlock(conversationKey: string, itemId: string, owner: string): Promise<void> {
    await this.m.InboxLock.deleteOne({ _id: conversationKey, itemId, owner });
  }
  private async nextSeq(name: string): Promise<number> {
    for (let i = 0; ; i++) {
      try {
        const d = await this.m.Counter.findOneAndUpdate({ _id: name }, { $inc: { seq: 1 } }, { upsert: true, returnDocument: 'after' }).lean();
        return d!.seq;
      } catch (err) {
        // Two first-ever upserts may race on the _id; the loser simply increments the winner's counter.
        if (!isDuplicateKey(err) || i > 2) throw err;
      }
    }
  }
}

/** Pending and due, or leased with an expired lease. */
function claimable(now: Date) {
  return { nextAttemptAt: { $lte: now }, $or: [{ status: 'pending' as const }, { status: 'leased' as const, leaseExpiresAt: { $lte: now } }] };
}

function tenant(d: { _id: string; name: string; createdAt: string } | null): Tenant | null {
  return d ? { id: d._id, name: d.name, createdAt: d.createdAt } : null;
}

function isDuplicateKey(err: unknown): boolean {
  return (err as { code?: number } | null)?.code === 11000;
}

/** Maps a unique-index violation to a ConflictError. */
async function conflict<T>(message: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (isDuplicateKey(err)) throw new ConflictError(message);
    throw err;
  }
}
