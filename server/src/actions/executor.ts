import { setTimeout as sleep } from 'node:timers/promises';
import { request, type Agent, type Dispatcher } from 'undici';
import type { ActionContext, Auth, HttpMethod } from '../../../shared/action';
import { maskSecret } from '../../../shared/mask';
import { applyAuth, authSecrets } from './auth';
import { isBlockedError, NetworkGuard, type Resolver } from './network-guard';
import { Redactor, redactorFor } from './redact';
import { DEFAULT_MAX_RESPONSE_BYTES, parseBody, readCapped, TooLargeError } from './response-body';
import { backoffMs, errorCode, isRetryableError, isRetryableMethod, isRetryableStatus, MAX_RETRIES } from './retry';
import { setOwn } from './safe-object';
import { capText, shapeResponse } from './shape';
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
/** Most characters of an error answer's body shown to the model. */
const ERROR_EXCERPT_CHARS = 1000;
const DEFAULT_ACCEPT = 'application/json, text/plain;q=0.9, */*;q=0.8';
const USER_AGENT = 'helpdesk-actions/0.1';
/** Headers undici or the connection own: an admin's value would break framing or routing. */
const FORBIDDEN_HEADERS = new Set(['host', 'content-length', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade', 'te', 'trailer', 'expect', 'proxy-authorization', 'proxy-connection']);
const REDIRECT_STATUS = new Set([301, 302, 303, 307, 308]);

type Failure = { type: CallErrorType; message: string };

/** A request ready to send: what goes on the wire and its masked echo. */
interface Prepared {
  url: URL;
  headers: string[];
  body: string | null;
  echo: RequestEcho;
}

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
  private readonly redactors = new WeakMap<Auth, { key: string; redactor: Redactor }>();

  constructor(opts: ActionExecutorOptions) {
    this.guard = new NetworkGuard({ allowedPrivateHosts: opts.allowedPrivateHosts, resolve: opts.resolve });
    this.agent = this.guard.createAgent({ keepAliveTimeout: 10_000, connections: 64, connect: { timeout: 10_000 } });
    this.maxResponseBytes = opts.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    this.retryBaseMs = opts.retryBaseMs ?? 100;
  }

  /**
   * Makes one call of `endpoint` with the model's `values` and the conversation `context`.
   * Throws only for an endpoint the schema would have refused (a body template that is not JSON).
   */
  async execute(endpoint: Endpoint, values: Record<string, unknown>, context: ActionContext, opts: { signal?: AbortSignal } = {}): Promise<ExecResult> {
    const started = performance.now();
    const redactor = this.redactorFor(endpoint.auth);
    const compiled = compileEndpoint(endpoint);
    const resolution = resolveVariables(compiled.names, endpoint.variables, values, context);
    if (resolution.problems.length > 0) {
      return {
        ok: false,
        durationMs: elapsed(started),
        attempts: 0,
        request: templateEcho(endpoint, redactor),
        error: { type: 'missing_variables', message: `missing or invalid variables: ${resolution.problems.join(', ')}` },
      };
    }
    let prepared: Prepared;
    try {
      prepared = prepare(endpoint, renderRequest(compiled, resolution.values), redactor);
    } catch (err) {
      if (!(err instanceof TypeError)) throw err;
      // The filled URL did not parse (e.g. a variable in the host): refuse rather than guess.
      const message = err.message.includes('body') ? err.message : 'the URL is not valid once its variables are filled';
      return { ok: false, durationMs: elapsed(started), attempts: 0, request: templateEcho(endpoint, redactor), error: { type: 'blocked', message } };
    }
    const refusal = this.guard.checkUrl(prepared.url);
    if (refusal) {
      return { ok: false, durationMs: elapsed(started), attempts: 0, request: prepared.echo, error: { type: 'blocked', message: refusal } };
    }
    return this.send(endpoint, prepared, redactor, started, opts.signal);
  }

  /** Closes the pooled connections. */
  async close(): Promise<void> {
    await this.agent.close();
  }

  private redactorFor(auth: Auth): Redactor {
    const secrets = authSecrets(auth);
    const key = secrets.join('\u0000');
    const hit = this.redactors.get(auth);
    if (hit && hit.key === key) return hit.redactor;
    const redactor = redactorFor(secrets);
    this.redactors.set(auth, { key, redactor });
    return redactor;
  }

  /** The attempt loop: redirects, retries and the deadline around undici requests. */
  private async send(endpoint: Endpoint, prepared: Prepared, redactor: Redactor, started: number, external?: AbortSignal): Promise<ExecResult> {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new Error('timeout'));
    }, endpoint.timeoutMs);
    const signal = external ? AbortSignal.any([controller.signal, external]) : controller.signal;

    let retries = 0;
    let redirects = 0;
    let { url, headers, body } = prepared;
    let method: HttpMethod = endpoint.method;
    const finish = (r: Omit<ExecResult, 'durationMs' | 'attempts' | 'request'>): ExecResult => ({
      ...r,
      durationMs: elapsed(started),
      attempts: retries + 1,
      request: prepared.echo,
    });
    const failure = (err: unknown): Failure => {
      if (timedOut) return { type: 'timeout', message: `no complete answer within ${endpoint.timeoutMs} ms` };
      if (external?.aborted) return { type: 'network', message: 'the call was cancelled' };
      if (isBlockedError(err)) return { type: 'blocked', message: err.message };
      if (err instanceof TooLargeError) return { type: 'too_large', message: `the answer is larger than ${err.limit} bytes` };
      return { type: 'network', message: networkMessage(err) };
    };
    const backoff = async (): Promise<Failure | null> => {
      retries++;
      try {
        await sleep(backoffMs(this.retryBaseMs, retries), undefined, { signal });
        return null;
      } catch (err) {
        return failure(err);
      }
    };

    try {
      for (;;) {
        let res: Dispatcher.ResponseData;
        try {
          res = await request(url, { dispatcher: this.agent, method, headers, body, signal });
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
          await discard(res, signal);
          const location = headerText(res.headers['location']);
          let target: URL | undefined;
          try {
            target = location ? new URL(location, url) : undefined;
          } catch {
            target = undefined;
          }
          const echoed = { status, headers: redactor.headers(responseHeaders(res.headers)), body: null };
          if (!target) return finish({ ok: false, status, response: echoed, error: { type: 'invalid_response', message: `redirect (${status}) without a valid Location` } });
          if (target.origin !== url.origin) {
            return finish({ ok: false, status, response: echoed, error: { type: 'invalid_response', message: 'redirect to another origin not followed' } });
          }
          if (redirects >= MAX_REDIRECTS) {
            return finish({ ok: false, status, response: echoed, error: { type: 'invalid_response', message: `more than ${MAX_REDIRECTS} redirects` } });
          }
          redirects++;
          target.hash = '';
          url = target;
          // As browsers do: 303, and 301/302 after a POST, continue as a GET without the body.
          if (status === 303 || ((status === 301 || status === 302) && method === 'POST')) {
            method = 'GET';
            body = null;
            headers = withoutHeader(headers, 'content-type');
          }
          continue;
        }

        if (isRetryableStatus(status) && isRetryableMethod(method) && retries < MAX_RETRIES) {
          await discard(res, signal);
          const stop = await backoff();
          if (stop) return finish({ ok: false, status, error: stop });
          continue;
        }

        const length = Number(res.headers['content-length']);
        if (length > this.maxResponseBytes) {
          res.body.destroy();
          return finish({ ok: false, status, error: { type: 'too_large', message: `the answer is ${length} bytes, more than ${this.maxResponseBytes}` } });
        }
        let bytes: Buffer;
        try {
          bytes = await readCapped(res.body, this.maxResponseBytes);
        } catch (err) {
          return finish({ ok: false, status, error: failure(err) });
        }
        return finish(interpret(endpoint, status, res.headers, bytes, redactor));
      }
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Renders the wire request and its masked echo. Throws TypeError for an unusable URL or body. */
function prepare(endpoint: Endpoint, rendered: ReturnType<typeof renderRequest>, redactor: Redactor): Prepared {
  const headers = rendered.headers;
  for (const name of headers.keys()) if (FORBIDDEN_HEADERS.has(name)) headers.delete(name);
  const body = applyAuth(endpoint.auth, headers, rendered.body);
  const bodyText = body === undefined ? null : JSON.stringify(body);
  if (bodyText !== null && !headers.has('content-type')) headers.set('content-type', ['Content-Type', 'application/json']);
  if (!headers.has('accept')) headers.set('accept', ['Accept', DEFAULT_ACCEPT]);
  if (!headers.has('user-agent')) headers.set('user-agent', ['User-Agent', USER_AGENT]);

  const flat: string[] = [];
  for (const [name, value] of headers.values()) flat.push(name, value);
  return {
    url: rendered.url,
    headers: flat,
    body: bodyText,
    echo: {
      method: endpoint.method,
      url: redactor.text(rendered.url.href),
      headers: redactor.headers(headers.values()),
      body: bodyText === null ? null : redactor.text(echoBody(endpoint.auth, body, bodyText)),
    },
  };
}

/** The body as echoed: a body-auth field shows its mask even when the secret is too short to scrub by text. */
function echoBody(auth: Auth, body: unknown, bodyText: string): string {
  if (auth.type !== 'body') return bodyText;
  const copy: Record<string, unknown> = {};
  const source = body as Record<string, unknown>;
  for (const k of Object.keys(source)) setOwn(copy, k, source[k]);
  setOwn(copy, auth.name, maskSecret(auth.value));
  return JSON.stringify(copy);
}

/** The echo of a call that was never made: templates as written, credentials masked. */
function templateEcho(endpoint: Endpoint, redactor: Redactor): RequestEcho {
  const headers = new Map<string, [string, string]>();
  for (const h of endpoint.headers) headers.set(h.key.toLowerCase(), [h.key, h.value]);
  if (endpoint.auth.type !== 'body') applyAuth(endpoint.auth, headers, undefined);
  return {
    method: endpoint.method,
    url: redactor.text(endpoint.url),
    headers: redactor.headers(headers.values()),
    body: endpoint.body === null ? null : redactor.text(endpoint.body),
  };
}

/** Turns a complete answer into the result: parsed, masked, shaped for the model, typed error for 4xx/5xx. */
function interpret(endpoint: Endpoint, status: number, rawHeaders: Dispatcher.ResponseData['headers'], bytes: Buffer, redactor: Redactor): Omit<ExecResult, 'durationMs' | 'attempts' | 'request'> {
  const headers = redactor.headers(responseHeaders(rawHeaders));
  const contentType = headerText(rawHeaders['content-type']);
  const parsed = parseBody(bytes, contentType);
  if (!parsed.ok) {
    const excerpt = parsed.text ? capText(redactor.text(parsed.text), ERROR_EXCERPT_CHARS) : null;
    return { ok: false, status, response: { status, headers, body: excerpt }, error: { type: 'invalid_response', message: parsed.message } };
  }
  // Masking walks the tree only when a secret may be inside (escapes can hide one from a text search).
  const data = redactor.empty || (!parsed.text.includes('\\') && !redactor.has(parsed.text)) ? parsed.data : redactor.tree(parsed.data);
  const response = { status, headers, body: data };
  const asText = (v: unknown) => (typeof v === 'string' ? v : (JSON.stringify(v) ?? ''));

  if (status >= 400) {
    const type: CallErrorType = status >= 500 ? 'http_5xx' : 'http_4xx';
    const excerpt = data === null ? '' : capText(asText(data), Math.min(ERROR_EXCERPT_CHARS, endpoint.response.maxChars));
    return {
      ok: false,
      status,
      response,
      modelText: `HTTP ${status}${excerpt ? `: ${excerpt}` : ''}`,
      error: { type, message: `the API answered HTTP ${status}` },
    };
  }
  if (status < 200 || status >= 300) {
    return { ok: false, status, response, error: { type: 'invalid_response', message: `unexpected HTTP status ${status}` } };
  }
  const modelText = data === null ? `HTTP ${status}, no content` : capText(asText(shapeResponse(data, endpoint.response.fields)), endpoint.response.maxChars);
  return { ok: true, status, response, modelText };
}

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

function responseHeaders(headers: Dispatcher.ResponseData['headers']): [string, string][] {
  const out: [string, string][] = [];
  for (const name of Object.keys(headers)) {
    const value = headerText(headers[name]);
    if (value !== undefined) out.push([name, value]);
  }
  return out;
}

function withoutHeader(flat: string[], lowerName: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < flat.length; i += 2) if (flat[i]!.toLowerCase() !== lowerName) out.push(flat[i]!, flat[i + 1]!);
  return out;
}

/** Drains a body we do not use so the connection can be reused; gives up on a big one. */
async function discard(res: Dispatcher.ResponseData, signal: AbortSignal): Promise<void> {
  try {
    await res.body.dump({ limit: 64 * 1024, signal });
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
