import mongoose from 'mongoose';
import type { SecretBox } from './crypto';
import { mongoActions } from './mongo-actions';
import { mongoConnections } from './mongo-connections';
import { mongoContext } from './mongo-context';
import { mongoConversations } from './mongo-conversations';
import { mongoInbox } from './mongo-inbox';
import { syncIndexesSafely } from './mongo-indexes';
import { defineModels } from './mongo-models';
import { mongoProposals } from './mongo-proposals';
import { mongoRecords } from './mongo-records';
import { mongoTenants } from './mongo-tenants';
import type { Store } from './port';

/**
 * The MongoDB store (mongoose models on a dedicated connection). Same semantics as the SQLite
 * adapter; any number of server instances may share one database. Composed from one part per
 * concept of the port, all on one connection.
 */
export type MongoStore = Store & {
  /** Whether the deployment runs multi-document transactions (replica set or sharded cluster). */
  readonly transactions: boolean;
};

/**
 * Connects, creates the collections and their (unique) indexes before the first write, and
 * finds out whether transactions are available. `dbName` overrides the URI's database (tests).
 */
async function connect(uri: string, box: SecretBox, opts: { dbName?: string } = {}): Promise<MongoStore> {
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
    const ctx = mongoContext(conn, m, box, transactions);
    return {
      kind: 'mongodb',
      transactions,
      async close() {
        await conn.close();
      },
      ...mongoTenants(ctx),
      ...mongoActions(ctx),
      ...mongoConnections(ctx),
      ...mongoConversations(ctx),
      ...mongoRecords(ctx),
      ...mongoProposals(ctx),
      ...mongoInbox(ctx),
    };
  } catch (err) {
    await conn.close().catch(() => undefined);
    throw err;
  }
}

export const MongoStore = { connect };
