import { randomUUID } from 'node:crypto';
import type { UserDataApi } from '../../../shared/action';
import type { SecretPath } from '../../../shared/secrets';
import type { Settings } from '../../../shared/settings';
import type { AuditEntry, Tenant, TenantsPort } from './port';
import { SETTINGS_SECRET_PATHS, USER_DATA_API_SECRET_PATHS, openSecrets, sealSecrets } from './secrets';
import { unique, type SqliteCtx } from './sqlite-context';
import type { Row } from './sqlite-schema';

/** Tenants, their per-tenant documents (`docs`, secrets sealed) and the audit log on SQLite. */
export function sqliteTenants(ctx: SqliteCtx): TenantsPort {
  const { q, box } = ctx;
  const getDoc = <T>(tenantId: string, kind: string, paths: readonly SecretPath[]): T | null => {
    const r = q('SELECT doc FROM docs WHERE tenant_id = ? AND kind = ?').get(tenantId, kind) as Row | undefined;
    return r ? openSecrets(JSON.parse(r.doc as string) as T, paths, box) : null;
  };
  const putDoc = (tenantId: string, kind: string, doc: unknown, paths: readonly SecretPath[]): void => {
    q(
      'INSERT INTO docs (tenant_id, kind, doc, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (tenant_id, kind) DO UPDATE SET doc = excluded.doc, updated_at = excluded.updated_at',
    ).run(tenantId, kind, JSON.stringify(sealSecrets(doc, paths, box)), new Date().toISOString());
  };
  return {
    async createTenant(name, tokenHash) {
      const t: Tenant = { id: randomUUID(), name, createdAt: new Date().toISOString() };
      q('INSERT INTO tenants (id, name, token_hash, created_at) VALUES (?, ?, ?, ?)').run(t.id, name, tokenHash, t.createdAt);
      return t;
    },
    async getTenant(id) {
      return tenant(q('SELECT * FROM tenants WHERE id = ?').get(id) as Row | undefined);
    },
    async tenantByTokenHash(h) {
      return tenant(q('SELECT * FROM tenants WHERE token_hash = ?').get(h) as Row | undefined);
    },
    async tenantByIntercomAppId(appId) {
      return tenant(q('SELECT * FROM tenants WHERE intercom_app_id = ?').get(appId) as Row | undefined);
    },
    async countTenants() {
      return (q('SELECT COUNT(*) n FROM tenants').get() as { n: number }).n;
    },

    async getUserDataApi(tenantId) {
      return getDoc<UserDataApi>(tenantId, 'user_data_api', USER_DATA_API_SECRET_PATHS);
    },
    async putUserDataApi(tenantId, doc, audit) {
      ctx.tx(() => {
        putDoc(tenantId, 'user_data_api', doc, USER_DATA_API_SECRET_PATHS);
        ctx.writeAudit(tenantId, audit);
        ctx.bumpConfig(tenantId);
      });
    },
    async getSettings(tenantId) {
      return getDoc<Settings>(tenantId, 'settings', SETTINGS_SECRET_PATHS);
    },
    async putSettings(tenantId, doc, audit) {
      ctx.tx(() => {
        unique('this Intercom workspace is already connected to another tenant', () =>
          q('UPDATE tenants SET intercom_app_id = ? WHERE id = ?').run(doc.intercom.appId, tenantId),
        );
        putDoc(tenantId, 'settings', doc, SETTINGS_SECRET_PATHS);
        ctx.writeAudit(tenantId, audit);
        ctx.bumpConfig(tenantId);
      });
    },
    async listAudit(tenantId, limit) {
      const rows = q('SELECT doc FROM audit WHERE tenant_id = ? ORDER BY seq DESC LIMIT ?').all(tenantId, limit) as Row[];
      return rows.map((r) => JSON.parse(r.doc as string) as AuditEntry);
    },
  };
}

function tenant(r: Row | undefined): Tenant | null {
  return r ? { id: r.id as string, name: r.name as string, createdAt: r.created_at as string } : null;
}
