import type Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { ConflictError } from '../errors';
import type { SecretBox } from './crypto';
import type { AuditEntry, AuditInput } from './port';
import type { Prepare, Row } from './sqlite-schema';

/**
 * What every SQLite part shares: the connection, the statement cache, the secret box and the
 * writes that go with configuration changes. The parts are synchronous inside; their port
 * methods are `async` so that a thrown error becomes a rejected promise, as on MongoDB.
 */
export interface SqliteCtx {
  readonly db: Database.Database;
  readonly q: Prepare;
  readonly box: SecretBox;
  /** Runs `fn` in an IMMEDIATE transaction (the write lock first: no upgrade deadlock between processes). */
  tx<T>(fn: () => T): T;
  writeAudit(tenantId: string, a: AuditInput): void;
  /** The tenant's configuration counter (see Store.configVersion). */
  bumpConfig(tenantId: string): void;
  /** The first row of a query, mapped; null when there is none. */
  one<T>(sql: string, map: (r: Row) => T, ...args: unknown[]): T | null;
  /** Every row of a query, mapped. */
  all<T>(sql: string, map: (r: Row) => T, ...args: unknown[]): T[];
}

export function sqliteContext(db: Database.Database, box: SecretBox): SqliteCtx {
  /** Each SQL text is prepared once: preparing costs more than most of these statements take to run. */
  const stmts = new Map<string, Database.Statement>();
  const q: Prepare = (sql) => {
    let s = stmts.get(sql);
    if (!s) stmts.set(sql, (s = db.prepare(sql)));
    return s;
  };
  return {
    db,
    q,
    box,
    tx: <T>(fn: () => T): T => db.transaction(fn).immediate(),
    writeAudit(tenantId, a) {
      const e: AuditEntry = { id: randomUUID(), tenantId, at: new Date().toISOString(), ...a };
      q('INSERT INTO audit (id, tenant_id, at, doc) VALUES (?, ?, ?, ?)').run(e.id, tenantId, e.at, JSON.stringify(e));
    },
    bumpConfig(tenantId) {
      q('INSERT INTO config_versions (tenant_id, version) VALUES (?, 1) ON CONFLICT (tenant_id) DO UPDATE SET version = version + 1').run(tenantId);
    },
    one(sql, map, ...args) {
      const r = q(sql).get(...args) as Row | undefined;
      return r ? map(r) : null;
    },
    all(sql, map, ...args) {
      return (q(sql).all(...args) as Row[]).map((r) => map(r));
    },
  };
}

export function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: string }).code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** Maps a unique-constraint violation to a ConflictError. */
export function unique<T>(message: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (isUniqueViolation(err)) throw new ConflictError(message);
    throw err;
  }
}
