import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startFakeOpenAI, type ChatRequest, type FakeOpenAI } from '../support/fake-openai';
import { api, startTestServer, type TestServer } from '../support/server';

/** What the customer API saw of one request. */
export interface Seen {
  method: string;
  path: string;
  query: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** What a route of the customer API answers; `delayMs` holds the answer back. */
export interface Answer {
  status?: number;
  body?: unknown;
  delayMs?: number;
}

export type Handler = (req: Seen) => Answer | Promise<Answer>;

/**
 * The customer's API on 127.0.0.1: counts requests per `METHOD /path`, records them, and
 * tracks how many were in flight at once (to prove concurrency).
 */
export async function startCustomerApi(handler: Handler = () => ({ body: { ok: true } })) {
  let current = handler;
  const seen: Seen[] = [];
  const counts = new Map<string, number>();
  let inFlight = 0;
  let maxInFlight = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const u = new URL(req.url ?? '/', 'http://x');
      const s: Seen = { method: req.method ?? '', path: u.pathname, query: u.search, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      seen.push(s);
      const key = `${s.method} ${s.path}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        const a = await current(s);
        if (a.delayMs) await new Promise((r) => setTimeout(r, a.delayMs));
        if (res.destroyed) return;
        const text = JSON.stringify(a.body ?? null);
        res.writeHead(a.status ?? 200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
      } finally {
        inFlight--;
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    seen,
    /** Requests seen for `METHOD /path` (0 when none). */
    count: (key: string) => counts.get(key) ?? 0,
    /** Requests seen whose `METHOD /path` starts with the prefix. */
    countPrefix: (prefix: string) => [...counts].reduce((n, [k, v]) => (k.startsWith(prefix) ? n + v : n), 0),
    get maxInFlight() {
      return maxInFlight;
    },
    setHandler(h: Handler) {
      current = h;
    },
    reset() {
      seen.length = 0;
      counts.clear();
      maxInFlight = 0;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

export type CustomerApi = Awaited<ReturnType<typeof startCustomerApi>>;

/** The whole rig of an agent suite: scripted model, customer API, our server. */
export interface Rig {
  llm: FakeOpenAI;
  customer: CustomerApi;
  srv: TestServer;
  url: string;
  token: string;
  close(): Promise<void>;
}

/** Starts the scripted model, the customer API and a server pointed at both. */
export async function startRig(env: Record<string, string> = {}): Promise<Rig> {
  const llm = await startFakeOpenAI();
  const customer = await startCustomerApi();
  const srv = await startTestServer({ OPENAI_BASE_URL: llm.url, OPENAI_MODEL: 'scripted-model', ...env });
  return {
    llm,
    customer,
    srv,
    url: srv.url,
    token: srv.token,
    async close() {
      await srv.close();
      await llm.close();
      await customer.close();
    },
  };
}

/** Creates an action through the API; fails the test if the server refuses it. */
export async function createAction(rig: Rig, spec: Record<string, unknown>, token = rig.token): Promise<Record<string, any>> {
  const r = await api(rig.url, token, 'POST', '/v1/actions', spec);
  if (r.status !== 201) throw new Error(`creating ${String(spec.name)} failed: ${r.status} ${r.text}`);
  return r.body;
}

export const unverified = { id: 'c-1', name: 'Jo Doe', verified: false };
export const verified = { id: 'c-2', email: 'jo@example.com', name: 'Jo Doe', verified: true };

/** `POST /v1/conversations` */
export function start(rig: Rig, message: string, customer: Record<string, unknown> = unverified, token = rig.token) {
  return api(rig.url, token, 'POST', '/v1/conversations', { customer, message });
}

/** `POST /v1/conversations/:id/messages` */
export function next(rig: Rig, id: string, message: string, token = rig.token) {
  return api(rig.url, token, 'POST', `/v1/conversations/${id}/messages`, { message });
}

/** Messages of the current turn after the last user message (tool calls and results of this turn). */
export function thisTurn(req: ChatRequest): ChatRequest['messages'] {
  let i = req.messages.length - 1;
  while (i >= 0 && req.messages[i]!.role !== 'user') i--;
  return req.messages.slice(i + 1);
}

/** The tool results the model has received in this turn, in order. */
export function toolResults(req: ChatRequest): string[] {
  return thisTurn(req)
    .filter((m) => m.role === 'tool')
    .map((m) => m.content ?? '');
}

/** The last customer message of the request. */
export function lastUser(req: ChatRequest): string {
  const users = req.messages.filter((m) => m.role === 'user');
  return users[users.length - 1]?.content ?? '';
}

/** The system prompt of the request. */
export function systemOf(req: ChatRequest): string {
  return req.messages.find((m) => m.role === 'system')?.content ?? '';
}

/** Tool names offered in the request. */
export function toolNames(req: ChatRequest): string[] {
  return (req.tools ?? []).map((t) => t.function.name);
}

/** The parsed `{error:{type,...}}` of a tool result, or null when it is data. */
export function errorOf(result: string | undefined): { type: string; status: number | null; message: string } | null {
  if (!result) return null;
  try {
    const v = JSON.parse(result) as { error?: { type: string; status: number | null; message: string } };
    return v.error ?? null;
  } catch {
    return null;
  }
}

/** The text inside the `<api_data>` frame of a tool result. */
export function apiData(result: string | undefined): string | null {
  const m = /<api_data>\n([\s\S]*)\n<\/api_data>/.exec(result ?? '');
  return m ? m[1]! : null;
}
