import { randomUUID } from 'node:crypto';
import type { ClientSession, Connection } from 'mongoose';
import type { SecretBox } from './crypto';
import type { Models } from './mongo-models';
import type { AuditEntry, AuditInput } from './port';

/** What every MongoDB part shares: the models on one connection, the secret box and the writes that go with configuration changes. */
export interface MongoCtx {
  readonly conn: Connection;
  readonly m: Models;
  readonly box: SecretBox;
  /** Whether the deployment runs multi-document transactions (replica set or sharded cluster). */
  readonly transactions: boolean;
  /**
   * Runs related writes (an action and its audit entry) in one transaction when the deployment
   * has them (replica set, sharded cluster, Atlas). A standalone server has none: the writes then
   * run in order, the one that can conflict first, so a conflict leaves nothing behind; a crash
   * between them can at worst lose the audit entry of a change that was written.
   */
  write<T>(fn: (session: ClientSession | undefined) => Promise<T>): Promise<T>;
  audit(tenantId: string, a: AuditInput, session: ClientSession | undefined): Promise<void>;
  /** The tenant's configuration counter (see Store.configVersion). */
  bumpConfig(tenantId: string, session: ClientSession | undefined): Promise<void>;
}

export function mongoContext(conn: Connection, m: Models, box: SecretBox, transactions: boolean): MongoCtx {
  return {
    conn,
    m,
    box,
    transactions,
    async write(fn) {
      if (!transactions) return fn(undefined);
      return conn.transaction((session) => fn(session));
    },
    async audit(tenantId, a, session) {
      const e: AuditEntry = { id: randomUUID(), tenantId, at: new Date().toISOString(), ...a };
      await m.Audit.insertOne({ id: e.id, tenantId, at: new Date(e.at), doc: JSON.stringify(e) }, { session });
    },
    async bumpConfig(tenantId, session) {
      await m.ConfigVersion.updateOne({ _id: tenantId }, { $inc: { version: 1 } }, { upsert: true, session });
    },
  };
}
