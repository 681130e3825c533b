import type { Outbound } from '../net';
import type { Redactor } from '../secrets';
import { echoResponseHeaders, interpret, type Outcome } from './interpret';
import type { Prepared } from './prepare';
import type { Endpoint, ExecResult } from './types';

/** Same-origin redirects followed per call. */
const MAX_REDIRECTS = 3;

/** Milliseconds since `started` (a `performance.now()`), as a call record shows them. */
export function elapsed(started: number): number {
  return Math.round(performance.now() - started);
}

/**
 * The send step of the executor's pipeline: the prepared request goes out through `net/`
 * (guarded pool, deadline, cap, retry rule) and the answer, or the failure, becomes the
 * action's result, masked by the endpoint's redactor.
 */
export async function callHttp(
  outbound: Outbound,
  endpoint: Endpoint,
  prepared: Prepared,
  redactor: Redactor,
  started: number,
  opts: { maxBytes: number; signal?: AbortSignal | undefined },
): Promise<ExecResult> {
  const net = await outbound.send('guarded', {
    origin: prepared.origin,
    path: prepared.path,
    method: endpoint.method,
    headers: prepared.headers,
    body: prepared.body,
    timeoutMs: endpoint.timeoutMs,
    ...(opts.signal ? { signal: opts.signal } : {}),
    maxBytes: opts.maxBytes,
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
