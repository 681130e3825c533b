import type Database from 'better-sqlite3';

/** A prepared-statement cache: each SQL text is prepared once per connection. */
export type Prepare = (sql: string) => Database.Statement;

export type Row = Record<string, unknown>;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS tenants (
  id TEXT PRIMARY KEY, name TEXT NOT NULL, token_hash TEXT NOT NULL UNIQUE,
  intercom_app_id TEXT UNIQUE, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS actions (
  id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL, name TEXT NOT NULL, doc TEXT NOT NULL,
  version INTEGER NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
  UNIQUE (tenant_id, name));
CREATE TABLE IF NOT EXISTS action_versions (
  tenant_id TEXT NOT NULL, action_id TEXT NOT NULL, version INTEGER NOT NULL, doc TEXT NOT NULL,
  actor TEXT NOT NULL, at TEXT NOT NULL, changes TEXT NOT NULL, PRIMARY KEY (action_id, version));
CREATE TABLE IF NOT EXISTS docs (
  tenant_id TEXT NOT NULL, kind TEXT NOT NULL, doc TEXT NOT NULL, updated_at TEXT NOT NULL,
  PRIMARY KEY (tenant_id, kind));
CREATE TABLE IF NOT EXISTS config_versions (tenant_id TEXT PRIMARY KEY, version INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS audit (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, tenant_id TEXT NOT NULL, doc TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS audit_tenant ON audit (tenant_id, seq);
CREATE TABLE IF NOT EXISTS conversations (
  id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL, channel TEXT NOT NULL, external_id TEXT,
  doc TEXT NOT NULL, version INTEGER NOT NULL, updated_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS conversations_page ON conversations (tenant_id, updated_at, id);
CREATE UNIQUE INDEX IF NOT EXISTS conversations_external ON conversations (tenant_id, channel, external_id) WHERE external_id IS NOT NULL;
CREATE TABLE IF NOT EXISTS conversation_messages (
  conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE, idx INTEGER NOT NULL, doc TEXT NOT NULL,
  PRIMARY KEY (conversation_id, idx)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS calls (
  seq INTEGER PRIMARY KEY, id TEXT NOT NULL, tenant_id TEXT NOT NULL,
  conversation_id TEXT, action TEXT NOT NULL, ok INTEGER NOT NULL, error_type TEXT, doc TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS calls_tenant ON calls (tenant_id, seq);
CREATE TABLE IF NOT EXISTS proposals (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, tenant_id TEXT NOT NULL,
  conversation_id TEXT NOT NULL, status TEXT NOT NULL, option_confirm TEXT, option_decline TEXT,
  result TEXT, doc TEXT NOT NULL, updated_at TEXT NOT NULL, expires_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS proposals_conv ON proposals (tenant_id, conversation_id, seq);
CREATE INDEX IF NOT EXISTS proposals_confirm ON proposals (tenant_id, option_confirm) WHERE option_confirm IS NOT NULL;
CREATE INDEX IF NOT EXISTS proposals_decline ON proposals (tenant_id, option_decline) WHERE option_decline IS NOT NULL;
CREATE INDEX IF NOT EXISTS proposals_updated ON proposals (updated_at);
CREATE INDEX IF NOT EXISTS proposals_expires ON proposals (expires_at);
CREATE TABLE IF NOT EXISTS tokens (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, tenant_id TEXT NOT NULL, name TEXT NOT NULL,
  scope TEXT NOT NULL, token_hash TEXT NOT NULL UNIQUE, hint TEXT NOT NULL, created_at TEXT NOT NULL, last_used_at TEXT);
CREATE INDEX IF NOT EXISTS tokens_tenant ON tokens (tenant_id, seq);
CREATE TABLE IF NOT EXISTS inbox (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, tenant_id TEXT NOT NULL,
  source TEXT NOT NULL, dedupe_key TEXT NOT NULL, conversation_key TEXT NOT NULL, payload TEXT NOT NULL,
  status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, lease_owner TEXT, lease_expires_at INTEGER,
  next_attempt_at INTEGER NOT NULL, created_at TEXT NOT NULL, error TEXT,
  UNIQUE (source, dedupe_key));
CREATE INDEX IF NOT EXISTS inbox_status ON inbox (status, next_attempt_at);
CREATE INDEX IF NOT EXISTS inbox_conv ON inbox (conversation_key, seq);
CREATE INDEX IF NOT EXISTS inbox_open ON inbox (seq) WHERE status IN ('pending', 'leased');
CREATE INDEX IF NOT EXISTS inbox_conv_open ON inbox (conversation_key, seq) WHERE status IN ('pending', 'leased');
CREATE TABLE IF NOT EXISTS connections (
  id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL, name TEXT NOT NULL, doc TEXT NOT NULL,
  created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS connections_tenant ON connections (tenant_id, name);
CREATE TABLE IF NOT EXISTS oauth_tokens (key TEXT PRIMARY KEY, doc TEXT NOT NULL, refresh_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS identity_keys (
  tenant_id TEXT NOT NULL, kid TEXT NOT NULL, public_jwk TEXT NOT NULL, private_jwk TEXT NOT NULL,
  created_at TEXT NOT NULL, retired_at TEXT, PRIMARY KEY (tenant_id, kid));
CREATE UNIQUE INDEX IF NOT EXISTS identity_keys_active ON identity_keys (tenant_id) WHERE retired_at IS NULL;
`;

/** Columns added after the first release: added to older files, and filled from the JSON documents. */
const ADDED: { table: string; column: string; ddl: string; backfill: string }[] = [
  { table: 'calls', column: 'at', ddl: 'at TEXT', backfill: `UPDATE calls SET at = json_extract(doc, '$.at') WHERE at IS NULL` },
  { table: 'calls', column: 'duration_ms', ddl: 'duration_ms INTEGER', backfill: `UPDATE calls SET duration_ms = json_extract(doc, '$.durationMs') WHERE duration_ms IS NULL` },
  { table: 'calls', column: 'test', ddl: 'test INTEGER NOT NULL DEFAULT 0', backfill: `UPDATE calls SET test = 1 WHERE json_extract(doc, '$.test') = 1` },
  { table: 'audit', column: 'at', ddl: 'at TEXT', backfill: `UPDATE audit SET at = json_extract(doc, '$.at') WHERE at IS NULL` },
  {
    // Messages moved out of the conversation document (a turn appends rows instead of rewriting the
    // whole history): the count is what an append checks, and the backfill moves older files' messages.
    table: 'conversations',
    column: 'message_count',
    ddl: 'message_count INTEGER',
    backfill: `INSERT INTO conversation_messages (conversation_id, idx, doc)
      SELECT c.id, CAST(m.key AS INTEGER), m.value FROM conversations c, json_each(c.doc, '$.messages') m;
      UPDATE conversations SET message_count = json_array_length(doc, '$.messages'), doc = json_set(doc, '$.messages', NULL)
      WHERE json_type(doc, '$.messages') = 'array'`,
  },
  {
    table: 'actions',
    column: 'connection_id',
    ddl: 'connection_id TEXT',
    backfill: `UPDATE actions SET connection_id = json_extract(doc, '$.connectionId') WHERE connection_id IS NULL`,
  },
];

const INDEXES_ON_ADDED = `
CREATE INDEX IF NOT EXISTS calls_stats ON calls (tenant_id, at);
CREATE INDEX IF NOT EXISTS audit_at ON audit (at);
CREATE INDEX IF NOT EXISTS actions_connection ON actions (tenant_id, connection_id) WHERE connection_id IS NOT NULL;
`;

/**
 * The calls table of files written before issue 13 had `seq ... AUTOINCREMENT` and `id UNIQUE`:
 * two more pages in every turn's commit (the sqlite_sequence row, and a random page of the id
 * index) for nothing a query uses; ids are UUIDs and no call is looked up by id (MongoDB has no
 * such index either). Without AUTOINCREMENT a new `seq` is still max + 1 under the write lock:
 * the insertion order, whichever process wrote. Rebuilt once, rows and `seq` kept.
 */
const CALLS_COLUMNS = 'seq, id, tenant_id, conversation_id, action, ok, error_type, doc, at, duration_ms, test';
const REBUILD_CALLS = `
CREATE TABLE calls_rebuilt (
  seq INTEGER PRIMARY KEY, id TEXT NOT NULL, tenant_id TEXT NOT NULL, conversation_id TEXT, action TEXT NOT NULL,
  ok INTEGER NOT NULL, error_type TEXT, doc TEXT NOT NULL, at TEXT, duration_ms INTEGER, test INTEGER NOT NULL DEFAULT 0);
INSERT INTO calls_rebuilt (${CALLS_COLUMNS}) SELECT ${CALLS_COLUMNS} FROM calls;
DROP TABLE calls;
ALTER TABLE calls_rebuilt RENAME TO calls;
CREATE INDEX calls_tenant ON calls (tenant_id, seq);
`;

/** Creates the tables, and brings a file written by an older version up to date (in one transaction). */
export function migrate(db: Database.Database): void {
  db.transaction(() => {
    db.exec(SCHEMA);
    for (const a of ADDED) {
      const cols = db.prepare(`PRAGMA table_info(${a.table})`).all() as { name: string }[];
      if (cols.some((c) => c.name === a.column)) continue;
      db.exec(`ALTER TABLE ${a.table} ADD COLUMN ${a.ddl}`);
      db.exec(a.backfill);
    }
    const calls = db.prepare(`SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'calls'`).get() as { sql: string };
    if (/AUTOINCREMENT/i.test(calls.sql)) db.exec(REBUILD_CALLS);
    db.exec(INDEXES_ON_ADDED);
    // A prefix of conversations_page: one more page written by every turn for no query.
    db.exec('DROP INDEX IF EXISTS conversations_tenant');
    // Retention walks calls by `seq` (see sqlite-records.ts prune).
    db.exec('DROP INDEX IF EXISTS calls_at');
    // Each costs every turn a page in its commit (~28 us a turn measured, issue 13): retention finds
    // old conversations through conversations_page tenant by tenant, and a page of one channel's
    // conversations reads conversations_page and skips the other channels' rows.
    db.exec('DROP INDEX IF EXISTS conversations_updated');
    db.exec('DROP INDEX IF EXISTS conversations_channel_page');
  }).immediate();
}
