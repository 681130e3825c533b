import { Schema, type Connection, type Types } from 'mongoose';

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
  doc: string;
}
export interface ConversationDoc {
  _id: string;
  tenantId: string;
  channel: string;
  externalId: string | null;
  doc: string;
  version: number;
  updatedAt: Date;
}
export interface CallDoc {
  _id: Types.ObjectId;
  id: string;
  tenantId: string;
  conversationId: string | null;
  action: string;
  ok: boolean;
  errorType: string | null;
  doc: string;
}
export interface InboxDoc {
  _id: string;
  /** Arrival order, from the `counters` collection: strictly increasing across instances. */
  seq: number;
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

const str = { type: String, required: true } as const;
const optStr = { type: String, default: null } as const;
const options = { versionKey: false as const, minimize: false, strict: true };

/** Binds the store's models to one connection (never the global mongoose). */
export function defineModels(conn: Connection) {
  const tenant = new Schema<TenantDoc>({ _id: str, name: str, tokenHash: str, intercomAppId: optStr, createdAt: str }, options);
  tenant.index({ tokenHash: 1 }, { unique: true });
  // Partial, not sparse: null is stored for "no workspace" and must not collide.
  tenant.index({ intercomAppId: 1 }, { unique: true, partialFilterExpression: { intercomAppId: { $type: 'string' } } });

  const action = new Schema<ActionDoc>(
    { _id: str, tenantId: str, name: str, doc: str, version: { type: Number, required: true }, createdAt: str, updatedAt: str },
    options,
  );
  action.index({ tenantId: 1, name: 1 }, { unique: true });

  const singleton = new Schema<SingletonDoc>({ _id: str, tenantId: str, kind: str, doc: str, updatedAt: str }, options);

  const audit = new Schema<AuditDoc>({ id: str, tenantId: str, doc: str }, options);
  audit.index({ tenantId: 1, _id: -1 });

  const conversation = new Schema<ConversationDoc>(
    { _id: str, tenantId: str, channel: str, externalId: optStr, doc: str, version: { type: Number, required: true }, updatedAt: { type: Date, required: true } },
    options,
  );
  conversation.index({ tenantId: 1, updatedAt: -1 });
  conversation.index({ tenantId: 1, channel: 1, updatedAt: -1 });
  conversation.index({ tenantId: 1, channel: 1, externalId: 1 }, { unique: true, partialFilterExpression: { externalId: { $type: 'string' } } });

  const call = new Schema<CallDoc>(
    { id: str, tenantId: str, conversationId: optStr, action: str, ok: { type: Boolean, required: true }, errorType: optStr, doc: str },
    options,
  );
  call.index({ tenantId: 1, _id: -1 });
  call.index({ tenantId: 1, conversationId: 1, _id: -1 });
  call.index({ tenantId: 1, action: 1, _id: -1 });

  const inbox = new Schema<InboxDoc>(
    {
      _id: str,
      seq: { type: Number, required: true },
      tenantId: str,
      source: { type: String, enum: ['zendesk', 'intercom'], required: true },
      dedupeKey: str,
      conversationKey: str,
      payload: str,
      status: { type: String, enum: ['pending', 'leased', 'done', 'dead'], required: true },
      attempts: { type: Number, default: 0 },
      leaseOwner: optStr,
      leaseExpiresAt: { type: Date, default: null },
      nextAttemptAt: { type: Date, required: true },
      createdAt: str,
      error: optStr,
    },
    options,
  );
  inbox.index({ source: 1, dedupeKey: 1 }, { unique: true });
  inbox.index({ status: 1, seq: 1 });
  inbox.index({ conversationKey: 1, seq: 1 });

  const lock = new Schema<InboxLockDoc>({ _id: str, owner: str, itemId: str, token: str, expiresAt: { type: Date, required: true } }, options);
  // Only garbage collection: an expired lock is free whether or not it was deleted yet.
  lock.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

  const counter = new Schema<CounterDoc>({ _id: str, seq: { type: Number, required: true } }, options);

  return {
    Tenant: conn.model('Tenant', tenant, 'tenants'),
    Action: conn.model('Action', action, 'actions'),
    Singleton: conn.model('Singleton', singleton, 'tenant_docs'),
    Audit: conn.model('Audit', audit, 'audit'),
    Conversation: conn.model('Conversation', conversation, 'conversations'),
    Call: conn.model('Call', call, 'calls'),
    Inbox: conn.model('Inbox', inbox, 'inbox'),
    InboxLock: conn.model('InboxLock', lock, 'inbox_locks'),
    Counter: conn.model('Counter', counter, 'counters'),
  };
}

export type Models = ReturnType<typeof defineModels>;
