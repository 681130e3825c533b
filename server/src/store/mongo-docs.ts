import type { Types } from 'mongoose';

/*
 * MongoDB collections of the store. Payloads (action specs, settings, conversations, call
 * records, webhook bodies, audit entries) are kept as opaque JSON text in `doc`, as in the
 * SQLite adapter: webhook bodies and header maps may carry keys with "." or "$" that MongoDB
 * field names cannot, and JSON text round-trips exactly (no dropped empty objects, no
 * undefined turned into null). The fields beside `doc` are the ones queries and indexes need.
 */

export interface TenantDoc {
  _id: string;
  name: string;
  tokenHash: string;
  intercomAppId: string | null;
  createdAt: string;
}
export interface ActionDoc {
  _id: string;
  tenantId: string;
  name: string;
  /** The spec as JSON, secrets sealed. */
  doc: string;
  version: number;
  createdAt: string;
  updatedAt: string;
  /** The spec's connectionId, for "which actions use this connection" (absent on older documents). */
  connectionId?: string | null;
}
export interface ConnectionDoc {
  _id: string;
  tenantId: string;
  name: string;
  /** The spec as JSON, secrets sealed. */
  doc: string;
  createdAt: string;
  updatedAt: string;
}
/** `_id` is the cache key; `doc` holds the token and its check, sealed. */
export interface OAuthTokenDoc {
  _id: string;
  doc: string;
  refreshAt: Date;
}
/** `_id` is `tenantId:kid`; `active` is true for the one key a tenant signs with. */
export interface IdentityKeyDoc {
  _id: string;
  tenantId: string;
  kid: string;
  publicJwk: string;
  /** Sealed JSON. */
  privateJwk: string;
  createdAt: string;
  retiredAt: string | null;
  active: boolean;
}
/** Per-tenant singletons (`user_data_api`, `settings`); `_id` is `tenantId:kind`. */
export interface SingletonDoc {
  _id: string;
  tenantId: string;
  kind: string;
  doc: string;
  updatedAt: string;
}
/** `_id` is a client-made ObjectId: it orders entries by creation (per process, and by second across processes). */
export interface AuditDoc {
  _id: Types.ObjectId;
  id: string;
  tenantId: string;
  /** For retention; absent on entries written before it was added (their `_id` carries the time). */
  at?: Date;
  doc: string;
}
export interface ConversationDoc {
  _id: string;
  tenantId: string;
  channel: string;
  externalId: string | null;
  /** The conversation as JSON with `messages: null`; documents written before `messages` existed hold them here. */
  doc: string;
  /** One JSON text per message, in order: a turn pushes its new ones instead of rewriting the history. */
  messages?: string[];
  version: number;
  updatedAt: Date;
}
export interface CallDoc {
  _id: Types.ObjectId;
  /** Insertion order across instances, from the `counters` collection (null on records written before it). */
  seq: number | null;
  id: string;
  tenantId: string;
  conversationId: string | null;
  action: string;
  ok: boolean;
  errorType: string | null;
  at?: Date;
  durationMs?: number;
  test?: boolean;
  doc: string;
}
/** A proposal: its mutable parts are fields, the rest JSON written once (arguments may hold keys with "." or "$"). */
export interface ProposalDoc {
  _id: string;
  tenantId: string;
  conversationId: string;
  status: string;
  /** options.confirm and options.decline, for the quick-reply lookup. */
  optionIds: string[];
  options: string | null;
  result: string | null;
  doc: string;
  /** Creation order within one conversation (one turn at a time writes them). */
  order: Types.ObjectId;
  updatedAt: Date;
  expiresAt: Date;
}
export interface TokenDoc {
  _id: string;
  tenantId: string;
  name: string;
  scope: string;
  tokenHash: string;
  hint: string;
  createdAt: string;
  lastUsedAt: string | null;
}
/** `_id` is `actionId:version`. */
export interface ActionVersionDoc {
  _id: string;
  tenantId: string;
  actionId: string;
  version: number;
  /** The spec as JSON, secrets sealed. */
  doc: string;
  actor: string;
  at: string;
  changes: string;
}
/** `_id` is the tenant id. */
export interface ConfigVersionDoc {
  _id: string;
  version: number;
}
export interface InboxDoc {
  _id: string;
  /**
   * Arrival order, from the `counters` collection, taken after the insert: null while the
   * enqueue is between its two steps, and such an item blocks its conversation (see enqueue).
   */
  seq: number | null;
  tenantId: string;
  source: 'zendesk' | 'intercom';
  dedupeKey: string;
  conversationKey: string;
  payload: string;
  status: 'pending' | 'leased' | 'done' | 'dead';
  attempts: number;
  leaseOwner: string | null;
  leaseExpiresAt: Date | null;
  nextAttemptAt: Date;
  createdAt: string;
  error: string | null;
}
/** One conversation's lease: whoever holds it (until `expiresAt`) is the only one working on that conversation. */
export interface InboxLockDoc {
  _id: string;
  owner: string;
  itemId: string;
  token: string;
  expiresAt: Date;
}
export interface CounterDoc {
  _id: string;
  seq: number;
}
