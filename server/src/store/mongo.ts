import type { SecretPath } from '../../../shared/secrets';
import { randomUUID } from 'node:crypto';
import mongoose, { type ClientSession, type Connection } from 'mongoose';
import type { Action, ActionSpec, UserDataApi } from '../../../shared/action';
import type { Connection as ApiConnection, ConnectionSpec } from '../../../shared/connection';
import type { CallRecord, Channel, Conversation } from '../../../shared/conversation';
import type { Settings } from '../../../shared/settings';
import { ConflictError, ValidationError } from '../errors';
import { MongoConnections } from './mongo-connections';
import type { SecretBox } from './crypto';
import { MongoInbox } from './mongo-inbox';
import { syncIndexesSafely } from './mongo-indexes';
import { defineModels, type ActionDoc, type Models } from './mongo-models';
import { MongoProposals } from './mongo-proposals';
import { MongoRecords } from './mongo-records';
import { conflict } from './mongo-util';
import type {
  ActionRef,
  ActionStat,
  CachedToken,
  DeleteConnectionResult,
  IdentityKey,
  ImportAudit,
  ActionVersion,
  AuditEntry,
  AuditInput,
  CallFilter,
  InboxItem,
  Page,
  ProposalStatus,
  PruneCounts,
  ScopedToken,
  Store,
  StoredProposal,
  Tenant,
  TokenScope,
} from './port';
import { ACTION_SECRET_PATHS, SETTINGS_SECRET_PATHS, USER_DATA_API_SECRET_PATHS, openSecrets, sealSecrets } from './secrets';

/**
 * The MongoDB store (mongoose models on a dedicated connection). Same semantics as the SQLite
 * adapter; any number of server instances may share one database.
 */
export class MongoStore implements Store {
  readonly kind = 'mongodb' as const;
  private readonly inbox: MongoInbox;
  private readonly records: MongoRecords;
  private readonly proposals: MongoProposals;
  private readonly connections: MongoConnections;

  private constructor(
    private readonly conn: Connection,
    private readonly m: Models,
    private readonly box: SecretBox,
    /** Whether the deployment runs multi-document transactions (replica set or sharded cluster). */
    readonly transactions: boolean,
  ) {
    this.inbox = new MongoInbox(m);
    this.records = new MongoRecords(m);
    this.proposals = new MongoProposals(m);
    this.connections = new MongoConnections(m, box);
  }

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
      for (const model of Object.values(m)) await syncIndexesSafely(model);
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
    // The $type repeats the partial index's filter, so the planner may use that index.
    return tenant(await this.m.Tenant.findOne({ intercomAppId: { $eq: appId, $type: 'string' } }).lean());
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
  /** Inserts an action with its first version and audit entry (inside the caller's write). */
  private async insertAction(tenantId: string, spec: ActionSpec, audit: AuditInput, session: ClientSession | undefined): Promise<Action> {
    const now = new Date().toISOString();
    const id = randomUUID();
    const doc = JSON.stringify(sealSecrets(spec, ACTION_SECRET_PATHS, this.box));
    await this.checkConnection(tenantId, spec, session);
    await conflict(`an action named ${spec.name} already exists`, () =>
      this.m.Action.insertOne({ _id: id, tenantId, name: spec.name, doc, version: 1, createdAt: now, updatedAt: now, connectionId: spec.connectionId ?? null }, { session }),
    );
    await this.writeVersion(tenantId, id, 1, doc, audit, now, session);
    await this.audit(tenantId, { ...audit, entityId: id }, session);
    return { id, ...spec, version: 1, createdAt: now, updatedAt: now };
  }
  private async checkConnection(tenantId: string, spec: ActionSpec, session: ClientSession | undefined): Promise<void> {
    if (spec.connectionId && !(await this.connections.exists(tenantId, spec.connectionId, session))) {
      throw new ValidationError('invalid request body', [{ path: 'connectionId', message: 'no connection with this id' }]);
    }
  }
  async createAction(tenantId: string, spec: ActionSpec, audit: AuditInput): Promise<Action> {
    return this.write(async (session) => {
      const a = await this.insertAction(tenantId, spec, audit, session);
      await this.bumpConfig(tenantId, session);
      return a;
    });
  }
  async replaceAction(tenantId: string, id: string, spec: ActionSpec, audit: AuditInput): Promise<Action | null> {
    const doc = JSON.stringify(sealSecrets(spec, ACTION_SECRET_PATHS, this.box));
    const now = new Date().toISOString();
    const updated = await this.write(async (session) => {
      await this.checkConnection(tenantId, spec, session);
      const d = await conflict(`an action named ${spec.name} already exists`, () =>
        this.m.Action.findOneAndUpdate(
          { _id: id, tenantId },
          { $set: { name: spec.name, doc, updatedAt: now, connectionId: spec.connectionId ?? null }, $inc: { version: 1 } },
          { session, returnDocument: 'after' },
        ).lean(),
      );
      if (!d) return null;
      await this.writeVersion(tenantId, id, d.version, doc, audit, now, session);
      await this.audit(tenantId, audit, session);
      await this.bumpConfig(tenantId, session);
      return d;
    });
    return updated ? this.action(updated) : null;
  }
  async deleteAction(tenantId: string, id: string, audit: AuditInput): Promise<boolean> {
    return this.write(async (session) => {
      const r = await this.m.Action.deleteOne({ _id: id, tenantId }, { session });
      if (r.deletedCount !== 1) return false;
      await this.audit(tenantId, audit, session);
      await this.bumpConfig(tenantId, session);
      return true;
    });
  }
  async listActionVersions(tenantId: string, actionId: string): Promise<Omit<ActionVersion, 'spec'>[]> {
    const docs = await this.m.ActionVersion.find({ tenantId, actionId }, { doc: 0 }).sort({ version: -1 }).lean();
    return docs.map((d) => ({ actionId, version: d.version, actor: d.actor, at: d.at, changes: JSON.parse(d.changes) }));
  }
  async getActionVersion(tenantId: string, actionId: string, version: number): Promise<ActionVersion | null> {
    const d = await this.m.ActionVersion.findOne({ _id: `${actionId}:${version}`, tenantId }).lean();
    if (!d) return null;
    const spec = openSecrets(JSON.parse(d.doc) as ActionSpec, ACTION_SECRET_PATHS, this.box);
    return { actionId, version, spec, actor: d.actor, at: d.at, changes: JSON.parse(d.changes) };
  }
  async configVersion(tenantId: string): Promise<number> {
    return (await this.m.ConfigVersion.findOne({ _id: tenantId }).lean())?.version ?? 0;
  }

  // ---- connections
  async listConnections(tenantId: string): Promise<ApiConnection[]> {
    return this.connections.list(tenantId);
  }
  async getConnection(tenantId: string, id: string): Promise<ApiConnection | null> {
    return this.connections.get(tenantId, id);
  }
  async createConnection(tenantId: string, spec: ConnectionSpec, audit: AuditInput): Promise<ApiConnection> {
    return this.write(async (session) => {
      const c = await this.connections.insert(tenantId, spec, session);
      await this.audit(tenantId, { ...audit, entityId: c.id }, session);
      await this.bumpConfig(tenantId, session);
      return c;
    });
  }
  async replaceConnection(tenantId: string, id: string, spec: ConnectionSpec, audit: AuditInput): Promise<ApiConnection | null> {
    return this.write(async (session) => {
      const c = await this.connections.update(tenantId, id, spec, session);
      if (!c) return null;
      await this.audit(tenantId, audit, session);
      await this.bumpConfig(tenantId, session);
      return c;
    });
  }
  async deleteConnection(tenantId: string, id: string, audit: AuditInput): Promise<DeleteConnectionResult> {
    return this.write(async (session): Promise<DeleteConnectionResult> => {
      const usedBy = await this.connections.usedBy(tenantId, id, session);
      if (usedBy.length > 0) return { deleted: false, usedBy };
      if (!(await this.connections.delete(tenantId, id, session))) return { deleted: false, usedBy: [] };
      await this.audit(tenantId, audit, session);
      await this.bumpConfig(tenantId, session);
      return { deleted: true };
    });
  }
  async actionsOnConnection(tenantId: string, connectionId: string): Promise<ActionRef[]> {
    return this.connections.usedBy(tenantId, connectionId);
  }
  /**
   * One transaction where the deployment has them. A standalone server has none: names are
   * checked first, and a failure part-way deletes what was written (all or nothing, short of a crash).
   */
  async createConnectionWithActions(tenantId: string, spec: ConnectionSpec, actions: ActionSpec[], audit: ImportAudit): Promise<{ connection: ApiConnection; actions: Action[] }> {
    if (!this.transactions) {
      const taken = await this.m.Action.find({ tenantId, name: { $in: actions.map((a) => a.name) } }, { name: 1 }).lean();
      if (taken.length > 0) throw new ConflictError(`an action named ${taken[0]!.name} already exists`);
    }
    const written: { connection?: string; actions: string[] } = { actions: [] };
    try {
      return await this.write(async (session) => {
        const connection = await this.connections.insert(tenantId, spec, session);
        written.connection = connection.id;
        await this.audit(tenantId, { actor: audit.actor, entity: 'connection', entityId: connection.id, op: 'create', changes: audit.connection }, session);
        const created: Action[] = [];
        for (const [i, a] of actions.entries()) {
          const action = await this.insertAction(
            tenantId,
            { ...a, connectionId: connection.id },
            { actor: audit.actor, entity: 'action', entityId: null, op: 'create', changes: audit.actions[i] ?? [] },
            session,
          );
          written.actions.push(action.id);
          created.push(action);
        }
        await this.bumpConfig(tenantId, session);
        return { connection, actions: created };
      });
    } catch (err) {
      if (!this.transactions) {
        if (written.actions.length) {
          await this.m.Action.deleteMany({ _id: { $in: written.actions }, tenantId });
          await this.m.ActionVersion.deleteMany({ actionId: { $in: written.actions }, tenantId });
        }
        if (written.connection) await this.connections.deleteById(written.connection);
      }
      throw err;
    }
  }

  // ---- OAuth token cache and identity keys
  async getCachedToken(key: string): Promise<CachedToken | null> {
    return this.connections.getToken(key);
  }
  async putCachedToken(token: CachedToken): Promise<void> {
    await this.connections.putToken(token);
  }
  async deleteCachedToken(key: string, accessToken: string): Promise<boolean> {
    return this.connections.deleteToken(key, accessToken);
  }
  async identityKeys(tenantId: string): Promise<IdentityKey[]> {
    return this.connections.keys(tenantId);
  }
  async ensureIdentityKey(tenantId: string, candidate: IdentityKey): Promise<IdentityKey> {
    return this.connections.ensure(tenantId, candidate);
  }
  async rotateIdentityKey(tenantId: string, candidate: IdentityKey, forgetBefore: Date, audit: AuditInput): Promise<IdentityKey[]> {
    return this.write(async (session) => {
      await this.connections.rotate(tenantId, candidate, forgetBefore, session);
      await this.audit(tenantId, audit, session);
      return this.connections.keys(tenantId, session);
    });
  }

  // ---- per-tenant documents
  private async getDoc<T>(tenantId: string, kind: string, paths: readonly SecretPath[]): Promise<T | null> {
    const d = await this.m.Singleton.findOne({ _id: `${tenantId}:${kind}` }).lean();
    return d ? openSecrets(JSON.parse(d.doc) as T, paths, this.box) : null;
  }
  private async putDoc(tenantId: string, kind: string, doc: unknown, paths: readonly SecretPath[], session: ClientSession | undefined): Promise<void> {
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
      await this.bumpConfig(tenantId, session);
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
      await this.bumpConfig(tenantId, session);
    });
  }
  async listAudit(tenantId: string, limit: number): Promise<AuditEntry[]> {
    if (limit <= 0) return [];
    const docs = await this.m.Audit.find({ tenantId }).sort({ _id: -1 }).limit(limit).lean();
    return docs.map((d) => JSON.parse(d.doc) as AuditEntry);
  }

  // ---- conversations
  async createConversation(c: Conversation): Promise<void> {
    await conflict(`a conversation for ${c.channel} ${c.externalId} already exists`, () =>
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
    // The $type repeats the partial index's filter, so the planner may use that index.
    const d = await this.m.Conversation.findOne({ tenantId, channel, externalId: { $eq: externalId, $type: 'string' } }).lean();
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
    return opts.limit <= 0 ? [] : (await this.records.pageConversations(tenantId, opts)).items;
  }
  async pageConversations(tenantId: string, opts: { limit: number; channel?: Channel; cursor?: string }): Promise<Page<Conversation>> {
    return this.records.pageConversations(tenantId, opts);
  }
  /** Both writes at once: the calls are stored even when the conversation write loses the race (they were made). */
  async saveTurn(c: Conversation, calls: CallRecord[], opts: { create: boolean }): Promise<boolean> {
    const [conv, stored] = await Promise.allSettled([opts.create ? this.createConversation(c).then(() => true) : this.updateConversation(c), this.addCalls(c.tenantId, calls)]);
    if (stored.status === 'rejected') throw stored.reason;
    if (conv.status === 'rejected') throw conv.reason;
    return conv.value;
  }

  // ---- calls
  async addCalls(tenantId: string, calls: CallRecord[]): Promise<void> {
    await this.records.addCalls(tenantId, calls);
  }
  async listCalls(tenantId: string, f: CallFilter): Promise<CallRecord[]> {
    return (f.limit ?? 100) <= 0 ? [] : (await this.records.pageCalls(tenantId, f)).items;
  }
  async pageCalls(tenantId: string, f: CallFilter & { cursor?: string }): Promise<Page<CallRecord>> {
    return this.records.pageCalls(tenantId, f);
  }
  async actionStats(tenantId: string, since: Date): Promise<ActionStat[]> {
    return this.records.actionStats(tenantId, since);
  }
  async prune(before: Date, batch: number): Promise<PruneCounts> {
    return this.records.prune(before, batch);
  }

  // ---- proposals and tokens
  async createProposal(p: StoredProposal): Promise<void> {
    await this.proposals.createProposal(p);
  }
  async getProposal(tenantId: string, id: string): Promise<StoredProposal | null> {
    return this.proposals.getProposal(tenantId, id);
  }
  async listProposals(tenantId: string, conversationId: string): Promise<StoredProposal[]> {
    return this.proposals.listProposals(tenantId, conversationId);
  }
  async transitionProposal(tenantId: string, id: string, from: ProposalStatus[], to: ProposalStatus, patch?: Partial<Pick<StoredProposal, 'result' | 'options'>>) {
    return this.proposals.transitionProposal(tenantId, id, from, to, patch);
  }
  async proposalByOption(tenantId: string, uuid: string): Promise<StoredProposal | null> {
    return this.proposals.proposalByOption(tenantId, uuid);
  }
  async createToken(tenantId: string, t: { name: string; scope: TokenScope; tokenHash: string; hint: string }): Promise<ScopedToken> {
    return this.proposals.createToken(tenantId, t);
  }
  async listTokens(tenantId: string): Promise<ScopedToken[]> {
    return this.proposals.listTokens(tenantId);
  }
  async deleteToken(tenantId: string, id: string): Promise<boolean> {
    return this.proposals.deleteToken(tenantId, id);
  }
  async tokenByHash(tokenHash: string): Promise<{ token: ScopedToken; tenant: Tenant } | null> {
    return this.proposals.tokenByHash(tokenHash, (id) => this.getTenant(id));
  }

  // ---- inbox
  async enqueue(item: Omit<InboxItem, 'id' | 'attempts' | 'createdAt'>): Promise<boolean> {
    return this.inbox.enqueue(item);
  }
  async claim(owner: string, leaseMs: number): Promise<InboxItem | null> {
    return this.inbox.claim(owner, leaseMs);
  }
  async complete(id: string, owner: string): Promise<boolean> {
    return this.inbox.complete(id, owner);
  }
  async fail(id: string, owner: string, error: string, retryAt: Date | null): Promise<void> {
    await this.inbox.fail(id, owner, error, retryAt);
  }
  async pruneInbox(before: Date): Promise<number> {
    return this.inbox.pruneInbox(before);
  }
  async hasUnfinished(conversationKey: string): Promise<boolean> {
    return this.inbox.hasUnfinished(conversationKey);
  }
  async inboxCounts(): Promise<{ pending: number; leased: number; done: number; dead: number }> {
    return this.inbox.inboxCounts();
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
    await this.m.Audit.insertOne({ id: e.id, tenantId, at: new Date(e.at), doc: JSON.stringify(e) }, { session });
  }
  private async writeVersion(tenantId: string, actionId: string, version: number, sealedDoc: string, a: AuditInput, at: string, session: ClientSession | undefined): Promise<void> {
    await this.m.ActionVersion.insertOne(
      { _id: `${actionId}:${version}`, tenantId, actionId, version, doc: sealedDoc, actor: a.actor, at, changes: JSON.stringify(a.changes) },
      { session },
    );
  }
  private async bumpConfig(tenantId: string, session: ClientSession | undefined): Promise<void> {
    await this.m.ConfigVersion.updateOne({ _id: tenantId }, { $inc: { version: 1 } }, { upsert: true, session });
  }
}

function tenant(d: { _id: string; name: string; createdAt: string } | null): Tenant | null {
  return d ? { id: d._id, name: d.name, createdAt: d.createdAt } : null;
}
