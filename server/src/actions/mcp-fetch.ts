import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import { AppError } from '../errors';
import type { NetErrorType, Outbound } from '../net';

/** Statuses whose Response must not carry a body. */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

/** The network refused or lost an MCP request; `type` is the outbound stack's error type. */
export class McpNetError extends AppError {
  constructor(
    readonly type: NetErrorType,
    message: string,
  ) {
    super('upstream_failed', message, 502);
  }
}

/**
 * The `fetch` the MCP SDK client uses for a remote MCP server: every request through the
 * guarded pool of the one outbound stack (the network guard on the connected address, the
 * size cap on each answer, the deadline of the whole call), the answer read whole into a
 * standard `Response`. A refused, timed-out or oversized answer throws {@link McpNetError}
 * (the SDK passes it on), so the call's result says which.
 *
 * GET (the server's standalone SSE stream) is answered 405 here without a request: a tool
 * call needs no server-initiated messages, and an endless stream must not hold the call.
 */
export function guardedMcpFetch(outbound: Outbound, opts: { deadline: number; maxBytes: number; signal?: AbortSignal }): FetchLike {
  return async (input, init = {}) => {
    const method = (init.method ?? 'GET').toUpperCase();
    if (method === 'GET') return new Response(null, { status: 405, headers: { allow: 'POST' } });
    const url = new URL(String(input));
    const remaining = opts.deadline - Date.now();
    if (remaining <= 0) throw new McpNetError('timeout', 'the MCP server did not answer in time');
    const body = init.body;
    if (body != null && typeof body !== 'string') throw new TypeError('MCP requests carry JSON text');
    const sent: Record<string, string> = {};
    new Headers(init.headers).forEach((value, name) => (sent[name] = value));
    const signals = [opts.signal, init.signal ?? undefined].filter((s): s is AbortSignal => !!s);
    const net = await outbound.send('guarded', {
      origin: url.origin,
      path: url.pathname + url.search,
      method,
      headers: sent,
      body: body ?? null,
      timeoutMs: remaining,
      ...(signals.length ? { signal: AbortSignal.any(signals) } : {}),
      maxBytes: opts.maxBytes,
    });
    const type = net.error?.type;
    if (net.status === undefined || net.body === undefined || (type && type !== 'http_4xx' && type !== 'http_5xx')) {
      throw new McpNetError(type ?? 'network', net.error?.message ?? 'the MCP server could not be reached');
    }
    const headers = new Headers();
    for (const [name, value] of Object.entries(net.headers ?? {})) {
      if (Array.isArray(value)) for (const v of value) headers.append(name, v);
      else if (value !== undefined) headers.set(name, value);
    }
    return new Response(NULL_BODY.has(net.status) ? null : new Uint8Array(net.body), { status: net.status, headers });
  };
}
