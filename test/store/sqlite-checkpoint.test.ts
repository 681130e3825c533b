import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { openSqliteStore } from '../../server/src/store/sqlite';
import { SecretBox } from '../../server/src/store/crypto';
import { WAL_SAFETY_PAGES, type CheckpointEvent } from '../../server/src/store/sqlite-checkpoint';
import { auditInput, call, conversation, settingsDoc } from './builders';

/** The WAL is folded into the file by the background connection, not inside a request's COMMIT (issue 13). */
describe('SQLite background checkpoints', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'store-ckpt-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('writes are checkpointed by the worker thread; the writer keeps the threshold of SQLite itself', async () => {
    const store = openSqliteStore(dir, new SecretBox(Buffer.alloc(32, 7)));
    try {
      const events: CheckpointEvent[] = [];
      const copied = new Promise<void>((resolve) =>
        store.checkpointer.onEvent((e) => {
          events.push(e);
          if ('checkpointed' in e) resolve();
        }),
      );
      const t = await store.createTenant('ckpt', 'hash-ckpt');
      await store.putSettings(t.id, settingsDoc(), auditInput('settings', 'update'));
      await copied;
      expect(events.filter((e) => 'error' in e)).toEqual([]);

      // A separate reader of the file sees the data, and the writer's own threshold is the safety net.
      const reader = new Database(path.join(dir, 'store.sqlite'), { readonly: true });
      try {
        expect(reader.prepare('SELECT COUNT(*) n FROM tenants').get()).toEqual({ n: 1 });
      } finally {
        reader.close();
      }
      expect(store.db.pragma('wal_autocheckpoint', { simple: true })).toBe(WAL_SAFETY_PAGES);
    } finally {
      await store.close();
    }
    // Closing stops the thread and folds the WAL in: nothing is left beside the file.
    expect(fs.existsSync(path.join(dir, 'store.sqlite-wal'))).toBe(false);
  });

  test('the WAL stays bounded while turns keep committing (the background checkpoint alone never restarts it)', async () => {
    const store = openSqliteStore(dir, new SecretBox(Buffer.alloc(32, 7)));
    try {
      const t = await store.createTenant('wal', 'hash-wal');
      // ~3,000 turns write well over 10,000 WAL frames: unbounded, the log would pass 40 MB.
      for (let i = 0; i < 3000; i++) {
        const c = conversation(t.id);
        await store.saveTurn(c, [call(c.id, 'lookup_order')], { create: true });
      }
      const wal = fs.statSync(path.join(dir, 'store.sqlite-wal')).size;
      expect(wal).toBeLessThan(16 * 1024 * 1024);
    } finally {
      await store.close();
    }
  });

  test('closing twice, or after the thread stopped, does not hang', async () => {
    const store = openSqliteStore(dir, new SecretBox(Buffer.alloc(32, 7)));
    await store.checkpointer.stop();
    await store.close();
    await store.close();
  });
});
