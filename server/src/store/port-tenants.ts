import type { UserDataApi } from '../../../shared/action';
import type { Settings } from '../../../shared/settings';

/** A tenant: one helpdesk workspace with its own actions, settings and logs. */
export interface Tenant {
  id: string;
  name: string;
  createdAt: string;
}

/** One recorded configuration change. Secret values never appear: only "changed". */
export interface AuditEntry {
  id: string;
  tenantId: string;
  at: string;
  actor: string;
  entity: 'action' | 'user_data_api' | 'settings' | 'connection' | 'identity_key';
  entityId: string | null;
  op: 'create' | 'update' | 'delete';
  /** Each changed field: its path, and old/new values (secrets shown as "changed"). */
  changes: { path: string; from?: unknown; to?: unknown }[];
}

export type AuditInput = Omit<AuditEntry, 'id' | 'tenantId' | 'at'>;

/** Tenants, their per-tenant documents (User Data API, settings) and their audit log. */
export interface TenantsPort {
  createTenant(name: string, tokenHash: string): Promise<Tenant>;
  getTenant(id: string): Promise<Tenant | null>;
  tenantByTokenHash(tokenHash: string): Promise<Tenant | null>;
  tenantByIntercomAppId(appId: string): Promise<Tenant | null>;
  countTenants(): Promise<number>;

  getUserDataApi(tenantId: string): Promise<UserDataApi | null>;
  putUserDataApi(tenantId: string, doc: UserDataApi, audit: AuditInput): Promise<void>;
  getSettings(tenantId: string): Promise<Settings | null>;
  /** Also indexes `intercom.appId` for webhook routing; a workspace belongs to one tenant (ConflictError). */
  putSettings(tenantId: string, doc: Settings, audit: AuditInput): Promise<void>;
  listAudit(tenantId: string, limit: number): Promise<AuditEntry[]>;
}
