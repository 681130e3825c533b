import type { Dispatcher } from 'undici';
import { readCapped, TooLargeError } from './body';
import { isBlockedError } from './guard';
import { backoffMs, errorCode, isIdempotentMethod, isRetryableError, isRetryableStatus, MAX_RETRIES, retryAfterMs, type RetryOptions } from './retry';

/** Why an outbound call failed: DESIGN's list, the same for every caller. */
export type NetErrorType = 'timeout' | 'network' | 'blocked' | 'http_4xx' | 'http_5xx' | 'invalid_response' | 'too_large';

/** Response headers as undici gives them. */
export type NetHeaders = Record<string, string | string[] | undefined>;

/** One outbound request. */
export interface NetRequest {
  /** `https://host[:port]`: the pool is per origin. */
  origin: string;
  /** Path and query, starting with `/`. */
  path: string;
  method: string;
  /** Flat `[name, value, name, value...]` list or a record. */
  headers?: string[] | Record<string, string>;
  body?: string | Buffer | null;
  /** Deadline of the whole call, retries and waits included. */
  timeoutMs: number;
  /** Deadline of one attempt (a stalled attempt may then be retried within `timeoutMs`). */
  attemptTimeoutMs?: number;
  /** The caller's cancellation (e.g. the turn's deadline). */
  signal?: AbortSignal;
  /** Largest answer read; a bigger one is `too_large`. */
  maxBytes: number;
  /** Same-origin redirects followed (another origin is never followed). Default 0. */
  maxRedirects?: number;
  retry?: RetryOptions;
}

/** What the remote side answered, or why there is no answer. Never thrown. */
export interface NetResult {
  /** A 2xx answer was read whole. Absent means false. */
  ok?: boolean;
  status?: number;
  headers?: NetHeaders;
  /** The answer's bytes (also for 4xx/5xx, so callers can show an excerpt). */
  body?: Buffer;
  error?: { type: NetErrorType; message: string };
  /** A 429/503's Retry-After that was longer than the caller allows waiting. */
  retryAfterMs?: number;
  attempts: number;
  durationMs: number;
}

/** Tunables of the sender, owned by the composition root. */
export interface SendOptions {
  /** First retry delay; later ones are 3x the previous. */
  retryBaseMs: number;
}

const REDIRECT_STATUS = new Set([301, 302, 303, 307, 308]);

/**
 * Sends one request through a pool with the rules of every outbound call: the deadline
 * (an abort signal linked to the caller's), the size cap, same-origin redirects, and the
 * retry policy of `retry.ts` with `Retry-After` honoured up to a cap. Remote failures
 * come back as data; only a programmer error (a bad argument) can throw.
 */
export async function send(pool: Dispatcher, req: NetRequest, opts: SendOptions): Promise<NetResult> {
  const started = performance.now();
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new Error(`timed out after ${req.timeoutMs} ms`));
  }, req.timeoutMs);
  const external = req.signal;
  const onExternal = () => controller.abort(external?.reason);
  if (external) {
    if (external.aborted) onExternal();
    else external.addEventListener('abort', onExternal, { once: true });
  }
  const signal = controller.signal;
  let attempts = 0;
  const done = (r: Omit<NetResult, 'attempts' | 'durationMs'>): NetResult => ({ ok: false, ...r, attempts, durationMs: Math.round(performance.now() - started) });
  const failure = (err: unknown, status?: number): Omit<NetResult, 'attempts' | 'durationMs'> => {
    const base = status === undefined ? {} : { status };
    // The caller's own deadline running out (AbortSignal.timeout) is a timeout too.
    if (timedOut || attemptTimedOut || (external?.aborted && (external.reason as { name?: string } | undefined)?.name === 'TimeoutError')) {
      return { ...base, error: { type: 'timeout', message: `no complete answer within ${timedOut ? `${req.timeoutMs} ms` : attemptTimedOut ? `${req.attemptTimeoutMs} ms` : 'the time left for this turn'}` } };
    }
    if (external?.aborted) return { ...base, error: { type: 'network', message: 'the call was cancelled' } };
    if (isBlockedError(err)) return { ...base, error: { type: 'blocked', message: (err as Error).message } };
    if (err instanceof TooLargeError) return { ...base, error: { type: 'too_large', message: `the answer is larger than ${err.limit} bytes` } };
    return { ...base, error: { type: 'network', message: networkMessage(err) } };
  };
  const maxRetries = req.retry?.max ?? MAX_RETRIES;
  const maxWait = req.retry?.maxRetryAfterMs ?? 10_000;
  const hasKey = hasIdempotencyKey(req.headers);
  let method = req.method;
  let path = req.path;
  let body = req.body ?? null;
  let headers = req.headers;
  let retries = 0;
  let redirects = 0;
  let attemptTimedOut = false;
  let cleanupAttempt = () => {};
  const idempotent = () => req.retry?.idempotent ?? (hasKey || isIdempotentMethod(method));
  /** Waits before a retry; false when the deadline or cancellation came first. */
  const pause = (ms: number) =>
    new Promise<boolean>((resolve) => {
      if (signal.aborted) return resolve(false);
      const t = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve(true);
      }, ms);
      const onAbort = () => {
        clearTimeout(t);
        resolve(false);
      };
      signal.addEventListener('abort', onAbort, { once: true });
    });

  try {
    for (;;) {
      attempts++;
      let res: Dispatcher.ResponseData;
      let attemptTimer: NodeJS.Timeout | undefined;
      let attemptSignal = signal;
      if (req.attemptTimeoutMs !== undefined && req.attemptTimeoutMs < req.timeoutMs) {
        const attempt = new AbortController();
        const onCall = () => attempt.abort(signal.reason);
        signal.addEventListener('abort', onCall, { once: true });
        attemptTimer = setTimeout(() => {
          attemptTimedOut = true;
          attempt.abort(new Error(`attempt timed out after ${req.attemptTimeoutMs} ms`));
        }, req.attemptTimeoutMs);
        attemptSignal = attempt.signal;
        cleanupAttempt = () => {
          clearTimeout(attemptTimer);
          signal.removeEventListener('abort', onCall);
        };
      }
      try {
        res = await pool.request({ origin: req.origin, path, method: method as Dispatcher.HttpMethod, headers, body, signal: attemptSignal });
      } catch (err) {
        cleanupAttempt();
        const f = failure(err);
        const stalled = attemptTimedOut && !timedOut && !signal.aborted;
        if (stalled) attemptTimedOut = false;
        const again = (stalled || (f.error?.type === 'network' && isRetryableError(err))) && idempotent() && retries < maxRetries;
        if (again && (await pause(backoffMs(opts.retryBaseMs, ++retries)))) continue;
        if (stalled && !again) attemptTimedOut = true;
        return done(again ? failure(err) : f);
      }
      const status = res.statusCode;

      if (REDIRECT_STATUS.has(status) && (req.maxRedirects ?? 0) > 0) {
        await discard(res);
        cleanupAttempt();
        const location = headerText(res.headers['location']);
        let target: URL | undefined;
        try {
          target = location ? new URL(location, req.origin + path) : undefined;
        } catch {
          target = undefined;
        }
        const refuse = (message: string) => done({ status, headers: res.headers, error: { type: 'invalid_response', message } });
        if (!target) return refuse(`redirect (${status}) without a valid Location`);
        if (target.origin !== req.origin) return refuse('redirect to another origin not followed');
        if (redirects >= (req.maxRedirects ?? 0)) return refuse(`more than ${req.maxRedirects} redirects`);
        redirects++;
        path = target.pathname + target.search;
        // As browsers do: 303, and 301/302 after a POST, continue as a GET without the body.
        if (status === 303 || ((status === 301 || status === 302) && method === 'POST')) {
          method = 'GET';
          body = null;
          headers = withoutHeader(headers, 'content-type');
        }
        continue;
      }

      if ((isRetryableStatus(status) || (req.retry?.alsoStatuses?.includes(status) && idempotent())) && retries < maxRetries && (idempotent() || status === 429)) {
        const wait = retryAfterMs(res.headers);
        cleanupAttempt();
        if (wait !== null && wait > maxWait) {
          await discard(res);
          return done({ status, headers: res.headers, body: Buffer.alloc(0), retryAfterMs: wait, error: { type: status >= 500 ? 'http_5xx' : 'http_4xx', message: `HTTP ${status}: retry after ${Math.ceil(wait / 1000)} s` } });
        }
        await discard(res);
        if (await pause(wait ?? backoffMs(opts.retryBaseMs, ++retries))) {
          if (wait !== null) retries++;
          continue;
        }
        return done(failure(new Error('deadline'), status));
      }

      const length = Number(res.headers['content-length'] ?? NaN);
      if (length > req.maxBytes) {
        res.body.on('error', () => {});
        res.body.destroy();
        return done({ status, headers: res.headers, error: { type: 'too_large', message: `the answer is ${length} bytes, more than ${req.maxBytes}` } });
      }
      let bytes: Buffer;
      try {
        bytes = await readCapped(res.body, req.maxBytes, length);
      } catch (err) {
        return done({ ...failure(err, status), headers: res.headers });
      } finally {
        cleanupAttempt();
      }
      if (status >= 200 && status < 300) return done({ ok: true, status, headers: res.headers, body: bytes });
      const type: NetErrorType = status >= 500 ? 'http_5xx' : status >= 400 ? 'http_4xx' : 'invalid_response';
      const later = status === 429 || status === 503 ? retryAfterMs(res.headers) : null;
      return done({ status, headers: res.headers, body: bytes, ...(later !== null ? { retryAfterMs: later } : {}), error: { type, message: type === 'invalid_response' ? `unexpected HTTP status ${status}` : `the API answered HTTP ${status}` } });
    }
  } finally {
    cleanupAttempt();
    clearTimeout(timer);
    external?.removeEventListener('abort', onExternal);
  }
}

/** Response headers as a WHATWG `Headers` (repeated ones appended): what the OpenAI SDK reads. */
export function webHeaders(h: NetHeaders | undefined): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(h ?? {})) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else if (value !== undefined) headers.set(name, value);
  }
  return headers;
}

/** A header as one string (repeated headers joined). */
export function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

function hasIdempotencyKey(h: NetRequest['headers']): boolean {
  if (!h) return false;
  if (Array.isArray(h)) {
    for (let i = 0; i < h.length; i += 2) if (h[i]!.toLowerCase() === 'idempotency-key') return true;
    return false;
  }
  return Object.keys(h).some((k) => k.toLowerCase() === 'idempotency-key');
}

function withoutHeader(h: NetRequest['headers'], lowerName: string): NetRequest['headers'] {
  if (!h) return h;
  if (!Array.isArray(h)) return Object.fromEntries(Object.entries(h).filter(([k]) => k.toLowerCase() !== lowerName));
  const out: string[] = [];
  for (let i = 0; i < h.length; i += 2) if (h[i]!.toLowerCase() !== lowerName) out.push(h[i]!, h[i + 1]!);
  return out;
}

/** Drains a body we do not use so the connection can be reused; gives up on a big one. */
async function discard(res: Dispatcher.ResponseData): Promise<void> {
  try {
    await res.body.dump({ limit: 64 * 1024 });
  } catch {
    // The connection is dropped instead; nothing the caller needs to know.
  }
}

const KNOWN_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'DNS lookup failed',
  UND_ERR_SOCKET: 'the server closed the connection',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
};

function networkMessage(err: unknown): string {
  const code = errorCode(err);
  const text = code && Object.hasOwn(KNOWN_CODES, code) ? KNOWN_CODES[code]! : err instanceof Error ? err.message : String(err);
  return code ? `${text} (${code})` : text;
}
