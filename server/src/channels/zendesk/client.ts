import type { z } from 'zod';
import { zendeskApiBase, type ZendeskSettings } from '../../../../shared/settings';
import { retryAfterMs as netRetryAfterMs, type Outbound } from '../../net';
import {
  CommentsEnvelope,
  IdentitiesEnvelope,
  MeEnvelope,
  TicketEnvelope,
  UpdateEnvelope,
  UserEnvelope,
  type ZComment,
  type ZIdentity,
  type ZMe,
  type ZTicket,
  type ZUser,
} from './types';

type ZendeskSettingsValue = z.output<typeof ZendeskSettings>;

/** Why a Zendesk call failed, in words an admin can act on. */
export interface ZendeskFailure {
  kind: 'not_configured' | 'blocked' | 'timeout' | 'network' | 'http' | 'rate_limited' | 'too_large' | 'invalid_response';
  /** HTTP status when Zendesk answered. */
  status: number | null;
  message: string;
  /** From Retry-After on a 429 we did not wait out. */
  retryAfterMs?: number;
}

/** A Zendesk call's outcome: failures are data, never throws. */
export type ZendeskResult<T> = { ok: true; status: number; data: T } | { ok: false; error: ZendeskFailure };

/** Whether trying again later may help (the inbox retries these; a 401 or 404 will not get better). */
export function isTransient(f: ZendeskFailure): boolean {
  if (f.kind === 'timeout' || f.kind === 'network' || f.kind === 'rate_limited') return true;
  return f.kind === 'http' && f.status !== null && (f.status >= 500 || f.status === 409);
}

export interface ZendeskClientOptions {
  /** The outbound stack: its guarded pool checks every connection. */
  outbound: Outbound;
  /** Per call, retries and waits included. Default 10 s. */
  timeoutMs?: number;
  /** Largest answer read. Default 5 MiB (a page of comments with HTML bodies can be big). */
  maxResponseBytes?: number;
  /** GET retries on 5xx and connection errors. Default 2. */
  maxRetries?: number;
  /** Longest Retry-After we wait out in place; longer ones fail as `rate_limited`. Default 30 s. */
  maxRetryAfterMs?: number;
}

const DEFAULTS = { timeoutMs: 10_000, maxResponseBytes: 5 * 1024 * 1024, maxRetries: 2, maxRetryAfterMs: 30_000 };
/** The latest comments are enough to find the requester's newest messages. */
const COMMENTS_PAGE = 30;

/** `https://<subdomain>.zendesk.com`, or the configured override; null when neither is set. */
export function zendeskBaseUrl(s: ZendeskSettingsValue): string | null {
  return zendeskApiBase(s);
}

/** The Authorization header: email/token basic auth (`{email}/token:{api_token}`), else the OAuth token. */
export function zendeskAuthorization(s: ZendeskSettingsValue): string | null {
  if (s.email && s.apiToken) return 'Basic ' + Buffer.from(`${s.email}/token:${s.apiToken}`, 'utf8').toString('base64');
  if (s.oauthToken) return `Bearer ${s.oauthToken}`;
  return null;
}

/**
 * The Zendesk Support API client: the calls the channel needs, through the guarded pool of
 * `net/` (its timeout, size cap, retry policy and bounded Retry-After waits). A PUT is
 * marked not idempotent: adding a comment twice would post two notes.
 */
export class ZendeskClient {
  private readonly o: Required<Omit<ZendeskClientOptions, 'outbound'>>;

  constructor(
    private readonly baseUrl: string,
    private readonly authorization: string,
    private readonly opts: ZendeskClientOptions,
  ) {
    this.o = { ...DEFAULTS, ...stripUndefined(opts) };
  }

  /** A client from a tenant's settings; null when the address or the credentials are missing. */
  static fromSettings(s: ZendeskSettingsValue, opts: ZendeskClientOptions): ZendeskClient | null {
    const base = zendeskBaseUrl(s);
    const auth = zendeskAuthorization(s);
    return base && auth ? new ZendeskClient(base, auth, opts) : null;
  }

  async getTicket(id: string): Promise<ZendeskResult<ZTicket>> {
    const r = await this.call('GET', `/api/v2/tickets/${id}.json`, TicketEnvelope);
    return r.ok ? { ...r, data: r.data.ticket } : r;
  }

  /** The newest comments, returned oldest first. */
  async listComments(ticketId: string): Promise<ZendeskResult<ZComment[]>> {
    const r = await this.call('GET', `/api/v2/tickets/${ticketId}/comments.json?sort_order=desc&per_page=${COMMENTS_PAGE}`, CommentsEnvelope);
    if (!r.ok) return r;
    // Sorted here too, so the order does not depend on the API honouring sort_order.
    const sorted = [...r.data.comments].sort((a, b) => (a.created_at ?? '').localeCompare(b.created_at ?? '') || compareIds(a.id, b.id));
    return { ...r, data: sorted };
  }

  async getUser(id: string): Promise<ZendeskResult<ZUser>> {
    const r = await this.call('GET', `/api/v2/users/${id}.json`, UserEnvelope);
    return r.ok ? { ...r, data: r.data.user } : r;
  }

  /** The user the credentials belong to (the connection test). */
  async getMe(): Promise<ZendeskResult<ZMe>> {
    const r = await this.call('GET', '/api/v2/users/me.json', MeEnvelope);
    return r.ok ? { ...r, data: r.data.user } : r;
  }

  async listIdentities(userId: string): Promise<ZendeskResult<ZIdentity[]>> {
    const r = await this.call('GET', `/api/v2/users/${userId}/identities.json`, IdentitiesEnvelope);
    return r.ok ? { ...r, data: r.data.identities } : r;
  }

  /** Adds an internal note (private comment) and tags in one update. */
  async addInternalNote(ticketId: string, htmlBody: string, tags: string[]): Promise<ZendeskResult<{ id: string }>> {
    const body = { ticket: { comment: { html_body: htmlBody, public: false }, additional_tags: tags } };
    const r = await this.call('PUT', `/api/v2/tickets/${ticketId}.json`, UpdateEnvelope, body);
    return r.ok ? { ...r, data: { id: r.data.ticket.id } } : r;
  }

  private async call<S extends z.ZodType>(method: 'GET' | 'PUT', path: string, schema: S, json?: unknown): Promise<ZendeskResult<z.output<S>>> {
    const fail = (f: Omit<ZendeskFailure, 'status'> & { status?: number | null }): ZendeskResult<never> => ({ ok: false, error: { status: null, ...f } });
    let url: URL;
    try {
      url = new URL(this.baseUrl + path);
    } catch {
      return fail({ kind: 'not_configured', message: 'the Zendesk address is not a valid URL' });
    }
    const headers: Record<string, string> = { authorization: this.authorization, accept: 'application/json', 'user-agent': 'helpdesk-actions/0.1' };
    const body = json === undefined ? undefined : JSON.stringify(json);
    if (body !== undefined) headers['content-type'] = 'application/json';
    const r = await this.opts.outbound.send('guarded', {
      origin: url.origin,
      path: url.pathname + url.search,
      method,
      headers,
      body: body ?? null,
      timeoutMs: this.o.timeoutMs,
      maxBytes: this.o.maxResponseBytes,
      // A PUT adds a comment: sending it twice would post two notes.
      retry: { max: this.o.maxRetries, maxRetryAfterMs: this.o.maxRetryAfterMs, ...(method === 'PUT' ? { idempotent: false } : {}) },
    });
    const status = r.status ?? null;
    if (!r.ok) {
      const e = r.error!;
      if (status === 429) return fail({ kind: 'rate_limited', status, retryAfterMs: r.retryAfterMs ?? 1000, message: `Zendesk rate limit: retry after ${seconds(r.retryAfterMs ?? 1000)}` });
      switch (e.type) {
        case 'blocked':
          return fail({ kind: 'blocked', message: e.message });
        case 'timeout':
          return fail({ kind: 'timeout', status, message: `Zendesk did not answer within ${seconds(this.o.timeoutMs)}` });
        case 'too_large':
          return fail({ kind: 'too_large', status, message: `the Zendesk answer is larger than ${this.o.maxResponseBytes} bytes` });
        case 'network':
          return fail({ kind: 'network', status, message: `could not reach Zendesk (${e.message})` });
        default:
          return fail({ kind: 'http', status, message: `Zendesk answered HTTP ${status}${zendeskErrorText(r.body ?? Buffer.alloc(0))}` });
      }
    }
    let data: unknown;
    try {
      data = JSON.parse(r.body!.toString('utf8'));
    } catch {
      return fail({ kind: 'invalid_response', status, message: 'Zendesk answered with something that is not JSON' });
    }
    const parsed = schema.safeParse(data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return fail({ kind: 'invalid_response', status, message: `unexpected Zendesk answer (${issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid'})` });
    }
    return { ok: true, status: status!, data: parsed.data };
  }
}

/** Retry-After in ms: delay-seconds or an HTTP date; a missing or odd value means a short default. */
export function retryAfterMs(value: string | string[] | undefined, now = Date.now()): number {
  return netRetryAfterMs({ 'retry-after': value }, now) ?? 1000;
}

/** Zendesk's error bodies: `{"error": "RecordNotFound", "description": "Not found"}` (or `error` as an object). */
function zendeskErrorText(bytes: Buffer): string {
  try {
    const j = JSON.parse(bytes.toString('utf8')) as { error?: unknown; description?: unknown };
    const err = typeof j.error === 'string' ? j.error : (j.error as { title?: unknown } | undefined)?.title;
    const parts = [err, j.description].filter((x): x is string => typeof x === 'string' && x.length > 0);
    return parts.length ? `: ${parts.join(', ').slice(0, 200)}` : '';
  } catch {
    return '';
  }
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

function compareIds(a: string, b: string): number {
  return a.length - b.length || a.localeCompare(b);
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
