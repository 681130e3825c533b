import { setTimeout as sleep } from 'node:timers/promises';
import { request, type Dispatcher } from 'undici';
import type { Settings } from '../../../../shared/settings';
import { isBlockedError } from '../../actions/network-guard';
import { readCapped, TooLargeError } from '../../actions/response-body';

/** The REST API version this client is written against (sent as `Intercom-Version`). */
export const INTERCOM_VERSION = '2.11';

/** API hosts by data hosting region. */
export const REGION_BASE_URLS = {
  us: 'https://api.intercom.io',
  eu: 'https://api.eu.intercom.io',
  au: 'https://api.au.intercom.io',
} as const;

/** Why an Intercom call failed. */
export type IntercomErrorType = 'timeout' | 'network' | 'blocked' | 'rate_limited' | 'http_4xx' | 'http_5xx' | 'too_large' | 'invalid_response' | 'not_configured';

/** The outcome of one Intercom call: data, never a throw. */
export type IntercomResult<T> =
  | { ok: true; status: number; data: T; durationMs: number }
  | { ok: false; status: number | null; error: { type: IntercomErrorType; message: string }; durationMs: number };

/** The fields of an Intercom contact this backend reads. */
export interface IntercomContact {
  type?: string;
  id: string;
  role?: string;
  external_id?: string | null;
  email?: string | null;
  name?: string | null;
  phone?: string | null;
}

/** A conversation part as `GET /conversations/{id}` lists it. */
export interface IntercomPart {
  id?: string;
  part_type?: string;
  body?: string | null;
  author?: { type?: string; id?: string } | null;
}

export interface IntercomClientOptions {
  /** The tenant's Intercom settings (access token, region or base URL). */
  settings: Settings['intercom'];
  /** The guarded keep-alive agent every call goes through. */
  dispatcher: Dispatcher;
  /** Per attempt. Default 10 s. */
  timeoutMs?: number;
  /** Largest answer read. Default 4 MiB: a conversation comes back with up to 500 parts. */
  maxResponseBytes?: number;
  /** Retries after a 429 (and, for GET, after 502/503/504 and connection errors). Default 3. */
  maxRetries?: number;
  /** Longest wait for a rate limit window; a longer one fails the call as `rate_limited`. Default 10 s. */
  maxWaitMs?: number;
  /** Time one call may take with its retries and waits; no retry starts past it. Default 30 s. */
  budgetMs?: number;
  /** First backoff when the server names no time. Default 500 ms. */
  backoffMs?: number;
}

const RETRYABLE_STATUS = new Set([502, 503, 504]);
const USER_AGENT = 'helpdesk-actions/0.1 (intercom)';

/** The API base URL for a tenant's settings: the override, else the region's host. */
export function intercomBaseUrl(s: Settings['intercom']): string {
  return (s.baseUrl ?? REGION_BASE_URLS[s.region]).replace(/\/+$/, '');
}

/**
 * A small Intercom REST client on undici: bearer token, `Intercom-Version`, a timeout and a
 * size cap per attempt, and 429s honoured (X-RateLimit-Reset or Retry-After), bounded.
 * POSTs are repeated only after a 429, which Intercom answers before doing anything.
 */
export class IntercomClient {
  private readonly base: string;
  private readonly timeoutMs: number;
  private readonly maxBytes: number;
  private readonly maxRetries: number;
  private readonly maxWaitMs: number;
  private readonly backoffMs: number;
  private readonly budgetMs: number;

  constructor(private readonly opts: IntercomClientOptions) {
    this.base = intercomBaseUrl(opts.settings);
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.maxBytes = opts.maxResponseBytes ?? 4 * 1024 * 1024;
    this.maxRetries = opts.maxRetries ?? 3;
    this.maxWaitMs = opts.maxWaitMs ?? 10_000;
    this.backoffMs = opts.backoffMs ?? 500;
    this.budgetMs = opts.budgetMs ?? 30_000;
  }

  /** `GET /contacts/{id}` */
  getContact(id: string): Promise<IntercomResult<IntercomContact>> {
    return this.call<IntercomContact>('GET', `/contacts/${encodeURIComponent(id)}`);
  }

  /** `GET /conversations/{id}` with its parts (plain text), to see what was already posted. */
  getConversationParts(id: string): Promise<IntercomResult<IntercomPart[]>> {
    return this.call<{ conversation_parts?: { conversation_parts?: IntercomPart[] } }>('GET', `/conversations/${encodeURIComponent(id)}`).then((r) =>
      r.ok ? { ...r, data: r.data?.conversation_parts?.conversation_parts ?? [] } : r,
    );
  }

  /** `POST /conversations/{id}/reply` as an admin: a `comment` the customer sees, or a `note` for the team. */
  replyAsAdmin(conversationId: string, messageType: 'comment' | 'note', adminId: string, body: string): Promise<IntercomResult<unknown>> {
    return this.call('POST', `/conversations/${encodeURIComponent(conversationId)}/reply`, {
      message_type: messageType,
      type: 'admin',
      admin_id: adminId,
      body,
    });
  }

  private async call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<IntercomResult<T>> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const token = this.opts.settings.accessToken;
    if (!token) return { ok: false, status: null, error: { type: 'not_configured', message: 'no Intercom access token in the settings' }, durationMs: 0 };
    const headers: Record<string, string> = {
      authorization: `Bearer ${token}`,
      accept: 'application/json',
      'intercom-version': INTERCOM_VERSION,
      'user-agent': USER_AGENT,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    };
    const payload = body !== undefined ? JSON.stringify(body) : undefined;

    for (let attempt = 0; ; attempt++) {
      const r = await this.once<T>(method, path, headers, payload);
      const retriesLeft = attempt < this.maxRetries;
      if (r.kind === 'done') return { ...r.result, durationMs: elapsed() };
      if (r.kind === 'rate_limited') {
        const wait = r.waitMs ?? this.backoffMs * 2 ** attempt;
        if (!retriesLeft || wait > this.maxWaitMs || elapsed() + wait > this.budgetMs) {
          return { ok: false, status: 429, error: { type: 'rate_limited', message: `rate limited by Intercom; next window in ${Math.ceil(wait / 1000)} s` }, durationMs: elapsed() };
        }
        await sleep(wait);
        continue;
      }
      // Transient failure: a GET may be repeated; a POST might have been done, so it is not.
      if (method === 'GET' && retriesLeft && r.retryable && elapsed() < this.budgetMs) {
        await sleep(this.backoffMs * 2 ** attempt);
        continue;
      }
      return { ...r.result, durationMs: elapsed() };
    }
  }

  private async once<T>(
    method: 'GET' | 'POST',
    path: string,
    headers: Record<string, string>,
    payload: string | undefined,
  ): Promise<
    | { kind: 'done'; result: Omit<Extract<IntercomResult<T>, { ok: true }>, 'durationMs'> | Omit<Extract<IntercomResult<T>, { ok: false }>, 'durationMs'> }
    | { kind: 'rate_limited'; waitMs: number | null }
    | { kind: 'failed'; retryable: boolean; result: Omit<Extract<IntercomResult<T>, { ok: false }>, 'durationMs'> }
  > {
    const signal = AbortSignal.timeout(this.timeoutMs);
    let res: Dispatcher.ResponseData;
    try {
      // undici follows no redirect without its interceptor: a 3xx comes back as an error below.
      res = await request(this.base + path, { method, headers, body: payload, dispatcher: this.opts.dispatcher, signal });
    } catch (err) {
      const type: IntercomErrorType = signal.aborted ? 'timeout' : isBlockedError(err) ? 'blocked' : 'network';
      return { kind: 'failed', retryable: type !== 'blocked', result: { ok: false, status: null, error: { type, message: describe(err, type, this.timeoutMs) } } };
    }
    let bytes: Buffer;
    try {
      bytes = await readCapped(res.body, this.maxBytes);
    } catch (err) {
      // A POST that got its 2xx was done; only its (unused) echo was too big to read.
      if (err instanceof TooLargeError && method === 'POST' && res.statusCode >= 200 && res.statusCode < 300) {
        return { kind: 'done', result: { ok: true, status: res.statusCode, data: null as T } };
      }
      const type: IntercomErrorType = err instanceof TooLargeError ? 'too_large' : signal.aborted ? 'timeout' : 'network';
      return { kind: 'failed', retryable: type !== 'too_large', result: { ok: false, status: res.statusCode, error: { type, message: describe(err, type, this.timeoutMs) } } };
    }
    const status = res.statusCode;
    if (status === 429) return { kind: 'rate_limited', waitMs: rateLimitWait(res.headers) };
    const text = bytes.toString('utf8');
    if (status < 200 || status >= 300) {
      const type: IntercomErrorType = status >= 500 ? 'http_5xx' : status >= 400 ? 'http_4xx' : 'invalid_response';
      return { kind: 'failed', retryable: RETRYABLE_STATUS.has(status), result: { ok: false, status, error: { type, message: `Intercom answered ${status}: ${errorMessage(text)}` } } };
    }
    let data: unknown = null;
    if (text.trim()) {
      try {
        data = JSON.parse(text);
      } catch {
        return { kind: 'failed', retryable: false, result: { ok: false, status, error: { type: 'invalid_response', message: 'Intercom answered with something that is not JSON' } } };
      }
    }
    return { kind: 'done', result: { ok: true, status, data: data as T } };
  }
}

/**
 * How long a 429 says to wait: `Retry-After` (seconds or a date), else `X-RateLimit-Reset`
 * (a Unix time in seconds, Intercom's header). Null when neither is usable.
 */
export function rateLimitWait(headers: Record<string, string | string[] | undefined>, now = Date.now()): number | null {
  const one = (name: string) => {
    const v = headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  const retryAfter = one('retry-after')?.trim();
  if (retryAfter) {
    if (/^\d+(\.\d+)?$/.test(retryAfter)) return Math.max(0, Math.round(Number(retryAfter) * 1000));
    const at = Date.parse(retryAfter);
    if (!Number.isNaN(at)) return Math.max(0, at - now);
  }
  const reset = one('x-ratelimit-reset')?.trim();
  if (reset && /^\d+$/.test(reset)) {
    // A small margin: the window opens at that second, not before it.
    return Math.max(0, Number(reset) * 1000 - now) + 100;
  }
  return null;
}

/** Intercom's error list (`{errors: [{code, message}]}`), or the start of the body. */
function errorMessage(text: string): string {
  try {
    const j = JSON.parse(text) as { errors?: { code?: string; message?: string }[]; message?: string };
    const e = j.errors?.[0];
    if (e) return [e.code, e.message].filter(Boolean).join(': ').slice(0, 300);
    if (j.message) return String(j.message).slice(0, 300);
  } catch {
    // not JSON: fall through to the raw text
  }
  return text.slice(0, 200) || 'no body';
}

function describe(err: unknown, type: IntercomErrorType, timeoutMs: number): string {
  if (type === 'timeout') return `no answer from Intercom within ${timeoutMs} ms`;
  if (type === 'too_large') return (err as Error).message;
  if (type === 'blocked') return `refused by the network guard: ${(err as Error).message}`;
  const e = err as { code?: string; cause?: { code?: string }; message?: string };
  return `network error: ${e.cause?.code ?? e.code ?? e.message ?? 'unknown'}`;
}
