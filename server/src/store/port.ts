import type { Action, ActionSpec, UserDataApi } from '../../../shared/action';
import type { Connection, ConnectionSpec } from '../../../shared/connection';
import type { CallRecord, Channel, Conversation } from '../../../shared/conversation';
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

/** A webhook delivery waiting to be processed. */
export interface InboxItem {
  id: string;
  tenantId: string;
  source: 'zendesk' | 'intercom';
  /** Deliveries with the same (source, dedupeKey) are stored once. */
  dedupeKey: string;
  /** Items with the same key are processed one at a time, in arrival order. */
  conversationKey: string;
  payload: unknown;
  attempts: number;
  createdAt: string;
}

export type AuditInput = Omit<AuditEntry, 'id' | 'tenantId' | 'at'>;

/** Where a proposal is in its confirmation life: pending -> confirmed -> running -> done | failed; or declined / expired. */
export type ProposalStatus = 'pending' | 'confirmed' | 'running' | 'done' | 'failed' | 'declined' | 'expired';

/** A write action waiting for (or past) its confirmation; kept apart from the conversation so its status is a compare-and-set. */
export interface StoredProposal {
  id: string;
  tenantId: string;
  conversationId: string;
  action: string;
  actionId: string;
  actionVersion: number;
  arguments: Record<string, unknown>;
  /** The rendered request (values filled, secrets masked) shown to whoever confirms. */
  request: { method: string; url: string; headers: Record<string, string>; body: string | null };
  turnId: string;
  status: ProposalStatus;
  /** Intercom quick-reply option uuids, when the question went out as buttons. */
  options?: { confirm: string; decline: string };
  result?: { ok: boolean; status: number | null; errorType?: string; excerpt: string };
  createdAt: string;
  updatedAt: string;
  expiresAt: string;
}

/** The proposal states nothing moves out of: prune may delete them. */
export const FINISHED_PROPOSAL_STATUSES: readonly ProposalStatus[] = ['done', 'failed', 'declined', 'expired'];

export type TokenScope = 'sidebar' | 'mcp';

/** A tenant's scoped token (Zendesk sidebar, MCP). Only its hash is stored. */
export interface ScopedToken {
  id: string;
  tenantId: string;
  name: string;
  scope: TokenScope;
  /** last 4 chars of the token, for the list */
  hint: string;
  createdAt: string;
  lastUsedAt: string | null;
}

/** One saved version of an action: every create and replace writes one. */
export interface ActionVersion {
  actionId: string;
  version: number;
  spec: ActionSpec;
  actor: string;
  at: string;
  changes: AuditEntry['changes'];
}

/** Per-action call statistics (test runs and calls waiting for confirmation excluded). */
export interface ActionStat {
  action: string;
  calls: number;
  errors: number;
  errorRate: number;
  p50Ms: number | null;
  p95Ms: number | null;
}

/** How many rows of each kind one `prune` call deleted. */
export interface PruneCounts {
  conversations: number;
  calls: number;
  audit: number;
  proposals: number;
}

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

/** A page of a newest-first list; `nextCursor` (opaque) fetches the next one, null at the end. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface CallFilter {
  conversationId?: string;
  action?: string;
  /** `ok`, `error`, or an error type such as `timeout`. */
  status?: string;
  limit?: number;
}

/**
 * The persistence port. Both adapters (embedded SQLite, MongoDB) implement it and pass
 * the same contract suite. Secrets go in and come out plain; adapters seal them at rest.
 * Every method is async so that either adapter fits.
 */
export interface Store {
  readonly kind: 'sqlite' | 'mongodb';
  close(): Promise<void>;

  createTenant(name: string, tokenHash: string): Promise<Tenant>;
  getTenant(id: string): Promise<Tenant | null>;
  tenantByTokenHash(tokenHash: string): Promise<Tenant | null>;
  tenantByIntercomAppId(appId: string): Promise<Tenant | null>;
  countTenants(): Promise<number>;

  listActions(tenantId: string): Promise<Action[]>;
  getAction(tenantId: string, id: string): Promise<Action | null>;
  /**
   * Throws ConflictError on a duplicate name, ValidationError when `spec.connectionId` names no
   * connection of the tenant. The audit entry is written in the same transaction.
   */
  createAction(tenantId: string, spec: ActionSpec, audit: AuditInput): Promise<Action>;
  /** Returns null when the action does not exist. Throws as createAction. */
  replaceAction(tenantId: string, id: string, spec: ActionSpec, audit: AuditInput): Promise<Action | null>;
  deleteAction(tenantId: string, id: string, audit: AuditInput): Promise<boolean>;
  /** Every create and replace wrote one (same transaction); newest first. */
  listActionVersions(tenantId: string, actionId: string): Promise<Omit<ActionVersion, 'spec'>[]>;
  /** A saved version, spec with plain secrets; null when unknown (or another tenant's). */
  getActionVersion(tenantId: string, actionId: string, version: number): Promise<ActionVersion | null>;
  /**
   * A counter bumped in the same transaction by every change of the tenant's configuration (actions,
   * connections, User Data API, settings): a cheap read other instances use to invalidate their caches. 0 before any change.
   */
  configVersion(tenantId: string): Promise<number>;

  // ---- connections (writes bump configVersion, with an audit entry, in one transaction)
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

  getUserDataApi(tenantId: string): Promise<UserDataApi | null>;
  putUserDataApi(tenantId: string, doc: UserDataApi, audit: AuditInput): Promise<void>;
  getSettings(tenantId: string): Promise<Settings | null>;
  /** Also indexes `intercom.appId` for webhook routing; a workspace belongs to one tenant (ConflictError). */
  putSettings(tenantId: string, doc: Settings, audit: AuditInput): Promise<void>;
  listAudit(tenantId: string, limit: number): Promise<AuditEntry[]>;

  /** Throws ConflictError when (channel, externalId) is taken. */
  createConversation(c: Conversation): Promise<void>;
  getConversation(tenantId: string, id: string): Promise<Conversation | null>;
  conversationByExternalId(tenantId: string, channel: Channel, externalId: string): Promise<Conversation | null>;
  /** Optimistic: writes only if the stored version is `c.version - 1`; false when someone else wrote first. */
  updateConversation(c: Conversation): Promise<boolean>;
  listConversations(tenantId: string, opts: { limit: number; channel?: Channel }): Promise<Conversation[]>;
  /** Newest (updatedAt) first, stable under inserts. A malformed cursor is a ValidationError. */
  pageConversations(tenantId: string, opts: { limit: number; channel?: Channel; cursor?: string }): Promise<Page<Conversation>>;
  /**
   * A turn's writes: the conversation (created when `opts.create`, else an optimistic update as
   * updateConversation) and its call records. The calls are stored whatever happens to the
   * conversation write (they were made). Returns false when the update lost the race; a duplicate
   * (channel, externalId) on create throws ConflictError. One transaction on SQLite.
   */
  saveTurn(c: Conversation, calls: CallRecord[], opts: { create: boolean }): Promise<boolean>;

  addCalls(tenantId: string, calls: CallRecord[]): Promise<void>;
  listCalls(tenantId: string, filter: CallFilter): Promise<CallRecord[]>;
  /** Newest first in insertion order (across instances), stable under inserts. A malformed cursor is a ValidationError. */
  pageCalls(tenantId: string, filter: CallFilter & { cursor?: string }): Promise<Page<CallRecord>>;
  /** Per action since `since`, sorted by action; test runs and `needs_confirmation` calls count nowhere. */
  actionStats(tenantId: string, since: Date): Promise<ActionStat[]>;
  /**
   * Retention, across all tenants: deletes conversations (by updatedAt), calls, audit entries and
   * finished (or expired) proposals older than `before`, at most `batch` of each kind per call.
   * The caller loops until every count is 0.
   */
  prune(before: Date, batch: number): Promise<PruneCounts>;

  // ---- proposals
  createProposal(p: StoredProposal): Promise<void>;
  getProposal(tenantId: string, id: string): Promise<StoredProposal | null>;
  /** Oldest first. */
  listProposals(tenantId: string, conversationId: string): Promise<StoredProposal[]>;
  /**
   * Compare-and-set: moves to `to` (merging `patch`, setting updatedAt) only if the current status is in `from`.
   * Returns the updated proposal, or null when the status did not match (or no such proposal). Atomic on both adapters.
   */
  transitionProposal(
    tenantId: string,
    id: string,
    from: ProposalStatus[],
    to: ProposalStatus,
    patch?: Partial<Pick<StoredProposal, 'result' | 'options'>>,
  ): Promise<StoredProposal | null>;
  /** The proposal whose options.confirm or options.decline equals uuid (Intercom quick reply). */
  proposalByOption(tenantId: string, uuid: string): Promise<StoredProposal | null>;

  // ---- scoped tokens
  /** The caller hashes the token; only the hash is stored (unique: ConflictError on a duplicate). */
  createToken(tenantId: string, t: { name: string; scope: TokenScope; tokenHash: string; hint: string }): Promise<ScopedToken>;
  /** Oldest first. */
  listTokens(tenantId: string): Promise<ScopedToken[]>;
  deleteToken(tenantId: string, id: string): Promise<boolean>;
  /** The token and its tenant for a token hash; null when unknown or revoked. Records the use (lastUsedAt, at most once a minute). */
  tokenByHash(tokenHash: string): Promise<{ token: ScopedToken; tenant: Tenant } | null>;

  /** Stores a delivery unless one with the same (source, dedupeKey) exists; true when stored. */
  enqueue(item: Omit<InboxItem, 'id' | 'attempts' | 'createdAt'>): Promise<boolean>;
  /**
   * Atomically leases the oldest claimable item to `owner` for `leaseMs`: pending (or whose lease expired),
   * due, and with no earlier unfinished item and no live lease in its conversation.
   */
  claim(owner: string, leaseMs: number): Promise<InboxItem | null>;
  /** Marks done; false if the lease was lost to another worker or has expired (fenced: another may hold it now). */
  complete(id: string, owner: string): Promise<boolean>;
  /** Gives the item back for a retry at `retryAt`, or marks it dead when `retryAt` is null. Fenced as `complete`. */
  fail(id: string, owner: string, error: string, retryAt: Date | null): Promise<void>;
  /**
   * Deletes finished (done or dead) deliveries received before `before`; returns how many.
   * Deduplication only needs the recent ones: helpdesks retry within hours.
   */
  pruneInbox(before: Date): Promise<number>;
  /** True while a conversation has a delivery waiting or in progress (e.g. a draft being made). */
  hasUnfinished(conversationKey: string): Promise<boolean>;
  inboxCounts(): Promise<{ pending: number; leased: number; done: number; dead: number }>;
}
