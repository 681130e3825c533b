import { randomUUID } from 'node:crypto';
import { ActionInput, type ActionInput as ActionIn, type ActionSpec } from '../../shared/action';
import type { CallRecord, Conversation } from '../../shared/conversation';
import { SettingsInput, type SettingsInput as SettingsIn } from '../../shared/settings';
import type { AuditInput } from '../../server/src/store/port';

/** Test data for the store contract. */

/** A valid action spec; secrets in auth and headers so sealing is exercised. */
export function actionSpec(name: string, over: Partial<ActionIn> = {}): ActionSpec {
  return ActionInput.parse({
    name,
    description: 'Look up an order when the customer asks where it is',
    method: 'GET',
    url: 'https://api.example.com/orders/{{order_number}}',
    auth: { type: 'bearer', token: `tok-${name}-s3cret` },
    headers: [{ key: 'X-Api-Key', value: `hdr-${name}-s3cret` }],
    query: [{ key: 'include', value: 'items' }],
    variables: [{ name: 'order_number', type: 'string', description: 'The order number', example: 'ORD-1' }],
    response: { fields: ['status'], maxChars: 2000 },
    ...over,
  });
}

export function settingsDoc(over: SettingsIn = {}) {
  return SettingsInput.parse({
    instructions: 'Be brief.',
    zendesk: { subdomain: 'acme', email: 'bot@acme.com', apiToken: 'zd-api-s3cret', webhookSecret: 'zd-hook-s3cret' },
    intercom: { appId: null, accessToken: 'ic-access-s3cret', clientSecret: 'ic-client-s3cret', adminId: '991267696' },
    ...over,
  });
}

export function auditInput(entity: AuditInput['entity'], op: AuditInput['op'], entityId: string | null = null): AuditInput {
  return { actor: 'admin', entity, entityId, op, changes: [{ path: 'name', from: 'a', to: 'b' }, { path: 'auth.token', to: 'changed' }] };
}

export function conversation(tenantId: string, over: Partial<Conversation> = {}): Conversation {
  const at = new Date().toISOString();
  return {
    id: randomUUID(),
    tenantId,
    channel: 'api',
    externalId: null,
    customer: { email: 'jane@example.com', verified: true },
    messages: [{ role: 'user', content: 'Where is my order?', at, turnId: 't1' }],
    succeeded: [],
    userData: null,
    needsHuman: false,
    failures: {},
    version: 1,
    createdAt: at,
    updatedAt: at,
    ...over,
  };
}

export function call(conversationId: string | null, action: string, over: Partial<CallRecord> = {}): CallRecord {
  return {
    id: randomUUID(),
    conversationId,
    turnId: 't1',
    action,
    method: 'GET',
    url: 'https://api.example.com/x',
    status: 200,
    ok: true,
    durationMs: 12,
    requestHeaders: { authorization: '••••cret' },
    responseExcerpt: '{"status":"shipped"}',
    at: new Date().toISOString(),
    ...over,
  };
}
