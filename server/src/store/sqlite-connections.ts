import { randomUUID } from 'node:crypto';
import type { Connection, ConnectionSpec } from '../../../shared/connection';
import type { ActionRef, CachedToken, ConnectionsPort, DeleteConnectionResult, IdentityKey } from './port';
import { CONNECTION_SECRET_PATHS, openSecrets, sealSecrets } from './secrets';
import { insertAction } from './sqlite-actions';
import type { SqliteCtx } from './sqlite-context';
import type { Row } from './sqlite-schema';

/**
 * Connections, the OAuth token cache and identity keys on SQLite. Configuration writes carry
 * their audit entry and the config version in the same transaction.
 */
export function sqliteConnections(ctx: SqliteCtx): ConnectionsPort {
  const { q, box } = ctx;
  const fromRow = (r: Row): Connection => {
    const spec = openSecrets(JSON.parse(r.doc as string) as ConnectionSpec, CONNECTION_SECRET_PATHS, box);
    return { id: r.id as string, ...spec, createdAt: r.created_at as string, updatedAt: r.updated_at as string };
  };
  const insert = (tenantId: string, spec: ConnectionSpec): Connection => {
    const now = new Date().toISOString();
    const id = randomUUID();
    const doc = JSON.stringify(sealSecrets(spec, CONNECTION_SECRET_PATHS, box));
    q('INSERT INTO connections (id, tenant_id, name, doc, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)').run(id, tenantId, spec.name, doc, now, now);
    return { id, ...spec, createdAt: now, updatedAt: now };
  };
  const usedBy = (tenantId: string, id: string): ActionRef[] =>
    q('SELECT id, name FROM actions WHERE tenant_id = ? AND connection_id = ? ORDER BY name').all(tenantId, id) as ActionRef[];
  const getToken = (key: string): CachedToken | null => {
    const r = q('SELECT doc FROM oauth_tokens WHERE key = ?').get(key) as Row | undefined;
    if (!r) return null;
    const d = JSON.parse(r.doc as string) as CachedToken;
    return { ...d, accessToken: box.open(d.accessToken), check: box.open(d.check) };
  };
  const key = (r: Row): IdentityKey => ({
    kid: r.kid as string,
    publicJwk: JSON.parse(r.public_jwk as string),
    privateJwk: JSON.parse(box.open(r.private_jwk as string)),
    createdAt: r.created_at as string,
    retiredAt: (r.retired_at as string | null) ?? null,
  });
  const keys = (tenantId: string): IdentityKey[] => ctx.all('SELECT * FROM identity_keys WHERE tenant_id = ? ORDER BY created_at, kid', key, tenantId);
  const insertKey = (tenantId: string, k: IdentityKey): void => {
    q('INSERT INTO identity_keys (tenant_id, kid, public_jwk, private_jwk, created_at, retired_at) VALUES (?, ?, ?, ?, ?, NULL)').run(
      tenantId,
      k.kid,
      JSON.stringify(k.publicJwk),
      box.seal(JSON.stringify(k.privateJwk)),
      k.createdAt,
    );
  };

  return {
    async listConnections(tenantId) {
      return ctx.all('SELECT * FROM connections WHERE tenant_id = ? ORDER BY name, id', fromRow, tenantId);
    },
    async getConnection(tenantId, id) {
      return ctx.one('SELECT * FROM connections WHERE tenant_id = ? AND id = ?', fromRow, tenantId, id);
    },
    async createConnection(tenantId, spec, audit) {
      return ctx.tx(() => {
        const c = insert(tenantId, spec);
        ctx.writeAudit(tenantId, { ...audit, entityId: c.id });
        ctx.bumpConfig(tenantId);
        return c;
      });
    },
    async replaceConnection(tenantId, id, spec, audit) {
      const doc = JSON.stringify(sealSecrets(spec, CONNECTION_SECRET_PATHS, box));
      return ctx.tx(() => {
        const r = q('UPDATE connections SET name = ?, doc = ?, updated_at = ? WHERE tenant_id = ? AND id = ? RETURNING *').get(spec.name, doc, new Date().toISOString(), tenantId, id) as
          | Row
          | undefined;
        if (!r) return null;
        ctx.writeAudit(tenantId, audit);
        ctx.bumpConfig(tenantId);
        return fromRow(r);
      });
    },
    async deleteConnection(tenantId, id, audit) {
      return ctx.tx((): DeleteConnectionResult => {
        const users = usedBy(tenantId, id);
        if (users.length > 0) return { deleted: false, usedBy: users };
        if (q('DELETE FROM connections WHERE tenant_id = ? AND id = ?').run(tenantId, id).changes !== 1) return { deleted: false, usedBy: [] };
        ctx.writeAudit(tenantId, audit);
        ctx.bumpConfig(tenantId);
        return { deleted: true };
      });
    },
    async actionsOnConnection(tenantId, connectionId) {
      return usedBy(tenantId, connectionId);
    },
    async createConnectionWithActions(tenantId, spec, actions, audit) {
      return ctx.tx(() => {
        const connection = insert(tenantId, spec);
        ctx.writeAudit(tenantId, { actor: audit.actor, entity: 'connection', entityId: connection.id, op: 'create', changes: audit.connection });
        const created = actions.map((a, i) =>
          insertAction(
            ctx,
            tenantId,
            { ...a, connectionId: connection.id },
            { actor: audit.actor, entity: 'action', entityId: null, op: 'create', changes: audit.actions[i] ?? [] },
          ),
        );
        ctx.bumpConfig(tenantId);
        return { connection, actions: created };
      });
    },

    // ---- OAuth token cache
    async getCachedToken(k) {
      return getToken(k);
    },
    async putCachedToken(t) {
      const doc = JSON.stringify({ ...t, accessToken: box.seal(t.accessToken), check: box.seal(t.check) });
      q('INSERT INTO oauth_tokens (key, doc, refresh_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET doc = excluded.doc, refresh_at = excluded.refresh_at').run(
        t.key,
        doc,
        t.refreshAt,
      );
    },
    /** Compares the opened token: sealing is randomised, so the stored text cannot be matched. */
    async deleteCachedToken(k, accessToken) {
      return ctx.tx(() => {
        const current = getToken(k);
        if (!current || current.accessToken !== accessToken) return false;
        return q('DELETE FROM oauth_tokens WHERE key = ?').run(k).changes === 1;
      });
    },

    // ---- identity keys
    async identityKeys(tenantId) {
      return keys(tenantId);
    },
    async ensureIdentityKey(tenantId, candidate) {
      return ctx.tx(() => {
        const active = ctx.one('SELECT * FROM identity_keys WHERE tenant_id = ? AND retired_at IS NULL', key, tenantId);
        if (active) return active;
        insertKey(tenantId, candidate);
        return { ...candidate, retiredAt: null };
      });
    },
    async rotateIdentityKey(tenantId, candidate, forgetBefore, audit) {
      return ctx.tx(() => {
        q('UPDATE identity_keys SET retired_at = ? WHERE tenant_id = ? AND retired_at IS NULL').run(candidate.createdAt, tenantId);
        insertKey(tenantId, candidate);
        q('DELETE FROM identity_keys WHERE tenant_id = ? AND retired_at IS NOT NULL AND retired_at < ?').run(tenantId, forgetBefore.toISOString());
        ctx.writeAudit(tenantId, audit);
        return keys(tenantId);
      });
    },
  };
}
