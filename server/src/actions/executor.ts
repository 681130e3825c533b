import type { Agent, Dispatcher } from 'undici';
import type { ActionContext, Auth, HttpMethod } from '../../../shared/action';
import { authSecrets, sameAuth } from './auth';
import { Deadline } from './deadline';
import { echoResponseHeaders, headerText, interpret, type Outcome } from './interpret';
import { isBlockedError, NetworkGuard, type Resolver } from './network-guard';
import { prepare, templateEcho, type Prepared } from './prepare';
import { Redactor, redactorFor } from './redact';
import { DEFAULT_MAX_RESPONSE_BYTES, readCapped, TooLargeError } from './response-body';
import { backoffMs, errorCode, isRetryableError, isRetryableMethod, isRetryableStatus, MAX_RETRIES } from './retry';
import { compileEndpoint, renderRequest } from './template';
import type { CallErrorType, Endpoint, ExecResult, RequestEcho } from './types';
import { resolveVariables } from './variables';

export interface ActionExecutorOptions {
  /** ALLOWED_PRIVATE_HOSTS: names, IPs and CIDRs exempt from the network guard and the https rule. */
  allowedPrivateHosts: string[];
  /** Largest answer read; bigger ones fail with `too_large`. Default 1 MiB. */
  maxResponseBytes?: number;
  /** First retry delay; later ones are 3x the previous. Default 100 ms. */
  retryBaseMs?: number;
  /** Name resolution used by the guard (tests make names resolve to chosen addresses). */
  resolve?: Resolver;
}

/** Same-origin redirects followed per call. */
const MAX_REDIRECTS = 3;
const REDIRECT_STATUS = new Set([301, 302, 303, 307, 308]);

type Failure = { type: CallErrorType; message: string };

/** The outcome of preparing a call: a request to send, or already a result. */
type Ready = { result: ExecResult } | { prepared: Prepared; redactor: Redactor };


/**
 * Runs actions: fills templates, adds auth, refuses private destinations, then calls the
 * API through one keep-alive agent with the executor's rules (timeout for the whole call,
 * 1 MiB cap, same-origin redirects only, retries for idempotent methods). Never throws for
 * a failed call: the result says what happened, with every secret masked.
 */
export class ActionExecutor {
  /** The guard, for callers that want to check a URL before saving it. */
  readonly guard: NetworkGuard;
  private readonly agent: Agent;
  private readonly maxResponseBytes: number;
  private readonly retryBaseMs: number;
  private readonly redactors = new WeakMap<Auth, { auth: Auth; redactor: Redactor }>();

  constructor(opts: ActionExecutorOptions) {
    this.guard = new NetworkGuard({ allowedPrivateHosts: opts.allowedPrivateHosts, resolve: opts.resolve });
    this.agent = this.guard.createAgent({ keepAliveTimeout: 10_000, connections: 64, connect: { timeout: 10_000 } });
    this.maxResponseBytes = opts.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    this.retryBaseMs = opts.retryBaseMs ?? 100;
  }

  /**
   * Makes one call of `endpoint` with the model's `values` and the conversation `context`.
   * Rejects only for an endpoint the schema would have refused (a body template that is not JSON).
   */
  execute(endpoint: Endpoint, values: Record<string, unknown>, context: ActionContext, opts: { signal?: AbortSignal } = {}): Promise<ExecResult> {
    // Not an async function: the synchronous part runs without an extra promise hop.
    const started = performance.now();
    let ready: Ready;
    try {
      ready = this.prepareCall(endpoint, values, context, started);
    } catch (err) {
      return Promise.reject(err);
    }
    if ('result' in ready) return Promise.resolve(ready.result);
    return this.send(endpoint, ready.prepared, ready.redactor, started, opts.signal);
  }

  /** Everything before the network: variables, templates, auth, the URL check. */
  private prepareCall(endpoint: Endpoint, values: Record<string, unknown>, context: ActionContext, started: number): Ready {
    const redactor = this.redactorFor(endpoint.auth);
    const compiled = compileEndpoint(endpoint);
    const resolution = resolveVariables(compiled.names, endpoint.variables, values, context);
    const refused = (type: CallErrorType, message: string, request: RequestEcho): Ready => ({
      result: { ok: false, durationMs: elapsed(started), attempts: 0, request, error: { type, message } },
    });
    if (resolution.problems.length > 0) {
      return refused('missing_variables', `missing or invalid variables: ${resolution.problems.join(', ')}`, templateEcho(endpoint, redactor));
    }
    let prepared: Prepared;
    try {
      prepared = prepare(endpoint, compiled, renderRequest(compiled, resolution.values), redactor);
    } catch (err) {
      if (!(err instanceof TypeError)) throw err;
      // The filled URL did not parse (e.g. a variable in the host): refuse rather than guess.
      const message = /body|URL variable/.test(err.message) ? err.message : 'the URL is not valid once its variables are filled';
      return refused('blocked', message, templateEcho(endpoint, redactor));
    }
    const refusal = this.guard.checkUrl(prepared.guardUrl);
    if (refusal) return refused('blocked', refusal, prepared.echo);
    return { prepared, redactor };
  }

  /** Closes the pooled connections. */
  async close(): Promise<void> {
    await this.agent.close();
  }

  /** The redactor of an auth object, rebuilt when its secret was changed in place. */
  private redactorFor(auth: Auth): Redactor {
    const hit = this.redactors.get(auth);
    if (hit && sameAuth(auth, hit.auth)) return hit.redactor;
    const redactor = redactorFor(authSecrets(auth));
    this.redactors.set(auth, { auth: { ...auth }, redactor });
    return redactor;
  }

  /** The attempt loop: redirects, retries and the deadline around undici requests. */
  private async send(endpoint: Endpoint, prepared: Prepared, redactor: Redactor, started: number, external?: AbortSignal): Promise<ExecResult> {
    const deadline = new Deadline(endpoint.timeoutMs, external);
    let retries = 0;
    let redirects = 0;
    const { origin } = prepared;
    let { path, headers, body } = prepared;
    let method: HttpMethod = endpoint.method;
    // Completes a partial result in place (no spread: this runs on every call).
    const finish = (partial: Outcome): ExecResult => {
      const r = partial as ExecResult;
      r.durationMs = elapsed(started);
      r.attempts = retries + 1;
      r.request = prepared.echo;
      return r;
    };
    const failure = (err: unknown): Failure => {
      if (deadline.timedOut) return { type: 'timeout', message: `no complete answer within ${endpoint.timeoutMs} ms` };
      if (external?.aborted) return { type: 'network', message: 'the call was cancelled' };
      if (isBlockedError(err)) return { type: 'blocked', message: err.message };
      if (err instanceof TooLargeError) return { type: 'too_large', message: `the answer is larger than ${err.limit} bytes` };
      // Library messages carry no headers, but nothing secret may pass through by accident.
      return { type: 'network', message: redactor.text(networkMessage(err)) };
    };
    const backoff = async (): Promise<Failure | null> => {
      retries++;
      try {
        await deadline.sleep(backoffMs(this.retryBaseMs, retries));
        return null;
      } catch (err) {
        return failure(err);
      }
    };

    try {
      for (;;) {
        let res: Dispatcher.ResponseData;
        try {
          res = await this.agent.request({ origin, path, method, headers, body, signal: deadline });
        } catch (err) {
          const f = failure(err);
          if (f.type === 'network' && isRetryableError(err) && isRetryableMethod(method) && retries < MAX_RETRIES) {
            const stop = await backoff();
            if (stop) return finish({ ok: false, error: stop });
            continue;
          }
          return finish({ ok: false, error: f });
        }
        const status = res.statusCode;

        if (REDIRECT_STATUS.has(status)) {
          await discard(res);
          const location = headerText(res.headers['location']);
          let target: URL | undefined;
          try {
            target = location ? new URL(location, origin + path) : undefined;
          } catch {
            target = undefined;
          }
          const echoed = { status, headers: echoResponseHeaders(res.headers, redactor), body: null };
          if (!target) return finish({ ok: false, status, response: echoed, error: { type: 'invalid_response', message: `redirect (${status}) without a valid Location` } });
          if (target.origin !== origin) {
            return finish({ ok: false, status, response: echoed, error: { type: 'invalid_response', message: 'redirect to another origin not followed' } });
          }
          if (redirects >= MAX_REDIRECTS) {
            return finish({ ok: false, status, response: echoed, error: { type: 'invalid_response', message: `more than ${MAX_REDIRECTS} redirects` } });
          }
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

        if (isRetryableStatus(status) && isRetryableMethod(method) && retries < MAX_RETRIES) {
          await discard(res);
          const stop = await backoff();
          if (stop) return finish({ ok: false, status, error: stop });
          continue;
        }

        const length = Number(res.headers['content-length'] ?? NaN);
        if (length > this.maxResponseBytes) {
          res.body.destroy();
          return finish({ ok: false, status, error: { type: 'too_large', message: `the answer is ${length} bytes, more than ${this.maxResponseBytes}` } });
        }
        let bytes: Buffer;
        try {
          bytes = await readCapped(res.body, this.maxResponseBytes, length);
        } catch (err) {
          return finish({ ok: false, status, error: failure(err) });
        }
        return finish(interpret(endpoint, status, res.headers, bytes, redactor));
      }
    } finally {
      deadline.dispose();
    }
  }
}

function withoutHeader(flat: string[], lowerName: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < flat.length; i += 2) if (flat[i]!.toLowerCase() !== lowerName) out.push(flat[i]!, flat[i + 1]!);
  return out;
}

/** Drains a body we do not use so the connection can be reused; gives up on a big one. */
async function discard(res: Dispatcher.ResponseData): Promise<void> {
  try {
    // The call's deadline still applies: undici destroys the body when it fires.
    await res.body.dump({ limit: 64 * 1024 });
  } catch {
    // The connection is dropped instead; nothing the caller needs to know.
  }
}

function networkMessage(err: unknown): string {
  const code = errorCode(err);
  const known: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ECONNRESET: 'connection reset',
    ENOTFOUND: 'host not found',
    EAI_AGAIN: 'DNS lookup failed',
    UND_ERR_SOCKET: 'the server closed the connection',
    UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  };
  const text = code && Object.hasOwn(known, code) ? known[code]! : err instanceof Error ? err.message : String(err);
  return code ? `${text} (${code})` : text;
}

function elapsed(started: number): number {
  return Math.round(performance.now() - started);
}
