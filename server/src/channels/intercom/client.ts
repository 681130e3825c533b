import { INTERCOM_REGION_HOSTS, intercomApiBase, type Settings } from '../../../../shared/settings';
import { retryAfterMs, type Outbound } from '../../net';

/** The REST API version this client is written against (sent as `Intercom-Version`): 2.14 for quick-reply buttons. */
export const INTERCOM_VERSION = '2.14';

/** API hosts by data hosting region. */
export const REGION_BASE_URLS = INTERCOM_REGION_HOSTS;

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

/** What `GET /me` answers for an access token: the admin it acts as and the workspace (app) it belongs to. */
export interface IntercomMe {
  type?: string;
  id?: string;
  name?: string | null;
  email?: string | null;
  app?: { type?: string; id_code?: string; name?: string | null } | null;
}

/** An admin of `GET /admins`. */
export interface IntercomAdmin {
  type?: string;
  id: string;
  name?: string | null;
  email?: string | null;
}

/** A conversation part as `GET /conversations/{id}` lists it. */
export interface IntercomPart {
  id?: string;
  part_type?: string;
  body?: string | null;
  author?: { type?: string; id?: string } | null;
  /** A customer's quick-reply click names the option here. */
  metadata?: { quick_reply_uuid?: string } | null;
}

/** One quick-reply button: its label and the uuid the click comes back with. */
export interface QuickReplyOption {
  text: string;
  uuid: string;
}

export interface IntercomClientOptions {
  /** The tenant's Intercom settings (access token, region or base URL). */
  settings: Settings['intercom'];
  /** The outbound stack: every call goes through its guarded pool. */
  outbound: Outbound;
  /** Per attempt; the whole call is bounded by `budgetMs`. Default 10 s. */
  timeoutMs?: number;
  /** Largest answer read. Default 4 MiB: a conversation comes back with up to 500 parts. */
  maxResponseBytes?: number;
  /** Retries after a 429 (and, for GET, after 502/503/504 and connection errors). Default 3. */
  maxRetries?: number;
  /** Longest wait for a rate limit window; a longer one fails the call as `rate_limited`. Default 10 s. */
  maxWaitMs?: number;
  /** Time one call may take with its retries and waits; no retry starts past it. Default 30 s. */
  budgetMs?: number;
}

const USER_AGENT = 'helpdesk-actions/0.1 (intercom)';

/** The API base URL for a tenant's settings: the override, else the region's host. */
export function intercomBaseUrl(s: Settings['intercom']): string {
  return intercomApiBase(s);
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
  private readonly budgetMs: number;

  constructor(private readonly opts: IntercomClientOptions) {
    this.base = intercomBaseUrl(opts.settings);
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.maxBytes = opts.maxResponseBytes ?? 4 * 1024 * 1024;
    this.maxRetries = opts.maxRetries ?? 3;
    this.maxWaitMs = opts.maxWaitMs ?? 10_000;
    this.budgetMs = opts.budgetMs ?? 30_000;
  }

  /** `GET /me`: the admin and the workspace the access token belongs to. */
  getMe(): Promise<IntercomResult<IntercomMe>> {
    return this.call<IntercomMe>('GET', '/me');
  }

  /** `GET /admins`: the workspace's admins (teammates); the AI replies as one of them. */
  listAdmins(): Promise<IntercomResult<IntercomAdmin[]>> {
    return this.call<{ admins?: IntercomAdmin[] }>('GET', '/admins').then((r) =>
      r.ok ? { ...r, data: (Array.isArray(r.data?.admins) ? r.data.admins : []).filter((a) => a && a.id !== undefined && a.id !== null).map((a) => ({ ...a, id: String(a.id) })) } : r,
    );
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

  /** `POST /conversations/{id}/reply` as an admin with quick-reply buttons under the text. */
  replyWithOptions(conversationId: string, adminId: string, body: string, options: QuickReplyOption[]): Promise<IntercomResult<unknown>> {
    return this.call('POST', `/conversations/${encodeURIComponent(conversationId)}/reply`, {
      message_type: 'quick_reply',
      type: 'admin',
      admin_id: adminId,
      body,
      reply_options: options.map((o) => ({ text: o.text, uuid: o.uuid })),
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
    const payload = body !== undefined ? JSON.stringify(body) : null;
    const url = new URL(this.base + path);
    const r = await this.opts.outbound.send('guarded', {
      origin: url.origin,
      path: url.pathname + url.search,
      method,
      headers,
      body: payload,
      // The budget covers the retries and waits; a 429 (Intercom answers it before doing
      // anything) may be repeated even for a POST, other failures only for a GET.
      timeoutMs: this.budgetMs,
      attemptTimeoutMs: this.timeoutMs,
      maxBytes: this.maxBytes,
      retry: { max: this.maxRetries, maxRetryAfterMs: this.maxWaitMs },
    });
    const durationMs = elapsed();
    const status = r.status ?? null;
    if (!r.ok) {
      const e = r.error!;
      // A POST that got its 2xx was done; only its (unused) echo was too big to read.
      if (e.type === 'too_large' && method === 'POST' && status !== null && status >= 200 && status < 300) return { ok: true, status, data: null as T, durationMs };
      if (status === 429) {
        const wait = r.retryAfterMs ?? rateLimitWait(r.headers ?? {}) ?? 0;
        return { ok: false, status: 429, error: { type: 'rate_limited', message: `rate limited by Intercom; next window in ${Math.ceil(wait / 1000)} s` }, durationMs };
      }
      const message =
        e.type === 'timeout'
          ? `no answer from Intercom within ${Math.min(this.timeoutMs, this.budgetMs)} ms`
          : e.type === 'blocked'
            ? `refused by the network guard: ${e.message}`
            : e.type === 'network'
              ? `network error: ${e.message}`
              : status !== null && e.type !== 'too_large'
                ? `Intercom answered ${status}: ${errorMessage(r.body?.toString('utf8') ?? '')}`
                : e.message;
      return { ok: false, status, error: { type: e.type, message }, durationMs };
    }
    const text = r.body!.toString('utf8');
    let data: unknown = null;
    if (text.trim()) {
      try {
        data = JSON.parse(text);
      } catch {
        return { ok: false, status, error: { type: 'invalid_response', message: 'Intercom answered with something that is not JSON' }, durationMs };
      }
    }
    return { ok: true, status: status!, data: data as T, durationMs };
  }
}

/** How long a 429 says to wait (Retry-After, else X-RateLimit-Reset); null when neither is usable. */
export const rateLimitWait = retryAfterMs;

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
