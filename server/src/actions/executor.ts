import type { ActionContext, MockResponse } from '../../../shared/action';
import { DEFAULT_MAX_RESPONSE_BYTES, jsonProblem, Outbound, type NetworkGuard, type Resolver } from '../net';
import { endpointSecrets } from './auth';
import { echoResponseHeaders, interpret, type Outcome } from './interpret';
import { prepare, templateEcho, type Prepared } from './prepare';
import { Redactor, redactorFor } from '../secrets';
import { compileEndpoint, renderRequest } from './template';
import type { CallErrorType, Endpoint, ExecResult, RequestEcho } from './types';
import { resolveVariables } from './variables';

/** Per call options of {@link ActionExecutor.execute}. */
export interface ExecuteOptions {
  /** The caller's cancellation (the turn's deadline). */
  signal?: AbortSignal;
  /** Headers the server adds (e.g. `Idempotency-Key`), after the action's own. */
  headers?: Record<string, string>;
  /** Sandbox: answer with this instead of calling the API. */
  mock?: MockResponse;
}

export interface ActionExecutorOptions {
  /** The outbound stack owned by the composition root; when absent the executor makes (and closes) its own. */
  outbound?: Outbound;
  /** ALLOWED_PRIVATE_HOSTS: names, IPs and CIDRs exempt from the network guard and the https rule. */
  allowedPrivateHosts?: string[];
  /** Largest answer read; bigger ones fail with `too_large`. Default 1 MiB. */
  maxResponseBytes?: number;
  /** First retry delay; later ones are 3x the previous. Default 100 ms. */
  retryBaseMs?: number;
  /** Name resolution used by the guard (tests make names resolve to chosen addresses). */
  resolve?: Resolver;
}

/** Same-origin redirects followed per call. */
const MAX_REDIRECTS = 3;

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
  private readonly outbound: Outbound;
  /** Set when the executor made its own outbound stack and so must close it. */
  private readonly ownsOutbound: boolean;
  private readonly maxResponseBytes: number;
  /** Redactors by the secrets they mask: endpoints with the same credentials share one. */
  private readonly redactors = new Map<string, Redactor>();

  constructor(opts: ActionExecutorOptions) {
    this.ownsOutbound = !opts.outbound;
    this.outbound =
      opts.outbound ??
      new Outbound({ allowedPrivateHosts: opts.allowedPrivateHosts ?? [], ...(opts.resolve ? { resolve: opts.resolve } : {}), ...(opts.retryBaseMs !== undefined ? { retryBaseMs: opts.retryBaseMs } : {}) });
    this.guard = this.outbound.guard;
    this.maxResponseBytes = opts.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  }

  /**
   * Makes one call of `endpoint` with the model's `values` and the conversation `context`.
   * Rejects only for an endpoint the schema would have refused (a body template that is not JSON).
   */
  execute(endpoint: Endpoint, values: Record<string, unknown>, context: ActionContext, opts: ExecuteOptions = {}): Promise<ExecResult> {
    // Not an async function: the synchronous part runs without an extra promise hop.
    const started = performance.now();
    let ready: Ready;
    try {
      ready = this.prepareCall(endpoint, values, context, started, opts.headers);
    } catch (err) {
      return Promise.reject(err);
    }
    if ('result' in ready) return Promise.resolve(ready.result);
    if (opts.mock) {
      // Sandbox: the request is rendered and checked as for real, the mock answers it.
      const m = opts.mock;
      const bytes = Buffer.from(typeof m.body === 'string' ? m.body : JSON.stringify(m.body ?? null), 'utf8');
      const headers: Record<string, string> = { 'content-type': typeof m.body === 'string' ? 'text/plain' : 'application/json', ...(m.headers ?? {}) };
      const r = interpret(endpoint, m.status, lowerKeys(headers), bytes, ready.redactor) as ExecResult;
      r.durationMs = elapsed(started);
      r.attempts = 0;
      r.request = ready.prepared.echo;
      return Promise.resolve(r);
    }
    return this.send(endpoint, ready.prepared, ready.redactor, started, opts.signal);
  }

  /**
   * The request a call would send (values filled, auth applied, secrets masked), without
   * sending it: what a proposal shows before it is confirmed, and a dry run's record.
   */
  render(endpoint: Endpoint, values: Record<string, unknown>, context: ActionContext, headers?: Record<string, string>): { ok: true; request: RequestEcho } | { ok: false; request: RequestEcho; error: { type: CallErrorType; message: string } } {
    const ready = this.prepareCall(endpoint, values, context, performance.now(), headers);
    if ('result' in ready) return { ok: false, request: ready.result.request, error: ready.result.error! };
    return { ok: true, request: ready.prepared.echo };
  }

  /** Everything before the network: variables, templates, auth, the URL check. */
  private prepareCall(endpoint: Endpoint, values: Record<string, unknown>, context: ActionContext, started: number, extraHeaders?: Record<string, string>): Ready {
    const redactor = this.redactorFor(endpoint);
    const compiled = compileEndpoint(endpoint);
    // Values come from the model: a lone surrogate is valid JSON but no encoder accepts it.
    const unusable = jsonProblem(values, 16);
    if (unusable) return { result: { ok: false, durationMs: elapsed(started), attempts: 0, request: templateEcho(endpoint, redactor), error: { type: 'missing_variables', message: `invalid variables: ${unusable}` } } };
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
      if (!(err instanceof TypeError) && !(err instanceof URIError)) throw err;
      // The filled URL did not parse (e.g. a variable in the host): refuse rather than guess.
      const message = /body|URL variable/.test(err.message) ? err.message : 'the URL is not valid once its variables are filled';
      return refused('blocked', message, templateEcho(endpoint, redactor));
    }
    if (extraHeaders) {
      // Server-set headers (the Idempotency-Key of a confirmed write): never from the model.
      prepared = { ...prepared, headers: [...prepared.headers], echo: { ...prepared.echo, headers: { ...prepared.echo.headers } } };
      for (const [k, v] of Object.entries(extraHeaders)) {
        prepared.headers.push(k, v);
        prepared.echo.headers[k] = v;
      }
    }
    const refusal = this.guard.checkUrl(prepared.guardUrl);
    if (refusal) return refused('blocked', refusal, prepared.echo);
    return { prepared, redactor };
  }

  /** Closes the pooled connections when they are the executor's own. */
  async close(): Promise<void> {
    if (this.ownsOutbound) await this.outbound.close();
  }

  /** The redactor of an endpoint's secrets (its auth, credential headers and query values). */
  private redactorFor(endpoint: Endpoint): Redactor {
    const secrets = endpointSecrets(endpoint);
    if (secrets.length === 0) return redactorFor(secrets);
    const key = secrets.join('\u0000');
    let hit = this.redactors.get(key);
    if (!hit) {
      hit = redactorFor(secrets);
      if (this.redactors.size >= 1000) this.redactors.delete(this.redactors.keys().next().value!);
      this.redactors.set(key, hit);
    }
    return hit;
  }

  /** Sends through `net/` and turns the answer into the action's result. */
  private async send(endpoint: Endpoint, prepared: Prepared, redactor: Redactor, started: number, signal?: AbortSignal): Promise<ExecResult> {
    const net = await this.outbound.send('guarded', {
      origin: prepared.origin,
      path: prepared.path,
      method: endpoint.method,
      headers: prepared.headers,
      body: prepared.body,
      timeoutMs: endpoint.timeoutMs,
      ...(signal ? { signal } : {}),
      maxBytes: this.maxResponseBytes,
      maxRedirects: MAX_REDIRECTS,
    });
    let outcome: Outcome;
    if (net.status !== undefined && net.body !== undefined && (net.ok || net.error?.type === 'http_4xx' || net.error?.type === 'http_5xx' || net.error?.type === 'invalid_response')) {
      outcome = interpret(endpoint, net.status, net.headers ?? {}, net.body, redactor);
    } else {
      const error = { type: net.error?.type ?? 'network', message: redactor.text(net.error?.message ?? 'failed') };
      outcome = { ok: false, ...(net.status !== undefined ? { status: net.status } : {}), error };
      // A refused redirect shows what the API answered.
      if (net.status !== undefined && net.headers && net.body === undefined && error.type === 'invalid_response') {
        outcome.response = { status: net.status, headers: echoResponseHeaders(net.headers, redactor), body: null };
      }
    }
    const r = outcome as ExecResult;
    r.durationMs = elapsed(started);
    r.attempts = Math.max(1, net.attempts);
    r.request = prepared.echo;
    return r;
  }
}

function lowerKeys(h: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) out[k.toLowerCase()] = v;
  return out;
}

function elapsed(started: number): number {
  return Math.round(performance.now() - started);
}
