import type { CallView, ProposalView } from '../shared/eval-report';

/**
 * The eval's only way into the server: its public HTTP API. Every request has a deadline and
 * a cap on the answer's size.
 */

/** What one turn answered. */
export interface TurnAnswer {
  reply: string;
  calls: CallView[];
  /** Absent when the server did not say (a confirm answer may not carry it). */
  pending?: ProposalView[];
  proposal?: ProposalView;
}

/** The API answered with an error, or not at all. */
export class ApiError extends Error {
  constructor(
    readonly status: number | null,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface ClientOptions {
  /** Deadline of one request (a turn runs the model: allow for a slow one). */
  timeoutMs?: number;
  /** Largest answer read. */
  maxBytes?: number;
}

const DEFAULT_TIMEOUT_MS = 180_000;
const DEFAULT_MAX_BYTES = 8 * 1024 * 1024;

export class EvalClient {
  private readonly timeoutMs: number;
  private readonly maxBytes: number;

  constructor(
    readonly baseUrl: string,
    private readonly token: string,
    opts: ClientOptions = {},
  ) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  }

  /** JSON request; throws ApiError on a non-2xx answer, a timeout or a network failure. */
  async request<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    let res: Response;
    try {
      res = await fetch(this.baseUrl + path, {
        method,
        headers: { authorization: `Bearer ${this.token}`, accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      const e = err as Error;
      const timeout = e.name === 'TimeoutError' || e.name === 'AbortError';
      throw new ApiError(null, timeout ? 'timeout' : 'network', `${method} ${path}: ${timeout ? `no answer within ${this.timeoutMs} ms` : (e.cause as Error)?.message ?? e.message}`);
    }
    const text = await readCapped(res, this.maxBytes, `${method} ${path}`);
    let json: any = null;
    if (text) {
      try {
        json = JSON.parse(text);
      } catch {
        throw new ApiError(res.status, 'invalid_response', `${method} ${path}: HTTP ${res.status}, not JSON: ${text.slice(0, 200)}`);
      }
    }
    if (!res.ok) {
      const err = json?.error ?? {};
      const details = Array.isArray(err.details) ? err.details.map((d: { path?: string; message?: string }) => `${d.path || '(root)'}: ${d.message}`).join('; ') : '';
      throw new ApiError(res.status, String(err.code ?? 'http_error'), `${method} ${path}: HTTP ${res.status} ${err.code ?? ''} ${err.message ?? text.slice(0, 200)}${details ? ` (${details})` : ''}`.replace(/\s+/g, ' ').trim());
    }
    return { status: res.status, body: json as T };
  }

  async startConversation(input: { customer: unknown; message: string; sandbox: boolean; mocks?: unknown }): Promise<TurnAnswer & { id: string }> {
    const r = await this.request('POST', '/v1/conversations', { ...input, channel: 'playground' });
    return { ...turnOf(r.body), id: String(r.body?.id ?? '') };
  }

  async sendMessage(conversationId: string, message: string): Promise<TurnAnswer> {
    const r = await this.request('POST', `/v1/conversations/${encodeURIComponent(conversationId)}/messages`, { message });
    return turnOf(r.body);
  }

  async decide(conversationId: string, proposalId: string, decision: 'confirm' | 'decline'): Promise<TurnAnswer> {
    const r = await this.request('POST', `/v1/conversations/${encodeURIComponent(conversationId)}/proposals/${encodeURIComponent(proposalId)}/${decision}`, {});
    return turnOf(r.body);
  }

  async listActions(): Promise<ActionView[]> {
    const r = await this.request<{ actions?: ActionView[] } | ActionView[]>('GET', '/v1/actions');
    return Array.isArray(r.body) ? r.body : (r.body?.actions ?? []);
  }
}

/** The rules of an action the eval checks calls against. */
export interface ActionView {
  id?: string;
  name: string;
  audience?: 'everyone' | 'verified';
  requires?: string[];
  confirm?: boolean;
}

function turnOf(b: any): TurnAnswer {
  if (!b || typeof b !== 'object') throw new ApiError(200, 'invalid_response', 'the answer is not a JSON object');
  return {
    reply: typeof b.reply === 'string' ? b.reply : '',
    calls: Array.isArray(b.calls) ? b.calls : [],
    ...(Array.isArray(b.pending) ? { pending: b.pending } : {}),
    ...(b.proposal && typeof b.proposal === 'object' ? { proposal: b.proposal } : {}),
  };
}

async function readCapped(res: Response, max: number, what: string): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      throw new ApiError(res.status, 'too_large', `${what}: answer larger than ${max} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
