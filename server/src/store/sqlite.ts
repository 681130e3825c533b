import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Action, ActionSpec, UserDataApi } from '../../../shared/action';
import type { CallRecord, Channel, Conversation } from '../../../shared/conversation';
import { SETTINGS_SECRET_PATHS, type Settings } from '../../../shared/settings';
import { ConflictError } from '../errors';
import type { SecretBox } from './crypto';
import type { AuditEntry, AuditInput, CallFilter, InboxItem, Store, Tenant } from './port';
import { ACTION_SECRET_PATHS, USER_DATA_API_SECRET_PATHS, openSecrets, sealSecrets } from './secrets';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS tenants (
  id TEXT PRIMARY KEY, name TEXT NOT NULL, token_hash TEXT NOT NULL UNIQUE,
  intercom_app_id TEXT UNIQUE, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS actions (
  id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL, name TEXT NOT NULL, doc TEXT NOT NULL,
  version INTEGER NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
  UNIQUE (tenant_id, name));
CREATE TABLE IF NOT EXISTS docs (
  tenant_id TEXT NOT NULL, kind TEXT NOT NULL, doc TEXT NOT NULL, updated_at TEXT NOT NULL,
  PRIMARY KEY (tenant_id, kind));
CREATE TABLE IF NOT EXISTS audit (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, tenant_id TEXT NOT NULL, doc TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS audit_tenant ON audit (tenant_id, seq);
CREATE TABLE IF NOT EXISTS conversations (
  id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL, channel TEXT NOT NULL, external_id TEXT,
  doc TEXT NOT NULL, version INTEGER NOT NULL, updated_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS conversations_tenant ON conversations (tenant_id, updated_at);
CREATE UNIQUE INDEX IF NOT EXISTS conversations_external ON conversations (tenant_id, channel, external_id) WHERE external_id IS NOT NULL;
CREATE TABLE IF NOT EXISTS calls (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, tenant_id TEXT NOT NULL,
  conversation_id TEXT, action TEXT NOT NULL, ok INTEGER NOT NULL, error_type TEXT, doc TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS calls_tenant ON calls (tenant_id, seq);
CREATE TABLE IF NOT EXISTS inbox (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, tenant_id TEXT NOT NULL,
  source TEXT NOT NULL, dedupe_key TEXT NOT NULL, conversation_key TEXT NOT NULL, payload TEXT NOT NULL,
  status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, lease_owner TEXT, lease_expires_at INTEGER,
  next_attempt_at INTEGER NOT NULL, created_at TEXT NOT NULL, error TEXT,
  UNIQUE (source, dedupe_key));
CREATE INDEX IF NOT EXISTS inbox_status ON inbox (status, next_attempt_at);
CREATE INDEX IF NOT EXISTS inbox_conv ON inbox (conversation_key, seq);
`;

type Row = Record<string, unknown>;

/** The embedded store: one SQLite file in WAL mode. Several processes may share it. */
export class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  private readonly db: Database.Database;

  constructor(dataDir: string, private readonly box: SecretBox) {
    fs.mkdirSync(dataDir, { recursive: true });
    this.db = new Database(path.join(dataDir, 'store.sqlite'));
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.pragma('foreign_keys = ON');
    this.db.exec(SCHEMA);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  // ---- tenants
  async createTenant(name: string, tokenHash: string): Promise<Tenant> {
    const t: Tenant = { id: randomUUID(), name, createdAt: new Date().toISOString() };
    this.db.prepare('INSERT INTO tenants (id, name, token_hash, created_at) VALUES (?, ?, ?, ?)').run(t.id, name, tokenHash, t.createdAt);
    return t;
  }
  async getTenant(id: string): Promise<Tenant | null> {
    return tenant(this.db.prepare('SELECT * FROM tenants WHERE id = ?').get(id) as Row | undefined);
  }
  async tenantByTokenHash(h: string): Promise<Tenant | null> {
    return tenant(this.db.prepare('SELECT * FROM tenants WHERE token_hash = ?').get(h) as Row | undefined);
  }
  async tenantByIntercomAppId(appId: string): Promise<Tenant | null> {
    return tenant(this.db.prepare('SELECT * FROM tenants WHERE intercom_app_id = ?').get(appId) as Row | undefined);
  }
  async countTenants(): Promise<number> {
    return (this.db.prepare('SELECT COUNT(*) n FROM tenants').get() as { n: number }).n;
  }

  // ---- actions
  private actionFromRow(r: Row): Action {
    const spec = openSecrets(JSON.parse(r.doc as string) as ActionSpec, ACTION_SECRET_PATHS, this.box);
    return { id: r.id as string, ...spec, version: r.version as number, createdAt: r.created_at as string, updatedAt: r.updated_at as string };
  }
  async listActions(tenantId: string): Promise<Action[]> {
    const rows = this.db.prepare('SELECT * FROM actions WHERE tenant_id = ? ORDER BY name').all(tenantId) as Row[];
    return rows.map((r) => this.actionFromRow(r));
  }
  async getAction(tenantId: string, id: string): Promise<Action | null> {
    const r = this.db.prepare('SELECT * FROM actions WHERE tenant_id = ? AND id = ?').get(tenantId, id) as Row | undefined;
    return r ? this.actionFromRow(r) : null;
  }
  async createAction(tenantId: string, spec: ActionSpec, audit: AuditInput): Promise<Action> {
    const now = new Date().toISOString();
    const id = randomUUID();
    const doc = JSON.stringify(sealSecrets(spec, ACTION_SECRET_PATHS, this.box));
    this.tx(() => {
      this.uniqueName(() =>
        this.db
          .prepare('INSERT INTO actions (id, tenant_id, name, doc, version, created_at, updated_at) VALUES (?, ?, ?, ?, 1, ?, ?)')
          .run(id, tenantId, spec.name, doc, now, now),
        spec.name,
      );
      this.writeAudit(tenantId, { ...audit, entityId: id });
    });
    return { id, ...spec, version: 1, createdAt: now, updatedAt: now };
  }
  async replaceAction(tenantId: string, id: string, spec: ActionSpec, audit: AuditInput): Promise<Action | null> {
    const now = new Date().toISOString();
    const doc = JSON.stringify(sealSecrets(spec, ACTION_SECRET_PATHS, this.box));
    let changed = false;
    this.tx(() => {
      const r = this.uniqueName(
        () =>
          this.db
            .prepare('UPDATE actions SET name = ?, doc = ?, version = version + 1, updated_at = ? WHERE tenant_id = ? AND id = ?')
            .run(spec.name, doc, now, tenantId, id),
        spec.name,
      );
      changed = r.changes === 1;
      if (changed) this.writeAudit(tenantId, audit);
    });
    return changed ? this.getAction(tenantId, id) : null;
  }
  async deleteAction(tenantId: string, id: string, audit: AuditInput): Promise<boolean> {
    let deleted = false;
    this.tx(() => {
      deleted = this.db.prepare('DELETE FROM actions WHERE tenant_id = ? AND id = ?').run(tenantId, id).changes === 1;
      if (deleted) this.writeAudit(tenantId, audit);
    });
    return deleted;
  }

  // ---- documents
  private getDoc<T>(tenantId: string, kind: string, paths: readonly string[]): T | null {
    const r = this.db.prepare('SELECT doc FROM docs WHERE tenant_id = ? AND kind = ?').get(tenantId, kind) as Row | undefined;
    return r ? openSecrets(JSON.parse(r.doc as string) as T, paths, this.box) : null;
  }
  private putDoc(tenantId: string, kind: string, doc: unknown, paths: readonly string[]): void {
    this.db
      .prepare('INSERT INTO docs (tenant_id, kind, doc, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (tenant_id, kind) DO UPDATE SET doc = excluded.doc, updated_at = excluded.updated_at')
      .run(tenantId, kind, JSON.stringify(sealSecrets(doc, paths, this.box)), new Date().toISOString());
  }
  async getUserDataApi(tenantId: string): Promise<UserDataApi | null> {
    return this.getDoc<UserDataApi>(tenantId, 'user_data_api', USER_DATA_API_SECRET_PATHS);
  }
  async putUserDataApi(tenantId: string, doc: UserDataApi, audit: AuditInput): Promise<void> {
    this.tx(() => {
      this.putDoc(tenantId, 'user_data_api', doc, USER_DATA_API_SECRET_PATHS);
      this.writeAudit(tenantId, audit);
    });
  }
  async getSettings(tenantId: string): Promise<Settings | null> {
    return this.getDoc<Settings>(tenantId, 'settings', SETTINGS_SECRET_PATHS);
  }
  async putSettings(tenantId: string, doc: Settings, audit: AuditInput): Promise<void> {
    this.tx(() => {
      try {
        this.db.prepare('UPDATE tenants SET intercom_app_id = ? WHERE id = ?').run(doc.intercom.appId, tenantId);
      } catch (err) {
        if (isUniqueViolation(err)) throw new ConflictError('this Intercom workspace is already connected to another tenant');
        throw err;
      }
      this.putDoc(tenantId, 'settings', doc, SETTINGS_SECRET_PATHS);
      this.writeAudit(tenantId, audit);
    });
  }
  async listAudit(tenantId: string, limit: number): Promise<AuditEntry[]> {
    const rows = this.db.prepare('SELECT doc FROM audit WHERE tenant_id = ? ORDER BY seq DESC LIMIT ?').all(tenantId, limit) as Row[];
    return rows.map((r) => JSON.parse(r.doc as string) as AuditEntry);
  }

  // ---- conversations
  async createConversation(c: Conversation): Promise<void> {
    try {
      this.db
        .prepare('INSERT INTO conversations (id, tenant_id, channel, external_id, doc, version, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(c.id, c.tenantId, c.channel, c.externalId, JSON.stringify(c), c.version, c.updatedAt);
    } catch (err) {
      if (isUniqueViolation(err)) throw new ConflictError(`a conversation for ${c.channel} ${c.externalId} already exists`);
      throw err;
    }
  }
  async getConversation(tenantId: string, id: string): Promise<Conversation | null> {
    const r = this.db.prepare('SELECT doc FROM conversations WHERE tenant_id = ? AND id = ?').get(tenantId, id) as Row | undefined;
    return r ? (JSON.parse(r.doc as string) as Conversation) : null;
  }
  async conversationByExternalId(tenantId: string, channel: Channel, externalId: string): Promise<Conversation | null> {
    const r = this.db
      .prepare('SELECT doc FROM conversations WHERE tenant_id = ? AND channel = ? AND external_id = ?')
      .get(tenantId, channel, externalId) as Row | undefined;
    return r ? (JSON.parse(r.doc as string) as Conversation) : null;
  }
  async updateConversation(c: Conversation): Promise<boolean> {
    const r = this.db
      .prepare('UPDATE conversations SET doc = ?, version = ?, updated_at = ? WHERE tenant_id = ? AND id = ? AND version = ?')
      .run(JSON.stringify(c), c.version, c.updatedAt, c.tenantId, c.id, c.version - 1);
    return r.changes === 1;
  }
  async listConversations(tenantId: string, opts: { limit: number; channel?: Channel }): Promise<Conversation[]> {
    const rows = (
      opts.channel
        ? this.db.prepare('SELECT doc FROM conversations WHERE tenant_id = ? AND channel = ? ORDER BY updated_at DESC LIMIT ?').all(tenantId, opts.channel, opts.limit)
        : this.db.prepare('SELECT doc FROM conversations WHERE tenant_id = ? ORDER BY updated_at DESC LIMIT ?').all(tenantId, opts.limit)
    ) as Row[];
    return rows.map((r) => JSON.parse(r.doc as string) as Conversation);
  }

  // ---- calls
  async addCalls(tenantId: string, calls: CallRecord[]): Promise<void> {
    const ins = this.db.prepare('INSERT INTO calls (id, tenant_id, conversation_id, action, ok, error_type, doc) VALUES (?, ?, ?, ?, ?, ?, ?)');
    this.tx(() => {
      for (const c of calls) ins.run(c.id, tenantId, c.conversationId, c.action, c.ok ? 1 : 0, c.errorType ?? null, JSON.stringify(c));
    });
  }
  async listCalls(tenantId: string, f: CallFilter): Promise<CallRecord[]> {
    const where = ['tenant_id = ?'];
    const args: unknown[] = [tenantId];
    if (f.conversationId) (where.push('conversation_id = ?'), args.push(f.conversationId));
    if (f.action) (where.push('action = ?'), args.push(f.action));
    if (f.status === 'ok') where.push('ok = 1');
    else if (f.status === 'error') where.push('ok = 0');
    else if (f.status) (where.push('error_type = ?'), args.push(f.status));
    args.push(Math.min(f.limit ?? 100, 1000));
    const rows = this.db.prepare(`SELECT doc FROM calls WHERE ${where.join(' AND ')} ORDER BY seq DESC LIMIT ?`).all(...args) as Row[];
    return rows.map((r) => JSON.parse(r.doc as string) as CallRecord);
  }

  // ---- inbox
  async enqueue(item: Omit<InboxItem, 'id' | 'attempts' | 'createdAt'>): Promise<boolean> {
    const r = this.db
      .prepare(
        `INSERT INTO inbox (id, tenant_id, source, dedupe_key, conversation_key, payload, status, next_attempt_at, created_at)
         VALUES (?, ?, ?, ?, ?, ?, 'pending', 0, ?) ON CONFLICT (source, dedupe_key) DO NOTHING`,
      )
      .run(randomUUID(), item.tenantId, item.source, item.dedupeKey, item.conversationKey, JSON.stringify(item.payload), new Date().toISOString());
    return r.changes === 1;
  }
  async claim(owner: string, leaseMs: number): Promise<InboxItem | null> {
    const now = Date.now();
    const pick = this.db.prepare(
      `SELECT * FROM inbox i
       WHERE (i.status = 'pending' OR (i.status = 'leased' AND i.lease_expires_at <= @now)) AND i.next_attempt_at <= @now
         AND NOT EXISTS (SELECT 1 FROM inbox j WHERE j.conversation_key = i.conversation_key AND j.seq < i.seq AND j.status IN ('pending', 'leased'))
         AND NOT EXISTS (SELECT 1 FROM inbox k WHERE k.conversation_key = i.conversation_key AND k.seq <> i.seq AND k.status = 'leased' AND k.lease_expires_at > @now)
       ORDER BY i.seq LIMIT 1`,
    );
    const lease = this.db.prepare(
      `UPDATE inbox SET status = 'leased', lease_owner = ?, lease_expires_at = ?, attempts = attempts + 1 WHERE id = ?`,
    );
    // IMMEDIATE takes the write lock before reading, so two processes cannot pick the same row.
    const r = this.db
      .transaction(() => {
        const row = pick.get({ now }) as Row | undefined;
        if (row) lease.run(owner, now + leaseMs, row.id);
        return row;
      })
      .immediate();
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
  }
  async complete(id: string, owner: string): Promise<boolean> {
    return (
      this.db.prepare(`UPDATE inbox SET status = 'done', lease_owner = NULL, error = NULL WHERE id = ? AND lease_owner = ? AND status = 'leased'`).run(id, owner)
        .changes === 1
    );
  }
  async fail(id: string, owner: string, error: string, retryAt: Date | null): Promise<void> {
    this.db
      .prepare(`UPDATE inbox SET status = ?, lease_owner = NULL, error = ?, next_attempt_at = ? WHERE id = ? AND lease_owner = ?`)
      .run(retryAt ? 'pending' : 'dead', error.slice(0, 1000), retryAt ? retryAt.getTime() : 0, id, owner);
  }
  async pruneInbox(before: Date): Promise<number> {
    return this.db.prepare(`DELETE FROM inbox WHERE status IN ('done', 'dead') AND created_at < ?`).run(before.toISOString()).changes;
  }
  async hasUnfinished(conversationKey: string): Promise<boolean> {
    return !!this.db.prepare(`SELECT 1 FROM inbox WHERE conversation_key = ? AND status IN ('pending', 'leased') LIMIT 1`).get(conversationKey);
  }
  async inboxCounts(): Promise<{ pending: number; leased: number; done: number; dead: number }> {
    const out = { pending: 0, leased: 0, done: 0, dead: 0 };
    for (const r of this.db.prepare('SELECT status, COUNT(*) n FROM inbox GROUP BY status').all() as { status: keyof typeof out; n: number }[]) {
      out[r.status] = r.n;
    }
    return out;
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
    this.db.prepare('INSERT INTO audit (id, tenant_id, doc) VALUES (?, ?, ?)').run(e.id, tenantId, JSON.stringify(e));
  }
}

function tenant(r: Row | undefined): Tenant | null {
  return r ? { id: r.id as string, name: r.name as string, createdAt: r.created_at as string } : null;
}

function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE';
}
