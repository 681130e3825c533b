import { randomUUID } from 'node:crypto';
import type { ClientSession } from 'mongoose';
import type { UserDataApi } from '../../../shared/action';
import type { SecretPath } from '../../../shared/secrets';
import type { Settings } from '../../../shared/settings';
import type { MongoCtx } from './mongo-context';
import type { TenantDoc } from './mongo-docs';
import { conflict } from './mongo-util';
import type { AuditEntry, Tenant, TenantsPort } from './port';
import { SETTINGS_SECRET_PATHS, USER_DATA_API_SECRET_PATHS, openSecrets, sealSecrets } from './secrets';

/** Tenants, their per-tenant documents (`tenant_docs`, secrets sealed) and the audit log on MongoDB. */
export function mongoTenants(ctx: MongoCtx): TenantsPort {
  const { m, box } = ctx;
  const getDoc = async <T>(tenantId: string, kind: string, paths: readonly SecretPath[]): Promise<T | null> => {
    const d = await m.Singleton.findOne({ _id: `${tenantId}:${kind}` }).lean();
    return d ? openSecrets(JSON.parse(d.doc) as T, paths, box) : null;
  };
  const putDoc = async (tenantId: string, kind: string, doc: unknown, paths: readonly SecretPath[], session: ClientSession | undefined): Promise<void> => {
    await m.Singleton.updateOne(
      { _id: `${tenantId}:${kind}` },
      { $set: { tenantId, kind, doc: JSON.stringify(sealSecrets(doc, paths, box)), updatedAt: new Date().toISOString() } },
      { upsert: true, session },
    );
  };
  return {
    async createTenant(name, tokenHash) {
      const t: Tenant = { id: randomUUID(), name, createdAt: new Date().toISOString() };
      await m.Tenant.insertOne({ _id: t.id, name, tokenHash, intercomAppId: null, createdAt: t.createdAt });
      return t;
    },
    async getTenant(id) {
      return tenant(await m.Tenant.findOne({ _id: id }).lean());
    },
    async tenantByTokenHash(tokenHash) {
      return tenant(await m.Tenant.findOne({ tokenHash }).lean());
    },
    async tenantByIntercomAppId(appId) {
      // The $type repeats the partial index's filter, so the planner may use that index.
      return tenant(await m.Tenant.findOne({ intercomAppId: { $eq: appId, $type: 'string' } }).lean());
    },
    async countTenants() {
      return m.Tenant.countDocuments();
    },

    async getUserDataApi(tenantId) {
      return getDoc<UserDataApi>(tenantId, 'user_data_api', USER_DATA_API_SECRET_PATHS);
    },
    async putUserDataApi(tenantId, doc, audit) {
      await ctx.write(async (session) => {
        await putDoc(tenantId, 'user_data_api', doc, USER_DATA_API_SECRET_PATHS, session);
        await ctx.audit(tenantId, audit, session);
        await ctx.bumpConfig(tenantId, session);
      });
    },
    async getSettings(tenantId) {
      return getDoc<Settings>(tenantId, 'settings', SETTINGS_SECRET_PATHS);
    },
    async putSettings(tenantId, doc, audit) {
      await ctx.write(async (session) => {
        // First, so that a conflict leaves nothing written even without a transaction.
        await conflict('this Intercom workspace is already connected to another tenant', () =>
          m.Tenant.updateOne({ _id: tenantId }, { $set: { intercomAppId: doc.intercom.appId } }, { session }),
        );
        await putDoc(tenantId, 'settings', doc, SETTINGS_SECRET_PATHS, session);
        await ctx.audit(tenantId, audit, session);
        await ctx.bumpConfig(tenantId, session);
      });
    },
    async listAudit(tenantId, limit) {
      if (limit <= 0) return [];
      const docs = await m.Audit.find({ tenantId }).sort({ _id: -1 }).limit(limit).lean();
      return docs.map((d) => JSON.parse(d.doc) as AuditEntry);
    },
  };
}

export function tenant(d: Pick<TenantDoc, '_id' | 'name' | 'createdAt'> | null): Tenant | null {
  return d ? { id: d._id, name: d.name, createdAt: d.createdAt } : null;
}
