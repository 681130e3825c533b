import { createHmac, timingSafeEqual } from 'node:crypto';
import { rawBody } from '../body';
import express, { type Request, type Response } from 'express';
import { AppError, UnauthorizedError } from '../../errors';
import { inboxConversationKey } from '../../inbox';
import type { Mount } from '../app';
import type { AppContext } from '../context';
import { HANDLED_TOPICS, jobFrom, Notification } from '../../channels/intercom';

export const WEBHOOK_PATH = '/webhooks/intercom';

/** `sha1=` + hex HMAC-SHA1 of the raw body with the app's client secret (Intercom's `X-Hub-Signature`). */
export function intercomSignature(rawBody: Buffer | string, clientSecret: string): string {
  return 'sha1=' + createHmac('sha1', clientSecret).update(rawBody).digest('hex');
}

/** Constant-time check of an `X-Hub-Signature` header. */
export function validSignature(rawBody: Buffer, header: string | undefined, clientSecret: string): boolean {
  if (!header) return false;
  const expected = Buffer.from(intercomSignature(rawBody, clientSecret));
  const given = Buffer.from(header.trim().toLowerCase());
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * `HEAD /webhooks/intercom` (Intercom checks the URL with it) and `POST /webhooks/intercom`:
 * signature and tenant checked, the message stored in the durable inbox, acknowledged at once.
 * No Intercom or model call happens on the request path: the inbox worker does the work.
 */
export const intercomMount: Mount = (app, ctx) => {
  app.head(WEBHOOK_PATH, (_req, res) => {
    res.status(200).end();
  });
  // The signature covers the exact bytes, so the body is parsed here and not by the JSON API's parser.
  const raw = rawBody();
  app.post(WEBHOOK_PATH, raw, (req, res) => receive(ctx, req, res));
};

async function receive(ctx: AppContext, req: Request, res: Response): Promise<void> {
  const body: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    throw new AppError('malformed_json', 'request body is not valid JSON', 400);
  }
  const appId = json && typeof json === 'object' ? (json as { app_id?: unknown }).app_id : undefined;
  if (typeof appId !== 'string' || !appId) throw new UnauthorizedError('unknown Intercom workspace');
  const tenant = await ctx.store.tenantByIntercomAppId(appId);
  const settings = tenant ? await ctx.store.getSettings(tenant.id) : null;
  const secret = settings?.intercom.clientSecret;
  // One answer for an unknown app, an app without a secret and a bad signature: nothing to probe.
  if (!tenant || !secret || !validSignature(body, req.get('x-hub-signature'), secret)) {
    ctx.log.warn({ appId: appId.slice(0, 40), known: Boolean(tenant) }, 'intercom webhook rejected');
    throw new UnauthorizedError('unknown Intercom workspace or bad signature');
  }

  const parsed = Notification.safeParse(json);
  if (!parsed.success) throw new AppError('invalid_notification', 'not an Intercom notification', 400);
  const n = parsed.data;
  const log = ctx.log.child({ tenantId: tenant.id, notificationId: n.id, topic: n.topic });
  if (!HANDLED_TOPICS.has(n.topic)) {
    log.debug('intercom topic ignored');
    res.json({ ok: true, ignored: true });
    return;
  }
  // The AI's own replies (its admin) are no take-over; the worker checks again against the settings it reads.
  const job = jobFrom(n, { botAdminId: settings?.intercom.adminId ?? null });
  if ('skip' in job) {
    log.info({ reason: job.skip }, 'intercom notification not answered');
    res.json({ ok: true, ignored: true });
    return;
  }
  const stored = await ctx.store.enqueue({
    tenantId: tenant.id,
    source: 'intercom',
    // Notification ids are Intercom's; the tenant prefix keeps one workspace from shadowing another's.
    dedupeKey: `${tenant.id}:${n.id}`,
    conversationKey: inboxConversationKey('intercom', tenant.id, job.conversationId),
    payload: job,
  });
  if (stored) ctx.wakeWorkers();
  log.debug({ stored, conversationId: job.conversationId }, 'intercom notification received');
  res.json({ ok: true, duplicate: !stored });
}
