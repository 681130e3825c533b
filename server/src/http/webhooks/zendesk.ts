import { createHash, createHmac } from 'node:crypto';
import { rawBody } from '../body';
import { errorBody, malformedJson } from '../errors';
import express, { type Express, type Request, type Response } from 'express';
import { zodDetails } from '../../errors';
import { inboxConversationKey } from '../../inbox';
import type { AppContext } from '../context';
import { safeEqual } from '../tokens';
import type { Tenant } from '../../store';
import { SettingsCache } from '../../channels';
import { WebhookPayload } from '../../channels/zendesk';

/** Deliveries signed longer ago (or further ahead) than this are refused: replay protection. */
export const MAX_SKEW_MS = 5 * 60_000;

/** `base64(HMAC-SHA256(secret, timestamp + raw body))`, as Zendesk signs webhook requests. */
export function zendeskSignature(secret: string, timestamp: string, raw: Buffer): string {
  return createHmac('sha256', secret).update(timestamp, 'utf8').update(raw).digest('base64');
}

/** The signing timestamp in ms: Zendesk sends ISO 8601 (`2021-03-25T05:09:27Z`); Unix seconds are accepted too. */
export function parseTimestamp(value: string): number | null {
  const v = value.trim();
  if (/^\d{9,11}$/.test(v)) return Number(v) * 1000;
  if (!/^\d{4}-\d{2}-\d{2}T/.test(v)) return null;
  const t = Date.parse(v);
  return Number.isNaN(t) ? null : t;
}

function header(req: Request, name: string): string | undefined {
  const v = req.headers[name];
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

function deny(res: Response, message: string): void {
  res.status(401).json({ error: { code: 'unauthorized', message } });
}

async function findTenant(ctx: AppContext, id: string): Promise<Tenant | null> {
  try {
    return await ctx.store.getTenant(id);
  } catch {
    // An id the store cannot even parse (e.g. not an ObjectId) is simply unknown.
    return null;
  }
}

/**
 * `POST /webhooks/zendesk/:tenantId`: a trigger's webhook. The signature is checked on the
 * raw bytes before anything is parsed or stored; unknown tenants, tenants without a signing
 * secret and bad signatures all get the same 401. A good delivery is stored in the durable
 * inbox (deduplicated on the invocation id) and acknowledged with 202 before any drafting.
 */
export function mountZendeskWebhook(app: Express, ctx: AppContext): void {
  const raw = rawBody();
  // The signing secret without reading and decrypting the settings per delivery (see SettingsCache).
  const settings = new SettingsCache(ctx.store);
  app.post('/webhooks/zendesk/:tenantId', raw, async (req, res) => {
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const signature = header(req, 'x-zendesk-webhook-signature');
    const timestamp = header(req, 'x-zendesk-webhook-signature-timestamp');
    if (!signature || !timestamp) return deny(res, 'missing webhook signature headers');
    const at = parseTimestamp(timestamp);
    if (at === null || Math.abs(Date.now() - at) > MAX_SKEW_MS) return deny(res, 'stale or invalid webhook timestamp');

    const tenantId = String(req.params.tenantId);
    const tenant = await findTenant(ctx, tenantId);
    const secret = tenant ? (await settings.get(tenant.id))?.zendesk.webhookSecret : null;
    // Compared even without a secret, so an unknown tenant costs the same as a bad signature.
    const expected = zendeskSignature(secret ?? 'no-secret-configured', timestamp, body);
    if (!safeEqual(expected, signature.trim()) || !tenant || !secret) {
      if (tenant && !secret) ctx.log.warn({ tenantId }, 'Zendesk webhook refused: settings.zendesk.webhookSecret is not set');
      return deny(res, 'invalid webhook signature');
    }

    let json: unknown;
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch {
      res.status(400).json(errorBody(malformedJson()));
      return;
    }
    const payload = WebhookPayload.safeParse(json);
    if (!payload.success) {
      res.status(400).json({ error: { code: 'validation_failed', message: 'the webhook body needs {"ticket_id": "{{ticket.id}}"}', details: zodDetails(payload.error.issues) } });
      return;
    }

    // Zendesk keeps the invocation id across its retries; the hash covers senders without it.
    const invocation = header(req, 'x-zendesk-webhook-invocation-id');
    const key = invocation ? `inv:${invocation.slice(0, 200)}` : `sha256:${createHash('sha256').update(timestamp).update(body).digest('hex')}`;
    const stored = await ctx.store.enqueue({
      source: 'zendesk',
      tenantId: tenant.id,
      // Invocation ids are per Zendesk account: the tenant keeps two accounts' ids apart.
      dedupeKey: `${tenant.id}:${key}`,
      conversationKey: inboxConversationKey('zendesk', tenant.id, payload.data.ticket_id),
      payload: payload.data,
    });
    if (stored) ctx.wakeWorkers();
    res.status(stored ? 202 : 200).json({ ok: true, ...(stored ? {} : { duplicate: true }) });
  });
}
