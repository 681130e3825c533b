import type { ActionContext, Auth, MockResponse } from '../../../shared/action';
import type { Connection } from '../../../shared/connection';
import { DEFAULT_MAX_RESPONSE_BYTES, jsonProblem, Outbound, type NetworkGuard, type Resolver } from '../net';
import { endpointSecrets, isDynamicAuth, type DynamicAuth } from './auth';
import { resolveEndpoint } from './connection';
import type { Credentials } from './credentials';
import { callHttp, elapsed } from './http-call';
import { interpret } from './interpret';
import { McpSource } from './mcp-source';
import { prepare, templateEcho, type Prepared } from './prepare';
import { type Redactor, redactorFor } from '../secrets';
import { EndpointRedactors } from './redactors';
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
  /** The connection the endpoint names by `connectionId` (the caller loads it from the store). */
  connection?: Connection | null;
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
  /** OAuth2 tokens and identity assertions; without it those auth types are refused (`not_allowed`). */
  credentials?: Credentials;
}

const NO_AUTH: Auth = { type: 'none' };

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
  private readonly redactors = new EndpointRedactors();
  private readonly credentials: Credentials | undefined;
  /** Actions of kind `mcp`: tools of remote MCP servers, through the same outbound stack. */
  private readonly mcp: McpSource;

  constructor(opts: ActionExecutorOptions) {
    this.ownsOutbound = !opts.outbound;
    this.outbound =
      opts.outbound ??
      new Outbound({ allowedPrivateHosts: opts.allowedPrivateHosts ?? [], ...(opts.resolve ? { resolve: opts.resolve } : {}), ...(opts.retryBaseMs !== undefined ? { retryBaseMs: opts.retryBaseMs } : {}) });
    this.guard = this.outbound.guard;
    this.maxResponseBytes = opts.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    this.credentials = opts.credentials;
    this.mcp = new McpSource(this.outbound, this.maxResponseBytes);
  }

  /**
   * Makes one call of `endpoint` with the model's `values` and the conversation `context`.
   * An endpoint with a `connectionId` is resolved against `opts.connection` first.
   * Rejects only for an endpoint the schema would have refused (a body template that is not JSON).
   */
  execute(endpoint: Endpoint, values: Record<string, unknown>, context: ActionContext, opts: ExecuteOptions = {}): Promise<ExecResult> {
    // Not an async function: the synchronous part runs without an extra promise hop.
    const started = performance.now();
    const target = this.target(endpoint, context, opts.connection, started);
    if ('result' in target) return Promise.resolve(target.result);
    endpoint = target.endpoint;
    const dynamic = isDynamicAuth(endpoint.auth);
    if (dynamic && !opts.mock) return this.executeDynamic(endpoint, endpoint.auth as DynamicAuth, values, context, started, opts);
    let ready: Ready;
    try {
      // A sandbox call of a token-based endpoint gets no token: the mock answers it.
      ready = this.prepareCall(endpoint, values, context, started, opts.headers, dynamic ? NO_AUTH : endpoint.auth);
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
    if (endpoint.kind === 'mcp') return this.mcp.call(endpoint, values, ready.prepared, ready.redactor, started, opts.signal);
    return callHttp(this.outbound, endpoint, ready.prepared, ready.redactor, started, { maxBytes: this.maxResponseBytes, signal: opts.signal });
  }

  /**
   * The tools of the MCP server at `url` (for importing them as actions): through the guard,
   * with the given auth, capped and within `timeoutMs`. Never throws for what the remote does.
   */
  listMcpTools(url: string, auth: Endpoint['auth'], timeoutMs: number): ReturnType<McpSource['listTools']> {
    const endpoint: Endpoint = { method: 'POST', url, auth, headers: [], query: [], body: null, timeoutMs, response: { fields: [], maxChars: 4000 }, kind: 'mcp' };
    const ready = this.prepareCall(endpoint, {}, { contact: {} }, performance.now());
    if ('result' in ready) return Promise.resolve({ ok: false, error: ready.result.error! });
    return this.mcp.listTools(ready.prepared, ready.redactor, timeoutMs);
  }

  /**
   * The request a call would send (values filled, auth applied, secrets masked), without
   * sending it: what a proposal shows before it is confirmed, and a dry run's record. A token
   * obtained at call time (OAuth2, identity assertion) is not in it.
   */
  render(
    endpoint: Endpoint,
    values: Record<string, unknown>,
    context: ActionContext,
    headers?: Record<string, string>,
    connection?: Connection | null,
  ): { ok: true; request: RequestEcho } | { ok: false; request: RequestEcho; error: { type: CallErrorType; message: string } } {
    const started = performance.now();
    const target = this.target(endpoint, context, connection, started);
    const ready = 'result' in target ? target : this.prepareCall(target.endpoint, values, context, started, headers, isDynamicAuth(target.endpoint.auth) ? NO_AUTH : target.endpoint.auth);
    if ('result' in ready) return { ok: false, request: ready.result.request, error: ready.result.error! };
    return { ok: true, request: ready.prepared.echo };
  }

  /**
   * The endpoint a call really uses (its connection resolved), or the refusal: the connection
   * is gone, or the endpoint asserts the identity of a customer who is not verified.
   */
  private target(endpoint: Endpoint, context: ActionContext, connection: Connection | null | undefined, started: number): { endpoint: Endpoint } | { result: ExecResult } {
    let target = endpoint;
    if (endpoint.connectionId) {
      const resolved = resolveEndpoint(endpoint, connection ?? null);
      if (!resolved) return { result: this.refusal(endpoint, started, 'not_allowed', "the action's connection does not exist: choose another connection for it") };
      target = resolved;
    }
    if (target.auth.type === 'identity_jwt' && context.verified !== true) {
      return { result: this.refusal(target, started, 'not_allowed', "this action asserts the customer's identity: it is for identity-verified customers only") };
    }
    return { endpoint: target };
  }

  /**
   * A call whose credential is obtained now: an OAuth2 token (refreshed once after a 401, and
   * the call retried once) or an identity assertion. The credential is asked for only once
   * the call is known to be possible (variables, URL, guard), and every form of it is masked.
   */
  private async executeDynamic(endpoint: Endpoint, auth: DynamicAuth, values: Record<string, unknown>, context: ActionContext, started: number, opts: ExecuteOptions): Promise<ExecResult> {
    const base = this.redactors.for(endpoint);
    if (!this.credentials) return this.refusal(endpoint, started, 'not_allowed', `${auth.type} authentication is not available here`);
    const check = this.prepareCall(endpoint, values, context, started, opts.headers, NO_AUTH, base);
    if ('result' in check) return check.result;
    const signal = opts.signal;
    const scope = { context, owner: endpoint.resolvedFrom, origin: check.prepared.origin, action: endpoint.name ?? 'unnamed', timeoutMs: endpoint.timeoutMs, signal };
    const attempt = async (failed?: string): Promise<{ result: ExecResult; token?: string }> => {
      const cred = await this.credentials!.materialize(auth, scope, failed);
      if (!cred.ok) {
        return { result: { ok: false, durationMs: elapsed(started), attempts: 0, request: check.prepared.echo, error: { type: cred.error.type, message: base.text(cred.error.message) } } };
      }
      const redactor = redactorFor([...endpointSecrets(endpoint), cred.token]);
      const ready = this.prepareCall(endpoint, values, context, started, opts.headers, { type: 'bearer', token: cred.token }, redactor);
      if ('result' in ready) return { result: ready.result };
      return { result: await callHttp(this.outbound, endpoint, ready.prepared, redactor, started, { maxBytes: this.maxResponseBytes, signal }), token: cred.token };
    };
    const first = await attempt();
    if (auth.type !== 'oauth2_client_credentials' || first.result.status !== 401 || !first.token || signal?.aborted) return first.result;
    // The token was revoked or expired early: one new token, one more try.
    const second = await attempt(first.token);
    second.result.attempts += first.result.attempts;
    return second.result;
  }

  /** A call refused before anything was sent. */
  private refusal(endpoint: Endpoint, started: number, type: CallErrorType, message: string): ExecResult {
    return { ok: false, durationMs: elapsed(started), attempts: 0, request: templateEcho(endpoint, this.redactors.for(endpoint)), error: { type, message } };
  }

  /** Everything before the network: variables, templates, auth, the URL check. */
  private prepareCall(
    endpoint: Endpoint,
    values: Record<string, unknown>,
    context: ActionContext,
    started: number,
    extraHeaders?: Record<string, string>,
    auth: Auth = endpoint.auth,
    redactor = this.redactors.for(endpoint),
  ): Ready {
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
      prepared = prepare(endpoint, compiled, renderRequest(compiled, resolution.values), redactor, auth);
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
    // An MCP call shows the tool call it makes (what a proposal asks the customer to confirm).
    if (endpoint.kind === 'mcp' && endpoint.mcp) prepared = { ...prepared, echo: { ...prepared.echo, body: redactor.text(JSON.stringify({ tool: endpoint.mcp.toolName, arguments: values })) } };
    const refusal = this.guard.checkUrl(prepared.guardUrl);
    if (refusal) return refused('blocked', refusal, prepared.echo);
    return { prepared, redactor };
  }

  /** Closes the pooled connections when they are the executor's own. */
  async close(): Promise<void> {
    if (this.ownsOutbound) await this.outbound.close();
  }
}

function lowerKeys(h: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) out[k.toLowerCase()] = v;
  return out;
}
