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
  /**
   * Runs `fn` in the next group commit: every write queued while the event loop was busy runs
   * in one IMMEDIATE transaction, each in its own savepoint (a failing one is undone alone and
   * rejects alone), and each promise settles once the whole group is committed. A turn's save
   * writes ~10 pages (the conversation, its messages, the calls, their indexes); concurrent
   * turns share most index pages, and SQLite writes a page once per commit, not once per turn.
   */
  batch<T>(fn: () => T): Promise<T>;
  writeAudit(tenantId: string, a: AuditInput): void;
  /** The tenant's configuration counter (see Store.configVersion). */
  bumpConfig(tenantId: string): void;
  /** The first row of a query, mapped; null when there is none. */
  one<T>(sql: string, map: (r: Row) => T, ...args: unknown[]): T | null;
  /** Every row of a query, mapped. */
  all<T>(sql: string, map: (r: Row) => T, ...args: unknown[]): T[];
}

/** A write waiting for its group commit. */
interface Job {
  fn: () => unknown;
  resolve: (v: unknown) => void;
  reject: (err: unknown) => void;
}

export function sqliteContext(db: Database.Database, box: SecretBox): SqliteCtx {
  /** Each SQL text is prepared once: preparing costs more than most of these statements take to run. */
  const stmts = new Map<string, Database.Statement>();
  const q: Prepare = (sql) => {
    let s = stmts.get(sql);
    if (!s) stmts.set(sql, (s = db.prepare(sql)));
    return s;
  };
  // One transaction wrapper for every call (better-sqlite3 builds a function per `transaction()`);
  // called inside a transaction it becomes a savepoint.
  const inTx = db.transaction((fn: () => unknown) => fn());
  let group: Job[] = [];
  const flush = () => {
    const jobs = group;
    group = [];
    const done: { job: Job; ok: boolean; value: unknown }[] = [];
    try {
      inTx.immediate(() => {
        for (const job of jobs) {
          try {
            done.push({ job, ok: true, value: inTx(job.fn) });
          } catch (err) {
            done.push({ job, ok: false, value: err });
          }
        }
      });
    } catch (err) {
      // The commit itself failed (the file locked past busy_timeout, a full disk): nothing was written.
      for (const job of jobs) job.reject(err);
      return;
    }
    for (const d of done) (d.ok ? d.job.resolve : d.job.reject)(d.value);
  };
  return {
    db,
    q,
    box,
    tx: <T>(fn: () => T): T => inTx.immediate(fn) as T,
    batch: <T>(fn: () => T): Promise<T> =>
      new Promise<T>((resolve, reject) => {
        if (group.length === 0) setImmediate(flush);
        group.push({ fn, resolve: resolve as (v: unknown) => void, reject });
      }),
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
