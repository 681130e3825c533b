import { createHmac, timingSafeEqual } from 'node:crypto';
import { rawBody } from '../body';
import { malformedJson } from '../errors';
import { answer, serveFast, type FastPath } from '../fast-request';
import { headerText } from '../../net';
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

/** One IntercomApps per server (its cache is shared by the Express route and the fast path). */
const appsOf = new WeakMap<AppContext, IntercomApps>();
function appsFor(ctx: AppContext): IntercomApps {
  let apps = appsOf.get(ctx);
  if (!apps) appsOf.set(ctx, (apps = new IntercomApps(ctx.store, new SettingsCache(ctx.store))));
  return apps;
}

/**
 * `POST /webhooks/intercom` without Express (issue 13): during a burst, Express's own request
 * setup and routing were half of an acknowledgement's CPU. Taken only for the exact path and an
 * uncompressed body; anything else (a query string, `Content-Encoding`) goes through Express,
 * whose route below does the same. Same limits, answers, errors and metrics.
 */
export function intercomFastPath(ctx: AppContext): FastPath {
  const apps = appsFor(ctx);
  return (req, res) => {
    if (req.method !== 'POST' || req.url !== WEBHOOK_PATH || req.headers['content-encoding'] !== undefined) return false;
    serveFast(ctx, req, res, WEBHOOK_PATH, async (body) => ({ status: 200, body: await receive(ctx, apps, body, headerText(req.headers['x-hub-signature'])) }));
    return true;
  };
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
  const apps = appsFor(ctx);
  app.head(WEBHOOK_PATH, (_req, res) => {
    res.status(200).end();
  });
  // The signature covers the exact bytes, so the body is parsed here and not by the JSON API's parser.
  const raw = rawBody();
  app.post(WEBHOOK_PATH, raw, async (req: Request, res: Response) => {
    const body: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    answer(res, 200, await receive(ctx, apps, body, req.get('x-hub-signature')));
  });
};

/** Verify, store, answer: the answer's body, or an AppError (the caller writes either). */
async function receive(ctx: AppContext, apps: IntercomApps, body: Buffer, signature: string | undefined): Promise<string> {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    throw malformedJson();
  }
  const appId = json && typeof json === 'object' ? (json as { app_id?: unknown }).app_id : undefined;
  if (typeof appId !== 'string' || !appId) throw new UnauthorizedError('unknown Intercom workspace');
  const owner = await apps.find(appId);
  const secret = owner?.settings.intercom.clientSecret;
  // One answer for an unknown app, an app without a secret and a bad signature: nothing to probe.
  if (!owner || !secret || !validSignature(body, signature, secret)) {
    ctx.log.warn({ appId: appId.slice(0, 40), known: Boolean(owner) }, 'intercom webhook rejected');
    throw new UnauthorizedError('unknown Intercom workspace or bad signature');
  }

  const parsed = Notification.safeParse(json);
  if (!parsed.success) throw new AppError('invalid_notification', 'not an Intercom notification', 400);
  const n = parsed.data;
  const tenantId = owner.tenantId;
  if (!HANDLED_TOPICS.has(n.topic)) {
    ctx.log.debug({ tenantId, notificationId: n.id, topic: n.topic }, 'intercom topic ignored');
    return ANSWERS.ignored;
  }
  // The AI's own replies (its admin) are no take-over; the worker checks again against the settings it reads.
  const job = jobFrom(n, { botAdminId: owner.settings.intercom.adminId ?? null });
  if ('skip' in job) {
    ctx.log.info({ tenantId, notificationId: n.id, topic: n.topic, reason: job.skip }, 'intercom notification not answered');
    return ANSWERS.ignored;
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
  return stored ? ANSWERS.stored : ANSWERS.duplicate;
}
