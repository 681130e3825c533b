import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import type { SecretBox } from './crypto';
import type { Store } from './port';
import { sqliteActions } from './sqlite-actions';
import { startCheckpointer, WAL_SAFETY_PAGES, type Checkpointer } from './sqlite-checkpoint';
import { sqliteConnections } from './sqlite-connections';
import { sqliteContext } from './sqlite-context';
import { sqliteConversations } from './sqlite-conversations';
import { sqliteInbox } from './sqlite-inbox';
import { sqliteProposals } from './sqlite-proposals';
import { sqliteRecords } from './sqlite-records';
import { migrate } from './sqlite-schema';
import { sqliteTenants } from './sqlite-tenants';

/** The embedded store, with what its own tests look at beside the port. */
export type SqliteStore = Store & {
  /** Checkpoints the WAL off the event loop (see sqlite-checkpoint.ts). */
  readonly checkpointer: Checkpointer;
  /** The writing connection. */
  readonly db: Database.Database;
};

/**
 * The embedded store: one SQLite file (DATA_DIR/store.sqlite) in WAL mode; several processes
 * may share it. Composed from one part per concept of the port, all on one connection.
 */
export function openSqliteStore(dataDir: string, box: SecretBox): SqliteStore {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, 'store.sqlite');
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma(`wal_autocheckpoint = ${WAL_SAFETY_PAGES}`);
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  migrate(db);
  const ctx = sqliteContext(db, box);
  const checkpointer = startCheckpointer(file);
  return {
    kind: 'sqlite',
    checkpointer,
    db,
    async close() {
      // The background connection goes first: the last connection to close folds the WAL into the file.
      await checkpointer.stop();
      if (db.open) db.close();
    },
    ...sqliteTenants(ctx),
    ...sqliteActions(ctx),
    ...sqliteConnections(ctx),
    ...sqliteConversations(ctx),
    ...sqliteRecords(ctx),
    ...sqliteProposals(ctx),
    ...sqliteInbox(ctx),
  };
}
