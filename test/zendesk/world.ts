import { createHash, createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startFakeOpenAI, type FakeOpenAI, type Script } from '../support/fake-openai';
import { api, startTestServer, type TestServer } from '../support/server';
import { startFakeZendesk, type FakeZendesk } from './fake-zendesk';

/** Secrets configured in the world; none of them may ever reach Zendesk or the sidebar. */
export const SECRETS = {
  zendeskApiToken: 'zd_api_token_SECRET_7f3a9c2e11',
  webhookSecret: 'zd_webhook_signing_SECRET_5b8d0e44',
  orderToken: 'sk_live_ORDER_SECRET_abcdef123456',
  cancelToken: 'sk_live_CANCEL_SECRET_0987zyxw',
  accountToken: 'sk_live_ACCOUNT_SECRET_qwerty55',
  statusKey: 'status_key_SECRET_44aa99bb',
  userDataToken: 'uda_SECRET_token_31415926',
};

export const OPERATOR_TOKEN = 'operator-token-for-zendesk-tests';
export const REQUESTER = { id: 501, name: 'Ana Lopez', email: 'ana@example.com' };

/** The customer's own API: records every call; echoes the Authorization header back (the engine must mask it). */
export async function startCustomerApi() {
  const calls: { method: string; path: string; auth: string | undefined; body: string }[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      calls.push({ method: req.method ?? '', path: url.pathname, auth: req.headers.authorization, body: Buffer.concat(chunks).toString('utf8') });
      const json = (status: number, data: unknown) => {
        const text = JSON.stringify(data);
        res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
      };
      let m: RegExpExecArray | null;
      if ((m = /^\/orders\/([^/]+)$/.exec(url.pathname)) && req.method === 'GET') {
        return json(200, { id: m[1], status: 'shipped', eta: 'Friday', seen_auth: req.headers.authorization ?? null });
      }
      if ((m = /^\/orders\/([^/]+)\/cancel$/.exec(url.pathname)) && req.method === 'POST') return json(200, { id: m[1], cancelled: true });
      if (url.pathname === '/status') return json(503, { error: 'maintenance' });
      if (url.pathname === '/accounts') return json(200, { plan: 'pro', email: url.searchParams.get('email') });
      if (url.pathname === '/users') return json(200, { name: 'Ana Lopez', plan: 'pro', orders: ['A-1001'] });
      json(404, { error: 'not found' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    calls,
    count: (method: string, path: RegExp) => calls.filter((c) => c.method === method && path.test(c.path)).length,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type CustomerApi = Awaited<ReturnType<typeof startCustomerApi>>;

export interface World {
  ts: TestServer;
  url: string;
  token: string;
  tenantId: string;
  openai: FakeOpenAI;
  zendesk: FakeZendesk;
  customer: CustomerApi;
  actionIds: Record<string, string>;
  close(): Promise<void>;
}

/** The server, a scripted model, a fake Zendesk and a customer API, with one tenant wired to them. */
export async function startWorld(script: Script = () => ({ content: 'Hello!' })): Promise<World> {
  const openai = await startFakeOpenAI(script);
  const zendesk = await startFakeZendesk();
  const customer = await startCustomerApi();
  const ts = await startTestServer({ OPENAI_BASE_URL: openai.url, OPERATOR_TOKEN }, { worker: { idleMs: 50 } });
  const tenant = await ts.server.store.tenantByTokenHash(createHash('sha256').update(ts.token).digest('hex'));
  const world: World = {
    ts,
    url: ts.url,
    token: ts.token,
    tenantId: tenant!.id,
    openai,
    zendesk,
    customer,
    actionIds: {},
    async close() {
      await ts.close();
      await Promise.all([openai.close(), zendesk.close(), customer.close()]);
    },
  };
  await configureTenant(world);
  return world;
}

async function ok(p: Promise<{ status: number; text: string }>, expected: number) {
  const r = await p;
  if (r.status !== expected) throw new Error(`setup failed: HTTP ${r.status} ${r.text}`);
  return r;
}

async function configureTenant(w: World): Promise<void> {
  const { url, token, customer, zendesk } = w;
  await ok(
    api(url, token, 'PUT', '/v1/settings', {
      instructions: 'You are the support assistant of Acme.',
      zendesk: { subdomain: 'acme', email: 'bot@acme.test', apiToken: SECRETS.zendeskApiToken, webhookSecret: SECRETS.webhookSecret, baseUrl: zendesk.url },
    }),
    200,
  );
  const actions = [
    {
      name: 'lookup_order',
      description: 'Look up an order when the customer asks where it is',
      method: 'GET',
      url: `${customer.base}/orders/{{order_number}}`,
      auth: { type: 'bearer', token: SECRETS.orderToken },
      variables: [{ name: 'order_number', type: 'string', description: 'The order number', required: true }],
    },
    {
      name: 'check_status',
      description: 'Check whether the shop systems are up',
      method: 'GET',
      url: `${customer.base}/status`,
      auth: { type: 'header', name: 'X-Api-Key', value: SECRETS.statusKey },
    },
    {
      name: 'cancel_order',
      description: 'Cancel an order when the customer asks to cancel it',
      method: 'POST',
      url: `${customer.base}/orders/{{order_number}}/cancel`,
      auth: { type: 'bearer', token: SECRETS.cancelToken },
      body: '{"reason": "customer request"}',
      variables: [{ name: 'order_number', type: 'string', description: 'The order number', required: true }],
    },
    {
      name: 'account_details',
      description: 'Read the customer account details and plan',
      method: 'GET',
      url: `${customer.base}/accounts?email={{contact.email}}`,
      auth: { type: 'bearer', token: SECRETS.accountToken },
      audience: 'verified',
    },
  ];
  for (const a of actions) {
    const r = await ok(api(url, token, 'POST', '/v1/actions', a), 201);
    w.actionIds[a.name] = JSON.parse(r.text).id;
  }
  await ok(
    api(url, token, 'PUT', '/v1/user-data-api', {
      enabled: true,
      method: 'GET',
      url: `${customer.base}/users?email={{contact.email}}`,
      auth: { type: 'bearer', token: SECRETS.userDataToken },
    }),
    200,
  );
}

/** Signs like Zendesk: base64(HMAC-SHA256(secret, timestamp + body)). Written here, independent of the server's code. */
export function sign(secret: string, timestamp: string, body: string): string {
  return createHmac('sha256', secret).update(timestamp + body).digest('base64');
}

export interface DeliverOptions {
  tenantId?: string;
  /** ISO timestamp; default now. */
  timestamp?: string;
  secret?: string;
  signature?: string;
  invocationId?: string | null;
  omit?: ('signature' | 'timestamp')[];
}

/** Posts a webhook delivery the way Zendesk does. */
export async function deliver(w: World, body: string | object, o: DeliverOptions = {}) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const timestamp = o.timestamp ?? new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (!o.omit?.includes('timestamp')) headers['x-zendesk-webhook-signature-timestamp'] = timestamp;
  if (!o.omit?.includes('signature')) headers['x-zendesk-webhook-signature'] = o.signature ?? sign(o.secret ?? SECRETS.webhookSecret, timestamp, text);
  if (o.invocationId !== null) headers['x-zendesk-webhook-invocation-id'] = o.invocationId ?? String(Math.floor(Math.random() * 1e10));
  headers['x-zendesk-webhook-id'] = '01F1KRFQ6BG29CNWFR60NK5FNY';
  const res = await fetch(`${w.url}/webhooks/zendesk/${o.tenantId ?? w.tenantId}`, { method: 'POST', headers, body: text });
  return { status: res.status, text: await res.text() };
}

/** Polls until `check` is true (or fails after `ms`). */
export async function waitFor(check: () => boolean | Promise<boolean>, ms = 8000, what = 'condition'): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Waits until the inbox has nothing pending or leased. */
export async function inboxIdle(w: World): Promise<void> {
  await waitFor(async () => {
    const c = await w.ts.server.store.inboxCounts();
    return c.pending === 0 && c.leased === 0;
  }, 8000, 'the inbox to drain');
}

/** A model that asks for `calls` on the customer's message and then answers `reply`. */
export function draftScript(calls: { name: string; arguments: unknown }[], reply: string): Script {
  return (req) => {
    const last = req.messages[req.messages.length - 1];
    if (last?.role === 'user' && calls.length) return { toolCalls: calls };
    return { content: reply };
  };
}
