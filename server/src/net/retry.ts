/**
 * The one retry policy of every outbound call. A call is repeated only when repeating it
 * cannot do the thing twice: the method is idempotent (GET, HEAD, PUT, DELETE), or the
 * request carries an `Idempotency-Key`, or the remote side said it did not process it (a
 * 429, which RFC 6585 defines as a refusal before any work). A refused connection does not
 * count: behind a proxy "refused" may come after the request was passed on.
 */

/** Retries after the first attempt, by default. */
export const MAX_RETRIES = 2;

/** Methods whose repetition has the effect of one call. */
const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);

/** Answers that usually mean "try again shortly". */
const RETRYABLE_STATUS: ReadonlySet<number> = new Set([408, 429, 502, 503, 504]);

/** Connection failures worth another try (refused, reset, closed before an answer, DNS hiccup). */
const RETRYABLE_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** How a caller tunes the policy for one call. */
export interface RetryOptions {
  /** Retries after the first attempt. Default {@link MAX_RETRIES}; 0 disables retries. */
  max?: number;
  /**
   * Overrides the method's idempotency: false for a PUT that appends (a Zendesk comment),
   * true for a POST the caller knows to be safe to repeat.
   */
  idempotent?: boolean;
  /** Longest `Retry-After` waited out in place; a longer one ends the call. Default 10 s. */
  maxRetryAfterMs?: number;
  /**
   * Statuses also worth another try for this remote (on top of 408, 429, 502-504), e.g. 500 from
   * a model provider, whose documentation calls it transient; an idempotent request only.
   */
  alsoStatuses?: readonly number[];
}

export function isIdempotentMethod(method: string): boolean {
  return IDEMPOTENT_METHODS.has(method);
}

export function isRetryableStatus(status: number): boolean {
  return RETRYABLE_STATUS.has(status);
}

/** The error code of `err` or of its first cause that has one. */
export function errorCode(err: unknown): string | undefined {
  for (let e = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

export function isRetryableError(err: unknown): boolean {
  const code = errorCode(err);
  return code !== undefined && RETRYABLE_CODES.has(code);
}

/** Delay before retry `n` (1-based): base, 3 x base, 9 x base... */
export function backoffMs(baseMs: number, n: number): number {
  return baseMs * 3 ** (n - 1);
}

/**
 * How long a 429/503 says to wait: `Retry-After` (seconds or an HTTP date), else
 * `X-RateLimit-Reset` (Unix seconds, as Intercom sends). Null when neither is usable.
 */
export function retryAfterMs(headers: Record<string, string | string[] | undefined>, now = Date.now()): number | null {
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
  if (reset && /^\d+$/.test(reset)) return Math.max(0, Number(reset) * 1000 - now) + 100;
  return null;
}
