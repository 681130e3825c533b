import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { ConflictError } from '../../server/src/errors';
import { SecretBox } from '../../server/src/store/crypto';
import { openSqliteStore } from '../../server/src/store/sqlite';
import { sqliteContext } from '../../server/src/store/sqlite-context';
import { call, conversation } from './builders';

/** Concurrent writes share one commit (issue 13), and each still succeeds or fails on its own. */
describe('SQLite group commit', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'group-commit-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('a failing write in a group is undone alone; the others commit, and none settles before the commit', async () => {
    const db = new Database(path.join(dir, 'g.sqlite'));
    db.exec('CREATE TABLE t (k TEXT PRIMARY KEY)');
    const ctx = sqliteContext(db, new SecretBox(Buffer.alloc(32, 1)));
    const ins = (k: string) => () => db.prepare('INSERT INTO t (k) VALUES (?)').run(k).changes;
    const half = () => {
      db.prepare('INSERT INTO t (k) VALUES (?)').run('half-written');
      throw new Error('fails after its first statement');
    };
    const inTxWhenSettled: boolean[] = [];
    const first = ctx.batch(ins('a')).then((v) => (inTxWhenSettled.push(db.inTransaction), v));
    const results = await Promise.allSettled([first, ctx.batch(half), ctx.batch(ins('b')), ctx.batch(ins('a'))]);
    expect(inTxWhenSettled).toEqual([false]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected']);
    // The failed job's first statement was rolled back to its savepoint; the duplicate changed nothing.
    expect(db.prepare('SELECT k FROM t ORDER BY k').all()).toEqual([{ k: 'a' }, { k: 'b' }]);
    expect(db.inTransaction).toBe(false);
    db.close();
  });

  test('concurrent turns: each saved, a duplicate external id rejects with ConflictError and its calls are kept', async () => {
    const store = openSqliteStore(dir, new SecretBox(Buffer.alloc(32, 2)));
    try {
      const t = await store.createTenant('g', 'hash-g');
      const convs = Array.from({ length: 20 }, (_, i) => conversation(t.id, { channel: 'intercom', externalId: `ext-${i}` }));
      const dup = conversation(t.id, { channel: 'intercom', externalId: 'ext-3' });
      const saves = [...convs, dup].map((c) => store.saveTurn(c, [call(c.id, 'lookup_order')], { create: true }));
      const settled = await Promise.allSettled(saves);
      expect(settled.slice(0, 20).every((r) => r.status === 'fulfilled' && r.value === true)).toBe(true);
      const last = settled[20]!;
      expect(last.status === 'rejected' && last.reason instanceof ConflictError).toBe(true);
      for (const c of convs) expect((await store.getConversation(t.id, c.id))?.externalId).toBe(c.externalId);
      expect(await store.getConversation(t.id, dup.id)).toBeNull();
      expect((await store.listCalls(t.id, { conversationId: dup.id })).length).toBe(1);
    } finally {
      await store.close();
    }
  });
});
