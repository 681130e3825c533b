import type { SecretPath } from '../../../shared/secrets';
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Action, ActionSpec, UserDataApi } from '../../../shared/action';
import type { Connection, ConnectionSpec } from '../../../shared/connection';
import type { CallRecord, Channel, Conversation } from '../../../shared/conversation';
import type { Settings } from '../../../shared/settings';
import { ConflictError, ValidationError } from '../errors';
import type { SecretBox } from './crypto';
import type {
  ActionRef,
  ActionStat,
  ActionVersion,
  AuditEntry,
  AuditInput,
  CachedToken,
  CallFilter,
  DeleteConnectionResult,
  IdentityKey,
  ImportAudit,
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
import { SqliteConnections } from './sqlite-connections';
import { ACTION_SECRET_PATHS, SETTINGS_SECRET_PATHS, USER_DATA_API_SECRET_PATHS, openSecrets, sealSecrets } from './secrets';
import { SqliteInbox } from './sqlite-inbox';
import { SqliteProposals, isUniqueViolation } from './sqlite-proposals';
import { SqliteRecords } from './sqlite-records';
import { startCheckpointer, WAL_SAFETY_PAGES, type Checkpointer } from './sqlite-checkpoint';
import { migrate, type Row } from './sqlite-schema';

/** The embedded store: one SQLite file in WAL mode. Several processes may share it. */
export class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  private readonly db: Database.Database;
  /** Each SQL text is prepared once: preparing costs more than most of these statements take to run. */
  private readonly stmts = new Map<string, Database.Statement>();
  private readonly q = (sql: string): Database.Statement => {
    let s = this.stmts.get(sql);
    if (!s) this.stmts.set(sql, (s = this.db.prepare(sql)));
    return s;
  };
  private readonly inbox: SqliteInbox;
  private readonly records: SqliteRecords;
  private readonly proposals: SqliteProposals;
  private readonly connections: SqliteConnections;
  /** Checkpoints the WAL off the event loop (see sqlite-checkpoint.ts); exposed for the store's tests. */
  readonly checkpointer: Checkpointer;

  constructor(dataDir: string, private readonly box: SecretBox) {
    fs.mkdirSync(dataDir, { recursive: true });
    const file = path.join(dataDir, 'store.sqlite');
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma(`wal_autocheckpoint = ${WAL_SAFETY_PAGES}`);
    this.db.pragma('busy_timeout = 5000');
    this.db.pragma('foreign_keys = ON');
    migrate(this.db);
    this.inbox = new SqliteInbox(this.db, this.q);
    this.records = new SqliteRecords(this.q);
    this.proposals = new SqliteProposals(this.q);
    this.connections = new SqliteConnections(this.q, box);
    this.checkpointer = startCheckpointer(file);
  }

  async close(): Promise<void> {
    // The background connection goes first: the last connection to close folds the WAL into the file.
    await this.checkpointer.stop();
    this.stmts.clear();
    if (this.db.open) this.db.close();
  }

  // ---- tenants
  async createTenant(name: string, tokenHash: string): Promise<Tenant> {
    const t: Tenant = { id: randomUUID(), name, createdAt: new Date().toISOString() };
    this.q('INSERT INTO tenants (id, name, token_hash, created_at) VALUES (?, ?, ?, ?)').run(t.id, name, tokenHash, t.createdAt);
    return t;
  }
  async getTenant(id: string): Promise<Tenant | null> {
    return tenant(this.q('SELECT * FROM tenants WHERE id = ?').get(id) as Row | undefined);
  }
  async tenantByTokenHash(h: string): Promise<Tenant | null> {
    return tenant(this.q('SELECT * FROM tenants WHERE token_hash = ?').get(h) as Row | undefined);
  }
  async tenantByIntercomAppId(appId: string): Promise<Tenant | null> {
    return tenant(this.q('SELECT * FROM tenants WHERE intercom_app_id = ?').get(appId) as Row | undefined);
  }
  async countTenants(): Promise<number> {
    return (this.q('SELECT COUNT(*) n FROM tenants').get() as { n: number }).n;
  }

  // ---- actions
  private actionFromRow(r: Row): Action {
    const spec = openSecrets(JSON.parse(r.doc as string) as ActionSpec, ACTION_SECRET_PATHS, this.box);
    return { id: r.id as string, ...spec, version: r.version as number, createdAt: r.created_at as string, updatedAt: r.updated_at as string };
  }
  async listActions(tenantId: string): Promise<Action[]> {
    const rows = this.q('SELECT * FROM actions WHERE tenant_id = ? ORDER BY name').all(tenantId) as Row[];
    return rows.map((r) => this.actionFromRow(r));
  }
  async getAction(tenantId: string, id: string): Promise<Action | null> {
    const r = this.q('SELECT * FROM actions WHERE tenant_id = ? AND id = ?').get(tenantId, id) as Row | undefined;
    return r ? this.actionFromRow(r) : null;
  }
  /** Inserts an action with its first version and audit entry; runs inside a transaction. */
  private insertAction(tenantId: string, spec: ActionSpec, audit: AuditInput): Action {
    const now = new Date().toISOString();
    const id = randomUUID();
    const doc = JSON.stringify(sealSecrets(spec, ACTION_SECRET_PATHS, this.box));
    this.checkConnection(tenantId, spec);
    this.uniqueName(
      () =>
        this.q('INSERT INTO actions (id, tenant_id, name, doc, version, created_at, updated_at, connection_id) VALUES (?, ?, ?, ?, 1, ?, ?, ?)').run(
          id,
          tenantId,
          spec.name,
          doc,
          now,
          now,
          spec.connectionId ?? null,
        ),
      spec.name,
    );
    this.writeVersion(tenantId, id, 1, doc, audit, now);
    this.writeAudit(tenantId, { ...audit, entityId: id });
    return { id, ...spec, version: 1, createdAt: now, updatedAt: now };
  }
  /** In the writing transaction, so a connection deleted meanwhile cannot be named. */
  private checkConnection(tenantId: string, spec: ActionSpec): void {
    if (spec.connectionId && !this.connections.exists(tenantId, spec.connectionId)) {
      throw new ValidationError('invalid request body', [{ path: 'connectionId', message: 'no connection with this id' }]);
    }
  }
  async createAction(tenantId: string, spec: ActionSpec, audit: AuditInput): Promise<Action> {
    let action!: Action;
    this.tx(() => {
      action = this.insertAction(tenantId, spec, audit);
      this.bumpConfig(tenantId);
    });
    return action;
  }
  async replaceAction(tenantId: string, id: string, spec: ActionSpec, audit: AuditInput): Promise<Action | null> {
    const now = new Date().toISOString();
    const doc = JSON.stringify(sealSecrets(spec, ACTION_SECRET_PATHS, this.box));
    let row: Row | undefined;
    this.tx(() => {
      this.checkConnection(tenantId, spec);
      row = this.uniqueName(
        () =>
          this.q('UPDATE actions SET name = ?, doc = ?, version = version + 1, updated_at = ?, connection_id = ? WHERE tenant_id = ? AND id = ? RETURNING *').get(
            spec.name,
            doc,
            now,
            spec.connectionId ?? null,
            tenantId,
            id,
          ) as Row | undefined,
        spec.name,
      );
      if (!row) return;
      this.writeVersion(tenantId, id, row.version as number, doc, audit, now);
      this.writeAudit(tenantId, audit);
      this.bumpConfig(tenantId);
    });
    return row ? this.actionFromRow(row) : null;
  }
  async deleteAction(tenantId: string, id: string, audit: AuditInput): Promise<boolean> {
    let deleted = false;
    this.tx(() => {
      deleted = this.q('DELETE FROM actions WHERE tenant_id = ? AND id = ?').run(tenantId, id).changes === 1;
      if (!deleted) return;
      this.writeAudit(tenantId, audit);
      this.bumpConfig(tenantId);
    });
    return deleted;
  }
  async listActionVersions(tenantId: string, actionId: string): Promise<Omit<ActionVersion, 'spec'>[]> {
    const rows = this.q('SELECT action_id, version, actor, at, changes FROM action_versions WHERE tenant_id = ? AND action_id = ? ORDER BY version DESC').all(
      tenantId,
      actionId,
    ) as Row[];
    return rows.map((r) => ({ actionId: r.action_id as string, version: r.version as number, actor: r.actor as string, at: r.at as string, changes: JSON.parse(r.changes as string) }));
  }
  async getActionVersion(tenantId: string, actionId: string, version: number): Promise<ActionVersion | null> {
    const r = this.q('SELECT * FROM action_versions WHERE tenant_id = ? AND action_id = ? AND version = ?').get(tenantId, actionId, version) as Row | undefined;
    if (!r) return null;
    return {
      actionId,
      version,
      spec: openSecrets(JSON.parse(r.doc as string) as ActionSpec, ACTION_SECRET_PATHS, this.box),
      actor: r.actor as string,
      at: r.at as string,
      changes: JSON.parse(r.changes as string),
    };
  }
  async configVersion(tenantId: string): Promise<number> {
    return ((this.q('SELECT version FROM config_versions WHERE tenant_id = ?').get(tenantId) as Row | undefined)?.version as number | undefined) ?? 0;
  }

  // ---- connections
  async listConnections(tenantId: string): Promise<Connection[]> {
    return this.connections.list(tenantId);
  }
  async getConnection(tenantId: string, id: string): Promise<Connection | null> {
    return this.connections.get(tenantId, id);
  }
  async createConnection(tenantId: string, spec: ConnectionSpec, audit: AuditInput): Promise<Connection> {
    let c!: Connection;
    this.tx(() => {
      c = this.connections.insert(tenantId, spec);
      this.writeAudit(tenantId, { ...audit, entityId: c.id });
      this.bumpConfig(tenantId);
    });
    return c;
  }
  async replaceConnection(tenantId: string, id: string, spec: ConnectionSpec, audit: AuditInput): Promise<Connection | null> {
    let c: Connection | null = null;
    this.tx(() => {
      c = this.connections.update(tenantId, id, spec);
      if (!c) return;
      this.writeAudit(tenantId, audit);
      this.bumpConfig(tenantId);
    });
    return c;
  }
  async deleteConnection(tenantId: string, id: string, audit: AuditInput): Promise<DeleteConnectionResult> {
    let out: DeleteConnectionResult = { deleted: false, usedBy: [] };
    this.tx(() => {
      const usedBy = this.connections.usedBy(tenantId, id);
      if (usedBy.length > 0) return void (out = { deleted: false, usedBy });
      if (!this.connections.delete(tenantId, id)) return;
      this.writeAudit(tenantId, audit);
      this.bumpConfig(tenantId);
      out = { deleted: true };
    });
    return out;
  }
  async actionsOnConnection(tenantId: string, connectionId: string): Promise<ActionRef[]> {
    return this.connections.usedBy(tenantId, connectionId);
  }
  async createConnectionWithActions(tenantId: string, spec: ConnectionSpec, actions: ActionSpec[], audit: ImportAudit): Promise<{ connection: Connection; actions: Action[] }> {
    let out!: { connection: Connection; actions: Action[] };
    this.tx(() => {
      const connection = this.connections.insert(tenantId, spec);
      this.writeAudit(tenantId, { actor: audit.actor, entity: 'connection', entityId: connection.id, op: 'create', changes: audit.connection });
      const created = actions.map((a, i) =>
        this.insertAction(
          tenantId,
          { ...a, connectionId: connection.id },
          { actor: audit.actor, entity: 'action', entityId: null, op: 'create', changes: audit.actions[i] ?? [] },
        ),
      );
      this.bumpConfig(tenantId);
      out = { connection, actions: created };
    });
    return out;
  }

  // ---- OAuth token cache and identity keys
  async getCachedToken(key: string): Promise<CachedToken | null> {
    return this.connections.getToken(key);
  }
  async putCachedToken(token: CachedToken): Promise<void> {
    this.connections.putToken(token);
  }
  async deleteCachedToken(key: string, accessToken: string): Promise<boolean> {
    let out = false;
    this.tx(() => (out = this.connections.deleteToken(key, accessToken)));
    return out;
  }
  async identityKeys(tenantId: string): Promise<IdentityKey[]> {
    return this.connections.keys(tenantId);
  }
  async ensureIdentityKey(tenantId: string, candidate: IdentityKey): Promise<IdentityKey> {
    let out!: IdentityKey;
    this.tx(() => {
      const active = this.connections.active(tenantId);
      if (active) return void (out = active);
      this.connections.insertKey(tenantId, { ...candidate, retiredAt: null });
      out = { ...candidate, retiredAt: null };
    });
    return out;
  }
  async rotateIdentityKey(tenantId: string, candidate: IdentityKey, forgetBefore: Date, audit: AuditInput): Promise<IdentityKey[]> {
    let out!: IdentityKey[];
    this.tx(() => {
      this.connections.retireActive(tenantId, candidate.createdAt);
      this.connections.insertKey(tenantId, { ...candidate, retiredAt: null });
      this.connections.forgetRetired(tenantId, forgetBefore.toISOString());
      this.writeAudit(tenantId, audit);
      out = this.connections.keys(tenantId);
    });
    return out;
  }

  // ---- documents
  private getDoc<T>(tenantId: string, kind: string, paths: readonly SecretPath[]): T | null {
    const r = this.q('SELECT doc FROM docs WHERE tenant_id = ? AND kind = ?').get(tenantId, kind) as Row | undefined;
    return r ? openSecrets(JSON.parse(r.doc as string) as T, paths, this.box) : null;
  }
  private putDoc(tenantId: string, kind: string, doc: unknown, paths: readonly SecretPath[]): void {
    this.q(
      'INSERT INTO docs (tenant_id, kind, doc, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (tenant_id, kind) DO UPDATE SET doc = excluded.doc, updated_at = excluded.updated_at',
    ).run(tenantId, kind, JSON.stringify(sealSecrets(doc, paths, this.box)), new Date().toISOString());
  }
  async getUserDataApi(tenantId: string): Promise<UserDataApi | null> {
    return this.getDoc<UserDataApi>(tenantId, 'user_data_api', USER_DATA_API_SECRET_PATHS);
  }
  async putUserDataApi(tenantId: string, doc: UserDataApi, audit: AuditInput): Promise<void> {
    this.tx(() => {
      this.putDoc(tenantId, 'user_data_api', doc, USER_DATA_API_SECRET_PATHS);
      this.writeAudit(tenantId, audit);
      this.bumpConfig(tenantId);
    });
  }
  async getSettings(tenantId: string): Promise<Settings | null> {
    return this.getDoc<Settings>(tenantId, 'settings', SETTINGS_SECRET_PATHS);
  }
  async putSettings(tenantId: string, doc: Settings, audit: AuditInput): Promise<void> {
    this.tx(() => {
      try {
        this.q('UPDATE tenants SET intercom_app_id = ? WHERE id = ?').run(doc.intercom.appId, tenantId);
      } catch (err) {
        if (isUniqueViolation(err)) throw new ConflictError('this Intercom workspace is already connected to another tenant');
        throw err;
      }
      this.putDoc(tenantId, 'settings', doc, SETTINGS_SECRET_PATHS);
      this.writeAudit(tenantId, audit);
      this.bumpConfig(tenantId);
    });
  }
  async listAudit(tenantId: string, limit: number): Promise<AuditEntry[]> {
    const rows = this.q('SELECT doc FROM audit WHERE tenant_id = ? ORDER BY seq DESC LIMIT ?').all(tenantId, limit) as Row[];
    return rows.map((r) => JSON.parse(r.doc as string) as AuditEntry);
  }

  // ---- conversations
  private insertConversation(c: Conversation): void {
    try {
      this.q('INSERT INTO conversations (id, tenant_id, channel, external_id, doc, version, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
        c.id,
        c.tenantId,
        c.channel,
        c.externalId,
        JSON.stringify(c),
        c.version,
        c.updatedAt,
      );
    } catch (err) {
      if (isUniqueViolation(err)) throw new ConflictError(`a conversation for ${c.channel} ${c.externalId} already exists`);
      throw err;
    }
  }
  private writeConversation(c: Conversation): boolean {
    return (
      this.q('UPDATE conversations SET doc = ?, version = ?, updated_at = ? WHERE tenant_id = ? AND id = ? AND version = ?').run(
        JSON.stringify(c),
        c.version,
        c.updatedAt,
        c.tenantId,
        c.id,
        c.version - 1,
      ).changes === 1
    );
  }
  async createConversation(c: Conversation): Promise<void> {
    this.insertConversation(c);
  }
  async getConversation(tenantId: string, id: string): Promise<Conversation | null> {
    const r = this.q('SELECT doc FROM conversations WHERE tenant_id = ? AND id = ?').get(tenantId, id) as Row | undefined;
    return r ? (JSON.parse(r.doc as string) as Conversation) : null;
  }
  async conversationByExternalId(tenantId: string, channel: Channel, externalId: string): Promise<Conversation | null> {
    const r = this.q('SELECT doc FROM conversations WHERE tenant_id = ? AND channel = ? AND external_id = ?').get(tenantId, channel, externalId) as Row | undefined;
    return r ? (JSON.parse(r.doc as string) as Conversation) : null;
  }
  async updateConversation(c: Conversation): Promise<boolean> {
    return this.writeConversation(c);
  }
  async listConversations(tenantId: string, opts: { limit: number; channel?: Channel }): Promise<Conversation[]> {
    return opts.limit <= 0 ? [] : this.records.pageConversations(tenantId, opts).items;
  }
  async pageConversations(tenantId: string, opts: { limit: number; channel?: Channel; cursor?: string }): Promise<Page<Conversation>> {
    return this.records.pageConversations(tenantId, opts);
  }
  async saveTurn(c: Conversation, calls: CallRecord[], opts: { create: boolean }): Promise<boolean> {
    let ok = false;
    let conflict: unknown;
    this.tx(() => {
      try {
        if (opts.create) (this.insertConversation(c), (ok = true));
        else ok = this.writeConversation(c);
      } catch (err) {
        // The calls were made whatever happens to the conversation: keep them, then report the conflict.
        if (!(err instanceof ConflictError)) throw err;
        conflict = err;
      }
      this.records.insertCalls(c.tenantId, calls);
    });
    if (conflict) throw conflict;
    return ok;
  }

  // ---- calls
  async addCalls(tenantId: string, calls: CallRecord[]): Promise<void> {
    if (calls.length) this.tx(() => this.records.insertCalls(tenantId, calls));
  }
  async listCalls(tenantId: string, f: CallFilter): Promise<CallRecord[]> {
    return (f.limit ?? 100) <= 0 ? [] : this.records.pageCalls(tenantId, f).items;
  }
  async pageCalls(tenantId: string, f: CallFilter & { cursor?: string }): Promise<Page<CallRecord>> {
    return this.records.pageCalls(tenantId, f);
  }
  async actionStats(tenantId: string, since: Date): Promise<ActionStat[]> {
    return this.records.actionStats(tenantId, since);
  }
  async prune(before: Date, batch: number): Promise<PruneCounts> {
    let out!: PruneCounts;
    this.tx(() => (out = this.records.prune(before, batch)));
    return out;
  }

  // ---- proposals and tokens
  async createProposal(p: StoredProposal): Promise<void> {
    this.proposals.createProposal(p);
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
    return this.proposals.tokenByHash(tokenHash);
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
    this.inbox.fail(id, owner, error, retryAt);
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
  private tx(fn: () => void): void {
    this.db.transaction(fn).immediate();
  }
  private uniqueName<T>(fn: () => T, name: string): T {
    try {
      return fn();
    } catch (err) {
      if (isUniqueViolation(err)) throw new ConflictError(`an action named ${name} already exists`);
      throw err;
    }
  }
  private writeAudit(tenantId: string, a: AuditInput): void {
    const e: AuditEntry = { id: randomUUID(), tenantId, at: new Date().toISOString(), ...a };
    this.q('INSERT INTO audit (id, tenant_id, at, doc) VALUES (?, ?, ?, ?)').run(e.id, tenantId, e.at, JSON.stringify(e));
  }
  private writeVersion(tenantId: string, actionId: string, version: number, sealedDoc: string, a: AuditInput, at: string): void {
    this.q('INSERT INTO action_versions (tenant_id, action_id, version, doc, actor, at, changes) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
      tenantId,
      actionId,
      version,
      sealedDoc,
      a.actor,
      at,
      JSON.stringify(a.changes),
    );
  }
  private bumpConfig(tenantId: string): void {
    this.q('INSERT INTO config_versions (tenant_id, version) VALUES (?, 1) ON CONFLICT (tenant_id) DO UPDATE SET version = version + 1').run(tenantId);
  }
}

function tenant(r: Row | undefined): Tenant | null {
  return r ? { id: r.id as string, name: r.name as string, createdAt: r.created_at as string } : null;
}
