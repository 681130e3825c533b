import { createHmac, timingSafeEqual } from 'node:crypto';
import { rawBody } from '../body';
import type { Request, Response } from 'express';
import { AppError, UnauthorizedError } from '../../errors';
import { inboxConversationKey } from '../../inbox';
import type { Mount } from '../app';
import type { AppContext } from '../context';
import { SettingsCache } from '../../channels';
import { HANDLED_TOPICS, IntercomApps, jobFrom, Notification } from '../../channels/intercom';

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

/** The answers of the intake, serialized once: an acknowledgement only says what became of the delivery. */
const ANSWERS = {
  stored: JSON.stringify({ ok: true, duplicate: false }),
  duplicate: JSON.stringify({ ok: true, duplicate: true }),
  ignored: JSON.stringify({ ok: true, ignored: true }),
};

/**
 * A 200 with one of the answers above, written directly: Express's `res.json` would also hash
 * the body for an ETag and check freshness, which nothing on a webhook uses.
 */
function answer(res: Response, body: string): void {
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) }).end(body);
}

/**
 * `HEAD /webhooks/intercom` (Intercom checks the URL with it) and `POST /webhooks/intercom`:
 * signature and tenant checked, the message stored in the durable inbox, acknowledged at once.
 * No Intercom or model call happens on the request path: the inbox worker does the work. The
 * path is kept to verify, append, answer (issue 13): the owner of the app id and its secret
 * come from a cache confirmed by one configuration-version read, not from reading and
 * decrypting the settings per delivery.
 */
export const intercomMount: Mount = (app, ctx) => {
  const apps = new IntercomApps(ctx.store, new SettingsCache(ctx.store));
  app.head(WEBHOOK_PATH, (_req, res) => {
    res.status(200).end();
  });
  // The signature covers the exact bytes, so the body is parsed here and not by the JSON API's parser.
  const raw = rawBody();
  app.post(WEBHOOK_PATH, raw, (req, res) => receive(ctx, apps, req, res));
};

async function receive(ctx: AppContext, apps: IntercomApps, req: Request, res: Response): Promise<void> {
  const body: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    throw new AppError('malformed_json', 'request body is not valid JSON', 400);
  }
  const appId = json && typeof json === 'object' ? (json as { app_id?: unknown }).app_id : undefined;
  if (typeof appId !== 'string' || !appId) throw new UnauthorizedError('unknown Intercom workspace');
  const owner = await apps.find(appId);
  const secret = owner?.settings.intercom.clientSecret;
  // One answer for an unknown app, an app without a secret and a bad signature: nothing to probe.
  if (!owner || !secret || !validSignature(body, req.get('x-hub-signature'), secret)) {
    ctx.log.warn({ appId: appId.slice(0, 40), known: Boolean(owner) }, 'intercom webhook rejected');
    throw new UnauthorizedError('unknown Intercom workspace or bad signature');
  }

  const parsed = Notification.safeParse(json);
  if (!parsed.success) throw new AppError('invalid_notification', 'not an Intercom notification', 400);
  const n = parsed.data;
  const tenantId = owner.tenantId;
  if (!HANDLED_TOPICS.has(n.topic)) {
    ctx.log.debug({ tenantId, notificationId: n.id, topic: n.topic }, 'intercom topic ignored');
    return answer(res, ANSWERS.ignored);
  }
  // The AI's own replies (its admin) are no take-over; the worker checks again against the settings it reads.
  const job = jobFrom(n, { botAdminId: owner.settings.intercom.adminId ?? null });
  if ('skip' in job) {
    ctx.log.info({ tenantId, notificationId: n.id, topic: n.topic, reason: job.skip }, 'intercom notification not answered');
    return answer(res, ANSWERS.ignored);
  }
  const stored = await ctx.store.enqueue({
    tenantId,
    source: 'intercom',
    // Notification ids are Intercom's; the tenant prefix keeps one workspace from shadowing another's.
    dedupeKey: `${tenantId}:${n.id}`,
    conversationKey: inboxConversationKey('intercom', tenantId, job.conversationId),
    payload: job,
  });
  if (stored) ctx.wakeWorkers();
  ctx.log.debug({ tenantId, notificationId: n.id, stored, conversationId: job.conversationId }, 'intercom notification received');
  answer(res, stored ? ANSWERS.stored : ANSWERS.duplicate);
}
