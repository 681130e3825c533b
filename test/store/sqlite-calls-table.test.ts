import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SecretBox } from '../../server/src/store/crypto';
import { openSqliteStore } from '../../server/src/store/sqlite';
import { call } from './builders';

/*
 * The calls table keeps two pages out of every turn's commit (issue 13): no AUTOINCREMENT, no
 * unique index on the id. A file written before is rebuilt once, its rows and their order kept.
 */

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'store-calls-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const box = new SecretBox(Buffer.alloc(32, 5));
const shape = (db: Database.Database) => ({
  sql: (db.prepare(`SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'calls'`).get() as { sql: string }).sql,
  indexes: (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'calls' ORDER BY name`).all() as { name: string }[]).map((r) => r.name),
});

test('a new file: seq is the rowid, and only the two indexes queries read', async () => {
  const store = openSqliteStore(dir, box);
  try {
    expect(shape(store.db).sql).not.toMatch(/AUTOINCREMENT|UNIQUE/i);
    expect(shape(store.db).indexes).toEqual(['calls_stats', 'calls_tenant']);
  } finally {
    await store.close();
  }
});

test('a file of an older version is rebuilt once: every call kept, in the same order, and new ones come after', async () => {
  const old = new Database(path.join(dir, 'store.sqlite'));
  old.exec(`CREATE TABLE calls (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, tenant_id TEXT NOT NULL,
    conversation_id TEXT, action TEXT NOT NULL, ok INTEGER NOT NULL, error_type TEXT, doc TEXT NOT NULL);
    CREATE INDEX calls_tenant ON calls (tenant_id, seq);`);
  const ins = old.prepare('INSERT INTO calls (id, tenant_id, conversation_id, action, ok, error_type, doc) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const olds = ['first', 'second', 'third'].map((action, i) => call(null, action, { at: new Date(Date.UTC(2026, 0, 1 + i)).toISOString(), ok: i !== 1, ...(i === 1 ? { errorType: 'http_5xx' } : {}) }));
  for (const c of olds) ins.run(c.id, 't1', null, c.action, c.ok ? 1 : 0, c.errorType ?? null, JSON.stringify(c));
  old.close();

  const store = openSqliteStore(dir, box);
  try {
    expect(shape(store.db).sql).not.toMatch(/AUTOINCREMENT|UNIQUE/i);
    expect(shape(store.db).indexes).toEqual(['calls_stats', 'calls_tenant']);
    // Columns added after the first release were filled before the rebuild, and survive it.
    const rows = store.db.prepare('SELECT seq, action, at, duration_ms, ok FROM calls ORDER BY seq').all();
    expect(rows).toEqual(olds.map((c, i) => ({ seq: i + 1, action: c.action, at: c.at, duration_ms: 12, ok: i === 1 ? 0 : 1 })));
    await store.addCalls('t1', [call(null, 'fourth')]);
    expect((await store.listCalls('t1', {})).map((c) => c.action)).toEqual(['fourth', 'third', 'second', 'first']);
    expect((await store.pageCalls('t1', { status: 'http_5xx' })).items.map((c) => c.action)).toEqual(['second']);
  } finally {
    await store.close();
  }
  // Opened again: nothing left to rebuild, nothing lost.
  const again = openSqliteStore(dir, box);
  try {
    expect(await again.listCalls('t1', {})).toHaveLength(4);
  } finally {
    await again.close();
  }
});
