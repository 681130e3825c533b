import { Schema, Types, type Connection } from 'mongoose';
import type { ActionDoc, ActionVersionDoc, AuditDoc, CallDoc, ConfigVersionDoc, ConnectionDoc, ConversationDoc, CounterDoc, IdentityKeyDoc, InboxDoc, InboxLockDoc, OAuthTokenDoc, ProposalDoc, SingletonDoc, TenantDoc, TokenDoc } from './mongo-docs';

/* The schemas of mongo-docs.ts: the fields beside `doc` and the indexes the queries need. */

/**
 * A required string that may be empty, as in SQLite (NOT NULL accepts ''): mongoose's own
 * `required` rejects '' (a tool call with an empty name would fail the whole turn).
 */
const str = { type: String, required: true } as const;
const optStr = { type: String, default: null } as const;
const options = { versionKey: false as const, minimize: false, strict: true };

/** Makes every required string path of the schema accept '' (missing or null is still rejected). */
function allowEmptyStrings(schema: Pick<Schema, 'eachPath'>): void {
  schema.eachPath((_name, type) => {
    if (type.instance === 'String' && type.isRequired) {
      (type as unknown as { checkRequired: (v: unknown) => boolean }).checkRequired = (v) => typeof v === 'string' || v instanceof String;
    }
  });
}

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
  action.add({ connectionId: optStr });
  action.index({ tenantId: 1, name: 1 }, { unique: true });
  action.index({ tenantId: 1, connectionId: 1 }, { partialFilterExpression: { connectionId: { $type: 'string' } } });

  const connection = new Schema<ConnectionDoc>({ _id: str, tenantId: str, name: str, doc: str, createdAt: str, updatedAt: str }, options);
  connection.index({ tenantId: 1, name: 1 });

  const oauthToken = new Schema<OAuthTokenDoc>({ _id: str, doc: str, refreshAt: { type: Date, required: true } }, options);

  const identityKey = new Schema<IdentityKeyDoc>(
    { _id: str, tenantId: str, kid: str, publicJwk: str, privateJwk: str, createdAt: str, retiredAt: optStr, active: { type: Boolean, required: true } },
    options,
  );
  // One active key per tenant: racing first uses insert one, the others read it.
  identityKey.index({ tenantId: 1 }, { unique: true, partialFilterExpression: { active: { $eq: true } } });
  identityKey.index({ tenantId: 1, createdAt: 1 });

  const singleton = new Schema<SingletonDoc>({ _id: str, tenantId: str, kind: str, doc: str, updatedAt: str }, options);

  const audit = new Schema<AuditDoc>({ id: str, tenantId: str, doc: str }, options);
  audit.add({ at: { type: Date } });
  audit.index({ tenantId: 1, _id: -1 });
  audit.index({ at: 1 });

  const conversation = new Schema<ConversationDoc>(
    { _id: str, tenantId: str, channel: str, externalId: optStr, doc: str, version: { type: Number, required: true }, updatedAt: { type: Date, required: true } },
    options,
  );
  // Absent (not []) on documents written before messages were kept apart.
  conversation.add({ messages: { type: [String], default: undefined } });
  // Pages sort by (updatedAt, _id): the _id makes the order total, so a cursor never skips a tie.
  conversation.index({ tenantId: 1, updatedAt: -1, _id: -1 });
  conversation.index({ tenantId: 1, channel: 1, updatedAt: -1, _id: -1 });
  conversation.index({ updatedAt: 1 });
  conversation.index({ tenantId: 1, channel: 1, externalId: 1 }, { unique: true, partialFilterExpression: { externalId: { $type: 'string' } } });

  const call = new Schema<CallDoc>(
    {
      seq: { type: Number, default: null },
      id: str,
      tenantId: str,
      conversationId: optStr,
      action: str,
      ok: { type: Boolean, required: true },
      errorType: optStr,
      at: { type: Date },
      durationMs: { type: Number },
      test: { type: Boolean, default: false },
      doc: str,
    },
    options,
  );
  call.index({ tenantId: 1, seq: -1, _id: -1 });
  call.index({ tenantId: 1, conversationId: 1, seq: -1, _id: -1 });
  call.index({ tenantId: 1, action: 1, seq: -1, _id: -1 });
  call.index({ tenantId: 1, at: 1 });
  call.index({ at: 1 });

  const proposal = new Schema<ProposalDoc>(
    {
      _id: str,
      tenantId: str,
      conversationId: str,
      status: str,
      optionIds: { type: [String], default: [] },
      options: optStr,
      result: optStr,
      doc: str,
      order: { type: Schema.Types.ObjectId, default: () => new Types.ObjectId() },
      updatedAt: { type: Date, required: true },
      expiresAt: { type: Date, required: true },
    },
    options,
  );
  proposal.index({ tenantId: 1, conversationId: 1, order: 1 });
  proposal.index({ tenantId: 1, optionIds: 1 });
  proposal.index({ updatedAt: 1 });
  proposal.index({ expiresAt: 1 });

  const token = new Schema<TokenDoc>(
    { _id: str, tenantId: str, name: str, scope: str, tokenHash: str, hint: str, createdAt: str, lastUsedAt: optStr },
    options,
  );
  token.index({ tokenHash: 1 }, { unique: true });
  token.index({ tenantId: 1, createdAt: 1 });

  const actionVersion = new Schema<ActionVersionDoc>(
    { _id: str, tenantId: str, actionId: str, version: { type: Number, required: true }, doc: str, actor: str, at: str, changes: str },
    options,
  );
  actionVersion.index({ tenantId: 1, actionId: 1, version: -1 });

  const configVersion = new Schema<ConfigVersionDoc>({ _id: str, version: { type: Number, required: true } }, options);

  const inbox = new Schema<InboxDoc>(
    {
      _id: str,
      seq: { type: Number, default: null },
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

  for (const schema of [tenant, action, singleton, audit, conversation, call, proposal, token, actionVersion, configVersion, inbox, lock, counter, connection, oauthToken, identityKey]) {
    allowEmptyStrings(schema as unknown as Pick<Schema, 'eachPath'>);
  }

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
    Proposal: conn.model('Proposal', proposal, 'proposals'),
    Token: conn.model('Token', token, 'tokens'),
    ActionVersion: conn.model('ActionVersion', actionVersion, 'action_versions'),
    ConfigVersion: conn.model('ConfigVersion', configVersion, 'config_versions'),
    Connection: conn.model('Connection', connection, 'connections'),
    OAuthToken: conn.model('OAuthToken', oauthToken, 'oauth_tokens'),
    IdentityKey: conn.model('IdentityKey', identityKey, 'identity_keys'),
  };
}

export type Models = ReturnType<typeof defineModels>;
