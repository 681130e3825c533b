import { randomUUID } from 'node:crypto';
import type { Action, ActionSpec } from '../../../shared/action';
import { ValidationError } from '../errors';
import type { ActionsPort, AuditInput } from './port';
import { ACTION_SECRET_PATHS, openSecrets, sealSecrets } from './secrets';
import { unique, type SqliteCtx } from './sqlite-context';
import type { Row } from './sqlite-schema';

/** Actions and their versions on SQLite; every write bumps the configuration counter in its transaction. */
export function sqliteActions(ctx: SqliteCtx): ActionsPort {
  const { q, box } = ctx;
  const fromRow = (r: Row): Action => {
    const spec = openSecrets(JSON.parse(r.doc as string) as ActionSpec, ACTION_SECRET_PATHS, box);
    return { id: r.id as string, ...spec, version: r.version as number, createdAt: r.created_at as string, updatedAt: r.updated_at as string };
  };
  return {
    async listActions(tenantId) {
      return ctx.all('SELECT * FROM actions WHERE tenant_id = ? ORDER BY name', fromRow, tenantId);
    },
    async getAction(tenantId, id) {
      return ctx.one('SELECT * FROM actions WHERE tenant_id = ? AND id = ?', fromRow, tenantId, id);
    },
    async createAction(tenantId, spec, audit) {
      return ctx.tx(() => {
        const action = insertAction(ctx, tenantId, spec, audit);
        ctx.bumpConfig(tenantId);
        return action;
      });
    },
    async replaceAction(tenantId, id, spec, audit) {
      const now = new Date().toISOString();
      const doc = JSON.stringify(sealSecrets(spec, ACTION_SECRET_PATHS, box));
      const row = ctx.tx(() => {
        checkConnection(ctx, tenantId, spec);
        const r = unique(
          `an action named ${spec.name} already exists`,
          () =>
            q('UPDATE actions SET name = ?, doc = ?, version = version + 1, updated_at = ?, connection_id = ? WHERE tenant_id = ? AND id = ? RETURNING *').get(
              spec.name,
              doc,
              now,
              spec.connectionId ?? null,
              tenantId,
              id,
            ) as Row | undefined,
        );
        if (!r) return undefined;
        writeVersion(ctx, tenantId, id, r.version as number, doc, audit, now);
        ctx.writeAudit(tenantId, audit);
        ctx.bumpConfig(tenantId);
        return r;
      });
      return row ? fromRow(row) : null;
    },
    async deleteAction(tenantId, id, audit) {
      return ctx.tx(() => {
        if (q('DELETE FROM actions WHERE tenant_id = ? AND id = ?').run(tenantId, id).changes !== 1) return false;
        ctx.writeAudit(tenantId, audit);
        ctx.bumpConfig(tenantId);
        return true;
      });
    },
    async listActionVersions(tenantId, actionId) {
      return ctx.all(
        'SELECT action_id, version, actor, at, changes FROM action_versions WHERE tenant_id = ? AND action_id = ? ORDER BY version DESC',
        (r) => ({ actionId: r.action_id as string, version: r.version as number, actor: r.actor as string, at: r.at as string, changes: JSON.parse(r.changes as string) }),
        tenantId,
        actionId,
      );
    },
    async getActionVersion(tenantId, actionId, version) {
      const spec = (r: Row) => openSecrets(JSON.parse(r.doc as string) as ActionSpec, ACTION_SECRET_PATHS, box);
      const sql = 'SELECT * FROM action_versions WHERE tenant_id = ? AND action_id = ? AND version = ?';
      return ctx.one(sql, (r) => ({ actionId, version, spec: spec(r), actor: r.actor as string, at: r.at as string, changes: JSON.parse(r.changes as string) }), tenantId, actionId, version);
    },
    async configVersion(tenantId) {
      return ctx.one('SELECT version FROM config_versions WHERE tenant_id = ?', (r) => r.version as number, tenantId) ?? 0;
    },
  };
}

/** Inserts an action with its first version and audit entry; the caller runs it inside a transaction. */
export function insertAction(ctx: SqliteCtx, tenantId: string, spec: ActionSpec, audit: AuditInput): Action {
  const now = new Date().toISOString();
  const id = randomUUID();
  const doc = JSON.stringify(sealSecrets(spec, ACTION_SECRET_PATHS, ctx.box));
  checkConnection(ctx, tenantId, spec);
  unique(`an action named ${spec.name} already exists`, () =>
    ctx
      .q('INSERT INTO actions (id, tenant_id, name, doc, version, created_at, updated_at, connection_id) VALUES (?, ?, ?, ?, 1, ?, ?, ?)')
      .run(id, tenantId, spec.name, doc, now, now, spec.connectionId ?? null),
  );
  writeVersion(ctx, tenantId, id, 1, doc, audit, now);
  ctx.writeAudit(tenantId, { ...audit, entityId: id });
  return { id, ...spec, version: 1, createdAt: now, updatedAt: now };
}

/** In the writing transaction, so a connection deleted meanwhile cannot be named. */
function checkConnection(ctx: SqliteCtx, tenantId: string, spec: ActionSpec): void {
  if (spec.connectionId && ctx.q('SELECT 1 FROM connections WHERE tenant_id = ? AND id = ?').get(tenantId, spec.connectionId) === undefined) {
    throw new ValidationError('invalid request body', [{ path: 'connectionId', message: 'no connection with this id' }]);
  }
}

function writeVersion(ctx: SqliteCtx, tenantId: string, actionId: string, version: number, sealedDoc: string, a: AuditInput, at: string): void {
  ctx
    .q('INSERT INTO action_versions (tenant_id, action_id, version, doc, actor, at, changes) VALUES (?, ?, ?, ?, ?, ?, ?)')
    .run(tenantId, actionId, version, sealedDoc, a.actor, at, JSON.stringify(a.changes));
}
