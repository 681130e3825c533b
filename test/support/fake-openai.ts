import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the scripted model answers to one request. */
export type ScriptedReply =
  | { content: string }
  | { toolCalls: { name: string; arguments: unknown; id?: string }[]; content?: string | null }
  /** An HTTP error from the "provider". */
  | { status: number; body?: unknown }
  /** A raw completion body (for malformed output). */
  | { raw: unknown }
  /** Never answers (timeouts). */
  | { hang: true }
  /** Exactly these bytes (not JSON, huge, or with headers such as Retry-After). */
  | { text: string; status?: number; headers?: Record<string, string> };

export interface ChatRequest {
  model: string;
  messages: { role: string; content: string | null; tool_calls?: unknown[]; tool_call_id?: string }[];
  tools?: { type: string; function: { name: string; description: string; parameters: unknown; strict?: boolean } }[];
  [k: string]: unknown;
}

export type Script = (req: ChatRequest, index: number) => ScriptedReply | Promise<ScriptedReply>;

/**
 * An OpenAI-compatible chat completions server on loopback, driven by a script. The real
 * `openai` SDK talks to it through OPENAI_BASE_URL; every request is recorded.
 */
export async function startFakeOpenAI(initial: Script = () => ({ content: 'Hello!' })) {
  let script = initial;
  let delayMs = 0;
  const requests: ChatRequest[] = [];
  /** The headers of each request, in the same order. */
  const headers: http.IncomingHttpHeaders[] = [];
  let n = 0;
  const hung = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"message":"not found"}}');
        return;
      }
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ChatRequest;
      requests.push(body);
      headers.push(req.headers);
      const reply = await script(body, n++);
      if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
      if ('hang' in reply) {
        hung.add(res);
        return;
      }
      if ('text' in reply) {
        res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers }).end(reply.text);
        return;
      }
      if ('status' in reply) {
        res.writeHead(reply.status, { 'content-type': 'application/json' }).end(JSON.stringify(reply.body ?? { error: { message: 'scripted failure', type: 'server_error' } }));
        return;
      }
      const message =
        'raw' in reply
          ? null
          : 'toolCalls' in reply
            ? {
                role: 'assistant',
                content: reply.content ?? null,
                tool_calls: reply.toolCalls.map((t, i) => ({
                  id: t.id ?? `call_${n}_${i}`,
                  type: 'function',
                  function: { name: t.name, arguments: typeof t.arguments === 'string' ? t.arguments : JSON.stringify(t.arguments) },
                })),
              }
            : { role: 'assistant', content: reply.content };
      const completion =
        'raw' in reply
          ? reply.raw
          : {
              id: `chatcmpl-${n}`,
              object: 'chat.completion',
              created: Math.floor(Date.now() / 1000),
              model: body.model,
              choices: [{ index: 0, message, finish_reason: 'toolCalls' in reply ? 'tool_calls' : 'stop', logprobs: null }],
              usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
            };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(completion));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  return {
    url,
    requests,
    headers,
    setScript(s: Script) {
      script = s;
      n = 0;
    },
    setDelay(ms: number) {
      delayMs = ms;
    },
    reset() {
      requests.length = 0;
      headers.length = 0;
      n = 0;
    },
    async close() {
      for (const r of hung) r.destroy();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

export type FakeOpenAI = Awaited<ReturnType<typeof startFakeOpenAI>>;

/** The last tool result message the model received in a request, or undefined. */
export function lastToolResult(req: ChatRequest): string | undefined {
  const tools = req.messages.filter((m) => m.role === 'tool');
  return tools[tools.length - 1]?.content ?? undefined;
}
