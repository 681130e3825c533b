import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Conversation } from '../../shared/conversation';
import { SecretBox } from '../../server/src/store/crypto';
import type { Store } from '../../server/src/store/port';
import { openSqliteStore } from '../../server/src/store/sqlite';
import { conversation } from './builders';

/*
 * SQLite specifics of conversation messages: rows of their own, appended by a turn; what the
 * contract cannot see (row counts, the head's size, files written by an older version).
 */

let dir: string;
let store: Store;
let raw: Database.Database;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'store-conv-'));
  store = openSqliteStore(dir, new SecretBox(randomBytes(32)));
  raw = new Database(path.join(dir, 'store.sqlite'));
});
afterEach(async () => {
  raw.close();
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const turn = (c: Conversation, n: number): Conversation => ({
  ...c,
  messages: [...c.messages, { role: 'user', content: `question ${n}`, at: c.updatedAt, turnId: `t${n}` }, { role: 'assistant', content: `answer ${n}`, at: c.updatedAt, turnId: `t${n}` }],
  version: c.version + 1,
});
const headBytes = (id: string) => (raw.prepare('SELECT length(doc) n FROM conversations WHERE id = ?').get(id) as { n: number }).n;
const messageRows = (id?: string) =>
  (raw.prepare(`SELECT COUNT(*) n FROM conversation_messages${id ? ' WHERE conversation_id = ?' : ''}`).get(...(id ? [id] : [])) as { n: number }).n;

test('an append inserts only the new message rows; the head does not grow with the history', async () => {
  const t = await store.createTenant('acme', 'hash');
  let c = conversation(t.id);
  await store.createConversation(c);
  // Counts every deleted message row: a full rewrite deletes them all, an append none.
  raw.exec(`CREATE TABLE deleted_rows (n INTEGER); CREATE TRIGGER count_deletes AFTER DELETE ON conversation_messages BEGIN INSERT INTO deleted_rows VALUES (1); END;`);
  c = turn(c, 0);
  expect(await store.saveTurn(c, [], { create: false, appendedFrom: 1 })).toBe(true);
  const small = headBytes(c.id);
  for (let n = 1; n < 100; n++) {
    const next = turn(c, n);
    expect(await store.saveTurn(next, [], { create: false, appendedFrom: c.messages.length })).toBe(true);
    c = next;
  }
  expect(c.messages).toHaveLength(201);
  expect(messageRows(c.id)).toBe(201);
  expect(headBytes(c.id)).toBeLessThanOrEqual(small + 4); // only the version's digits may grow
  expect((raw.prepare('SELECT COUNT(*) n FROM deleted_rows').get() as { n: number }).n).toBe(0);
  expect(await store.getConversation(t.id, c.id)).toEqual(c);
  // Without the hint every row is written again.
  expect(await store.updateConversation({ ...c, version: c.version + 1 })).toBe(true);
  expect((raw.prepare('SELECT COUNT(*) n FROM deleted_rows').get() as { n: number }).n).toBe(201);
});

test('retention leaves no orphan message rows; a lost race leaves no half-written ones', async () => {
  const t = await store.createTenant('acme', 'hash');
  const old = new Date(Date.now() - 90 * 86_400_000).toISOString();
  const gone = turn(conversation(t.id, { updatedAt: old }), 1);
  const kept = turn(conversation(t.id), 1);
  await store.createConversation(gone);
  await store.createConversation(kept);
  expect(messageRows()).toBe(6);
  expect(await store.updateConversation({ ...turn(kept, 2), version: kept.version }, { appendedFrom: 3 })).toBe(false); // stale
  expect(messageRows(kept.id)).toBe(3);
  expect(await store.prune(new Date(Date.now() - 86_400_000), 10)).toMatchObject({ conversations: 1 });
  expect(messageRows(gone.id)).toBe(0);
  expect(messageRows()).toBe(3);
});

test('a file written before messages had rows of their own is migrated on open and keeps working', async () => {
  await store.close();
  raw.close();
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir);
  // The conversations table as the earlier release made it, with the messages in the document.
  const old = new Database(path.join(dir, 'store.sqlite'));
  old.exec(`CREATE TABLE conversations (
    id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL, channel TEXT NOT NULL, external_id TEXT,
    doc TEXT NOT NULL, version INTEGER NOT NULL, updated_at TEXT NOT NULL)`);
  const c = turn(conversation('tenant-1', { channel: 'intercom', externalId: 'ic-9' }), 1);
  old.prepare('INSERT INTO conversations (id, tenant_id, channel, external_id, doc, version, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
    c.id,
    c.tenantId,
    c.channel,
    c.externalId,
    JSON.stringify(c),
    c.version,
    c.updatedAt,
  );
  old.close();

  store = openSqliteStore(dir, new SecretBox(randomBytes(32)));
  raw = new Database(path.join(dir, 'store.sqlite'));
  expect(await store.getConversation(c.tenantId, c.id)).toEqual(c);
  expect(JSON.stringify(await store.getConversation(c.tenantId, c.id))).toBe(JSON.stringify(c)); // keys in their order too
  expect(messageRows(c.id)).toBe(3);
  expect((raw.prepare(`SELECT json_type(doc, '$.messages') t FROM conversations`).get() as { t: string }).t).toBe('null');
  const next = turn(c, 2);
  expect(await store.updateConversation(next, { appendedFrom: 3 })).toBe(true);
  expect(await store.conversationByExternalId(c.tenantId, 'intercom', 'ic-9')).toEqual(next);
  expect(await store.listConversations(c.tenantId, { limit: 5 })).toEqual([next]);
});

test('a turn writes one index of conversations besides its key; an older file loses the two it no longer needs', async () => {
  const indexes = () => (raw.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'conversations' ORDER BY name`).all() as { name: string }[]).map((r) => r.name);
  // The partial index on external ids holds helpdesk conversations only; the autoindex is the key.
  expect(indexes()).toEqual(['conversations_external', 'conversations_page', 'sqlite_autoindex_conversations_1']);
  // A page of one channel reads conversations_page (no sort); retention too, tenant by tenant.
  const plan = (sql: string, ...args: unknown[]) => (raw.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as { detail: string }[]).map((r) => r.detail).join(' | ');
  expect(plan('SELECT id FROM conversations WHERE tenant_id = ? AND channel = ? ORDER BY updated_at DESC, id DESC LIMIT 5', 't', 'api')).toBe('SEARCH conversations USING INDEX conversations_page (tenant_id=?)');
  expect(plan('SELECT rowid FROM conversations WHERE tenant_id IN (SELECT id FROM tenants) AND updated_at < ? LIMIT 5', 'x')).toContain('COVERING INDEX conversations_page (tenant_id=? AND updated_at<?)');

  raw.exec('CREATE INDEX conversations_updated ON conversations (updated_at); CREATE INDEX conversations_channel_page ON conversations (tenant_id, channel, updated_at, id)');
  await store.close();
  store = openSqliteStore(dir, new SecretBox(randomBytes(32)));
  expect(indexes()).toEqual(['conversations_external', 'conversations_page', 'sqlite_autoindex_conversations_1']);
});
