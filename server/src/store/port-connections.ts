import type { Action, ActionSpec } from '../../../shared/action';
import type { Connection, ConnectionSpec } from '../../../shared/connection';
import type { AuditEntry, AuditInput } from './port-tenants';

/** Who imported, and the audit changes of the connection and of each action (same order). */
export interface ImportAudit {
  actor: string;
  connection: AuditEntry['changes'];
  actions: AuditEntry['changes'][];
}

/** An action that uses a connection (what a refused delete lists). */
export interface ActionRef {
  id: string;
  name: string;
}

/** The outcome of deleting a connection: refused while actions use it. */
export type DeleteConnectionResult = { deleted: true } | { deleted: false; usedBy: ActionRef[] };

/**
 * An OAuth access token shared by every instance. `accessToken` and `check` go in and come out
 * plain; the adapters seal them at rest.
 */
export interface CachedToken {
  /** Tenant, owner (connection) and a hash of the token request's non-secret settings. */
  key: string;
  accessToken: string;
  /** Fingerprint of the credentials it was obtained with: a changed secret makes the entry a miss. */
  check: string;
  /** Epoch ms after which it is not used (shortly before the server's expiry). */
  refreshAt: number;
}

/** One signing key of a tenant's identity assertions; the private JWK goes in and out plain, sealed at rest. */
export interface IdentityKey {
  kid: string;
  publicJwk: Record<string, unknown>;
  privateJwk: Record<string, unknown>;
  createdAt: string;
  /** When a rotation replaced it; null for the active key (one per tenant). */
  retiredAt: string | null;
}

/** Connections (writes bump configVersion, with an audit entry, in one transaction), the OAuth token cache and identity keys. */
export interface ConnectionsPort {
  /** By name. */
  listConnections(tenantId: string): Promise<Connection[]>;
  getConnection(tenantId: string, id: string): Promise<Connection | null>;
  createConnection(tenantId: string, spec: ConnectionSpec, audit: AuditInput): Promise<Connection>;
  /** Null when it does not exist. */
  replaceConnection(tenantId: string, id: string, spec: ConnectionSpec, audit: AuditInput): Promise<Connection | null>;
  /** Refused (nothing written) while actions use it; `{deleted: false, usedBy: []}` when it does not exist. */
  deleteConnection(tenantId: string, id: string, audit: AuditInput): Promise<DeleteConnectionResult>;
  /** The actions whose connectionId is this connection, by name. */
  actionsOnConnection(tenantId: string, connectionId: string): Promise<ActionRef[]>;
  /**
   * Creates a connection and actions on it (their connectionId is set to it) in one transaction:
   * a duplicate action name (ConflictError) leaves nothing written. One audit entry per document.
   */
  createConnectionWithActions(tenantId: string, spec: ConnectionSpec, actions: ActionSpec[], audit: ImportAudit): Promise<{ connection: Connection; actions: Action[] }>;

  // ---- OAuth token cache (shared by every instance; not configuration: no audit, no configVersion)
  getCachedToken(key: string): Promise<CachedToken | null>;
  putCachedToken(token: CachedToken): Promise<void>;
  /** Deletes the entry only while it still holds `accessToken` (another instance may have refreshed it). */
  deleteCachedToken(key: string, accessToken: string): Promise<boolean>;

  // ---- identity assertion keys
  /** Every kept key of the tenant, oldest first. */
  identityKeys(tenantId: string): Promise<IdentityKey[]>;
  /** The active key; stores `candidate` as the active key when there is none (racing instances agree on one). */
  ensureIdentityKey(tenantId: string, candidate: IdentityKey): Promise<IdentityKey>;
  /**
   * Retires the active key, makes `candidate` active, and deletes keys retired before
   * `forgetBefore`, in one transaction. Returns the kept keys, oldest first.
   */
  rotateIdentityKey(tenantId: string, candidate: IdentityKey, forgetBefore: Date, audit: AuditInput): Promise<IdentityKey[]>;
}
