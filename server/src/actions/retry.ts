import type { HttpMethod } from '../../../shared/action';

/** Retries after the first attempt, for the methods that may be repeated. */
export const MAX_RETRIES = 2;

/** Idempotent methods: repeating one cannot do the thing twice. POST and PATCH never repeat. */
const RETRYABLE_METHODS: ReadonlySet<HttpMethod> = new Set(['GET', 'PUT', 'DELETE']);

/** Gateway answers that usually mean "try again shortly". */
const RETRYABLE_STATUS: ReadonlySet<number> = new Set([502, 503, 504]);

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

export function isRetryableMethod(method: HttpMethod): boolean {
  return RETRYABLE_METHODS.has(method);
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
