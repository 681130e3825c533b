import { createHmac } from 'node:crypto';
import { api } from '../support/server';

export const APP_ID = 'abc123xy';
export const CLIENT_SECRET = 'intercom-client-secret-for-tests';
export const ACCESS_TOKEN = 'dG9rOmludGVyY29tLWFjY2Vzcy10b2tlbg==';
export const ADMIN_ID = '991267696';

/** `sha1=` + hex HMAC-SHA1 of the body, computed here independently of the server's code. */
export function sign(body: string, secret = CLIENT_SECRET): string {
  return 'sha1=' + createHmac('sha1', secret).update(body).digest('hex');
}

export interface MessageSpec {
  /** Notification id (the dedupe key). */
  id: string;
  conversationId: string;
  contactId: string;
  body: string;
  topic?: 'conversation.user.created' | 'conversation.user.replied' | string;
  appId?: string;
  authorType?: 'user' | 'lead' | 'admin';
  partId?: string;
  /** The clicked quick-reply option: set as the customer part's `metadata.quick_reply_uuid`. */
  quickReplyUuid?: string;
  /** `admin_assignee_id` of the conversation. */
  adminAssigneeId?: string | null;
  /** Replaces the conversation parts of the notification. */
  parts?: Record<string, unknown>[];
}

/**
 * A notification as Intercom sends it (`notification_event` with the conversation as
 * `data.item`). `created`: the text is the conversation's source. `replied`: it is the last
 * comment part, after an earlier admin part, as in real payloads.
 */
export function notification(m: MessageSpec): Record<string, unknown> {
  const topic = m.topic ?? 'conversation.user.created';
  const author = { type: m.authorType ?? 'user', id: m.contactId, name: 'Jo Doe', email: 'jo@example.com' };
  const created = topic === 'conversation.user.created';
  return {
    type: 'notification_event',
    app_id: m.appId ?? APP_ID,
    data: {
      type: 'notification_event_data',
      item: {
        type: 'conversation',
        id: m.conversationId,
        created_at: 1720000000,
        updated_at: 1720000100,
        admin_assignee_id: m.adminAssigneeId ?? null,
        team_assignee_id: null,
        source: {
          type: 'conversation',
          id: `src-${m.conversationId}`,
          delivered_as: 'customer_initiated',
          subject: '',
          body: created ? m.body : '<p>first message</p>',
          author,
        },
        contacts: { type: 'contact.list', contacts: [{ type: 'contact', id: m.contactId, external_id: null }] },
        conversation_parts: {
          type: 'conversation_part.list',
          conversation_parts:
            m.parts ??
            (created
              ? []
              : [
                  { type: 'conversation_part', id: `p-admin-${m.id}`, part_type: 'comment', body: '<p>an earlier admin answer</p>', author: { type: 'admin', id: ADMIN_ID } },
                  {
                    type: 'conversation_part',
                    id: m.partId ?? `p-${m.id}`,
                    part_type: 'comment',
                    body: m.body,
                    author,
                    ...(m.quickReplyUuid ? { metadata: { quick_reply_uuid: m.quickReplyUuid } } : {}),
                  },
                ]),
          total_count: m.parts ? m.parts.length : created ? 0 : 2,
        },
      },
    },
    links: {},
    id: m.id,
    topic,
    delivery_status: 'pending',
    delivery_attempts: 1,
    delivered_at: 0,
    first_sent_at: 1720000100,
    created_at: 1720000100,
    self: null,
  };
}

/** POSTs a webhook body; returns the status and how long the server took to answer. */
export async function deliver(base: string, payload: unknown, opts: { secret?: string; signature?: string | null } = {}) {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  const signature = opts.signature === undefined ? sign(body, opts.secret) : opts.signature;
  const started = performance.now();
  const res = await fetch(`${base}/webhooks/intercom`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': 'Intercom-Webhooks/1.0', ...(signature ? { 'x-hub-signature': signature } : {}) },
    body,
  });
  const text = await res.text();
  return { status: res.status, ms: performance.now() - started, text };
}

/** Points the tenant's Intercom settings at the stand-in. */
export async function configureIntercom(base: string, token: string, intercomBase: string, extra: Record<string, unknown> = {}) {
  const r = await api(base, token, 'PUT', '/v1/settings', {
    instructions: 'You are the support assistant of Acme.',
    intercom: {
      appId: APP_ID,
      accessToken: ACCESS_TOKEN,
      clientSecret: CLIENT_SECRET,
      adminId: ADMIN_ID,
      region: 'us',
      identityVerification: true,
      baseUrl: intercomBase,
      ...extra,
    },
  });
  if (r.status !== 200) throw new Error(`settings: ${r.status} ${r.text}`);
  return r.body;
}

/** Polls until `check` is truthy. */
export async function waitFor<T>(check: () => T | Promise<T>, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
