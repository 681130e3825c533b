import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpError, type CallToolResult, type Tool } from '@modelcontextprotocol/sdk/types.js';
import type { Outbound } from '../net';
import type { Redactor } from '../secrets';
import { interpret } from './interpret';
import { guardedMcpFetch, McpNetError } from './mcp-fetch';
import type { Prepared } from './prepare';
import type { CallErrorType, Endpoint, ExecResult } from './types';

const CLIENT_INFO = { name: 'helpdesk-actions', version: '1.0.0' };
/** Pages of `tools/list` read, and tools kept: a remote cannot make the list endless. */
const MAX_PAGES = 10;
const MAX_TOOLS = 500;
/** Headers the SDK sets itself on every MCP request. */
const SDK_HEADERS = new Set(['accept', 'content-type', 'content-length']);

/** A failed MCP exchange in the engine's words. */
interface Failure {
  type: CallErrorType;
  message: string;
  status?: number;
}

/**
 * Remote MCP servers as action sources: the official SDK client over Streamable HTTP, every
 * request through the guarded outbound stack (see mcp-fetch.ts). One short-lived client per
 * call: connect, one request, close; nothing is kept between calls.
 */
export class McpSource {
  constructor(
    private readonly outbound: Outbound,
    private readonly maxBytes: number,
  ) {}

  /** The remote server's tools (`tools/list`, pages followed up to a bound). */
  async listTools(prepared: Prepared, redactor: Redactor, timeoutMs: number, signal?: AbortSignal): Promise<{ ok: true; tools: Tool[] } | { ok: false; error: Failure }> {
    try {
      const tools = await this.session(prepared, timeoutMs, signal, async (client, opts) => {
        const out: Tool[] = [];
        let cursor: string | undefined;
        for (let page = 0; page < MAX_PAGES && out.length < MAX_TOOLS; page++) {
          const r = await client.listTools(cursor ? { cursor } : {}, opts);
          out.push(...r.tools.slice(0, MAX_TOOLS - out.length));
          cursor = r.nextCursor;
          if (!cursor) break;
        }
        return out;
      });
      return { ok: true, tools };
    } catch (err) {
      return { ok: false, error: failure(err, redactor) };
    }
  }

  /**
   * Calls the action's remote tool with the model's values (as its arguments). The answer is
   * shaped, masked and capped like an API's: its structured content (or its text, JSON when
   * it parses) goes through the same interpretation as an HTTP body.
   */
  async call(endpoint: Endpoint, values: Record<string, unknown>, prepared: Prepared, redactor: Redactor, started: number, signal?: AbortSignal): Promise<ExecResult> {
    const done = (r: Omit<ExecResult, 'durationMs' | 'attempts' | 'request'>): ExecResult => ({ ...r, durationMs: Math.round(performance.now() - started), attempts: 1, request: prepared.echo });
    const ref = endpoint.mcp!;
    try {
      const result = (await this.session(prepared, endpoint.timeoutMs, signal, (client, opts) =>
        client.callTool({ name: ref.toolName, arguments: remoteArguments(values, ref.argumentNames) }, undefined, opts),
      )) as CallToolResult;
      const bytes = Buffer.from(JSON.stringify(payloadOf(result)) ?? 'null', 'utf8');
      const outcome = interpret(endpoint, 200, { 'content-type': 'application/json' }, bytes, redactor);
      if (result.isError && outcome.ok) {
        // The tool ran and reported a failure: the model reads what it said, as for a 4xx.
        const { status: _s, ...rest } = outcome;
        return done({ ...rest, ok: false, error: { type: 'http_4xx', message: 'the MCP tool answered with an error' } });
      }
      return done(outcome);
    } catch (err) {
      const f = failure(err, redactor);
      return done({ ok: false, ...(f.status ? { status: f.status } : {}), error: { type: f.type, message: f.message } });
    }
  }

  /** Connects a fresh client, runs `work`, ends the remote session and closes, all within one deadline. */
  private async session<T>(prepared: Prepared, timeoutMs: number, signal: AbortSignal | undefined, work: (client: Client, opts: { timeout: number; signal: AbortSignal }) => Promise<T>): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    const abort = AbortSignal.any([AbortSignal.timeout(timeoutMs), ...(signal ? [signal] : [])]);
    const headers: Record<string, string> = {};
    for (let i = 0; i + 1 < prepared.headers.length; i += 2) {
      if (!SDK_HEADERS.has(prepared.headers[i]!.toLowerCase())) headers[prepared.headers[i]!] = prepared.headers[i + 1]!;
    }
    const transport = new StreamableHTTPClientTransport(new URL(prepared.origin + prepared.path), {
      fetch: guardedMcpFetch(this.outbound, { deadline, maxBytes: this.maxBytes, signal: abort }),
      requestInit: { headers },
    });
    const client = new Client(CLIENT_INFO, { capabilities: {} });
    const opts = () => ({ timeout: Math.max(1, deadline - Date.now()), signal: abort });
    try {
      await client.connect(transport, opts());
      const out = await work(client, opts());
      // Polite: a stateful remote frees its session now rather than at its own timeout.
      if (transport.sessionId && Date.now() < deadline) await transport.terminateSession().catch(() => undefined);
      return out;
    } finally {
      await client.close().catch(() => undefined);
    }
  }
}

/** The tool's arguments: null (unknown optional values) left out, names mapped back to the remote's. */
function remoteArguments(values: Record<string, unknown>, names: Record<string, string> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(values)) {
    if (v === null || v === undefined) continue;
    out[names && Object.hasOwn(names, k) ? names[k]! : k] = v;
  }
  return out;
}

/** What of a tool result is data: the structured content, else the text (parsed when it is JSON). */
function payloadOf(r: CallToolResult): unknown {
  if (r.structuredContent) return r.structuredContent;
  const parts = (r.content ?? []).map((c) => (c.type === 'text' ? c.text : `[${c.type} content omitted]`));
  const text = parts.join('\n');
  if (parts.length === 1) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

/** Any failure of an MCP exchange as the engine's error type; messages masked. */
function failure(err: unknown, redactor: Redactor): Failure {
  const text = (m: string) => redactor.text(m).slice(0, 300);
  if (err instanceof McpNetError) return { type: err.type, message: text(err.message) };
  if (err instanceof StreamableHTTPError && typeof err.code === 'number' && err.code >= 400) {
    return { type: err.code >= 500 ? 'http_5xx' : 'http_4xx', status: err.code, message: `the MCP server answered HTTP ${err.code}` };
  }
  if (err instanceof McpError) {
    // A request timeout of the SDK is our deadline.
    if (err.code === -32001) return { type: 'timeout', message: 'the MCP server did not answer in time' };
    return { type: 'http_4xx', message: text(`the MCP server refused the request (${err.code}): ${err.message}`) };
  }
  const name = (err as { name?: string })?.name;
  if (name === 'AbortError' || name === 'TimeoutError') return { type: 'timeout', message: 'the MCP server did not answer in time' };
  return { type: 'invalid_response', message: text(`the MCP server's answer could not be used: ${(err as Error)?.message ?? String(err)}`) };
}
