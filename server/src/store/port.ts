import type { Action, ActionSpec, UserDataApi } from '../../../shared/action';
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
  entity: 'action' | 'user_data_api' | 'settings';
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
  /** Throws ConflictError on a duplicate name. The audit entry is written in the same transaction. */
  createAction(tenantId: string, spec: ActionSpec, audit: AuditInput): Promise<Action>;
  /** Returns null when the action does not exist. Throws ConflictError on a duplicate name. */
  replaceAction(tenantId: string, id: string, spec: ActionSpec, audit: AuditInput): Promise<Action | null>;
  deleteAction(tenantId: string, id: string, audit: AuditInput): Promise<boolean>;

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

  addCalls(tenantId: string, calls: CallRecord[]): Promise<void>;
  listCalls(tenantId: string, filter: CallFilter): Promise<CallRecord[]>;

  /** Stores a delivery unless one with the same (source, dedupeKey) exists; true when stored. */
  enqueue(item: Omit<InboxItem, 'id' | 'attempts' | 'createdAt'>): Promise<boolean>;
  /**
   * Atomically leases the oldest claimable item to `owner` for `leaseMs`: pending (or whose lease expired),
   * due, and with no earlier unfinished item and no live lease in its conversation.
   */
  claim(owner: string, leaseMs: number): Promise<InboxItem | null>;
  /** Marks done; false if the lease was lost to another worker. */
  complete(id: string, owner: string): Promise<boolean>;
  /** Gives the item back for a retry at `retryAt`, or marks it dead when `retryAt` is null. */
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
