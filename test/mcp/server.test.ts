import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { createHash } from 'node:crypto';
import { startCustomerApi, type CustomerApi } from '../agent/helpers';
import { api, startTestServer, type TestServer } from '../support/server';
import { connect, JWT_SECRET, mcpToken, textOf, userJwt, type Asker } from './helpers';

/**
 * The tenant's actions as an MCP server (issue 17), driven by the official SDK client over
 * loopback: tools per identity, a lookup, `requires`, writes confirmed (or declined) through
 * elicitation and run once, a client that cannot confirm, bad credentials, the call log.
 */
const API_KEY = 'sk-live-orders-9f8e7d6c5b4a';
let customer: CustomerApi;
let srv: TestServer;
let tenantId: string;
let endpoint: string;
let token: { id: string; token: string };
const open: Client[] = [];

async function client(credential: string, asker?: Asker): Promise<Client> {
  const c = await connect(endpoint, credential, asker ? { asker } : {});
  open.push(c);
  return c;
}

beforeAll(async () => {
  customer = await startCustomerApi((req) => {
    if (req.path.startsWith('/orders/') && req.method === 'GET') return { body: { order: req.path.split('/')[2], status: 'shipped', echo: req.headers['x-api-key'] } };
    if (req.path.startsWith('/refunds/')) return { body: { refund: 'approved' } };
    if (req.path === '/account') return { body: { plan: 'pro', email: new URLSearchParams(req.query).get('email') } };
    if (req.method === 'POST') return { body: { cancelled: true } };
    return { status: 404, body: { error: 'no' } };
  });
  srv = await startTestServer();
  tenantId = (await srv.server.store.tenantByTokenHash(createHash('sha256').update(srv.token).digest('hex')))!.id;
  endpoint = `${srv.url}/mcp/${tenantId}`;
  const order = { name: 'order_number', type: 'string', description: 'The order number' };
  for (const spec of [
    { name: 'lookup_order', description: 'Look up an order', method: 'GET', url: `${customer.base}/orders/{{order_number}}`, headers: [{ key: 'X-Api-Key', value: API_KEY }], variables: [order] },
    { name: 'account_details', description: "The customer's account", method: 'GET', url: `${customer.base}/account?email={{contact.email}}`, audience: 'verified', variables: [] },
    { name: 'refund_status', description: 'Refund of an order', method: 'GET', url: `${customer.base}/refunds/{{order_number}}`, requires: ['lookup_order'], variables: [order] },
    { name: 'cancel_order', description: 'Cancel an order', method: 'POST', url: `${customer.base}/orders/{{order_number}}/cancel`, body: '{"order": "{{order_number}}"}', variables: [order] },
  ]) {
    const r = await api(srv.url, srv.token, 'POST', '/v1/actions', spec);
    if (r.status !== 201) throw new Error(r.text);
  }
  const s = await api(srv.url, srv.token, 'PUT', '/v1/settings', { mcp: { userJwtSecret: JWT_SECRET } });
  if (s.status !== 200) throw new Error(s.text);
  token = await mcpToken(srv.url, srv.token, 'Desktop client');
});
afterAll(async () => {
  await Promise.all(open.map((c) => c.close().catch(() => undefined)));
  await srv.close();
  await customer.close();
});
beforeEach(() => customer.reset());

describe('tools', () => {
  test('an MCP token sees the actions for everyone, with the schemas and hints the model gets', async () => {
    const c = await client(token.token);
    const { tools } = await c.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(['cancel_order', 'lookup_order', 'refund_status']);
    const lookup = tools.find((t) => t.name === 'lookup_order')!;
    expect(lookup.description).toBe('Look up an order');
    expect(lookup.inputSchema).toMatchObject({ type: 'object', properties: { order_number: { type: 'string' } }, required: ['order_number'], additionalProperties: false });
    expect(lookup.annotations).toMatchObject({ readOnlyHint: true, destructiveHint: false });
    const cancel = tools.find((t) => t.name === 'cancel_order')!;
    expect(cancel.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: true });
    expect(cancel.description).toContain('confirmation');
  });

  test('a signed user JWT with verified: true also sees the verified-only action; verified: false does not', async () => {
    const v = await client(await userJwt({ sub: 'user-42', email: 'ann@example.com', verified: true }, { expiresIn: '5m' }));
    expect((await v.listTools()).tools.map((t) => t.name)).toContain('account_details');
    const r = await v.callTool({ name: 'account_details', arguments: {} });
    expect(r.isError).toBe(false);
    expect(textOf(r)).toContain('"plan":"pro"');
    expect(customer.seen.at(-1)!.query).toBe('?email=ann%40example.com');

    const u = await client(await userJwt({ sub: 'user-43', email: 'bob@example.com', verified: false }, { expiresIn: '5m' }));
    expect((await u.listTools()).tools.map((t) => t.name)).not.toContain('account_details');
    const refused = await u.callTool({ name: 'account_details', arguments: {} });
    expect(refused.isError).toBe(true);
    expect(textOf(refused)).toContain('only available to identity-verified customers');
    expect(customer.count('GET /account')).toBe(1);
  });
});

describe('calls', () => {
  test('a lookup runs, its result is the API data with secrets masked, and the log says mcp and who', async () => {
    const c = await client(token.token);
    const r = await c.callTool({ name: 'lookup_order', arguments: { order_number: 'A-100' } });
    expect(r.isError).toBe(false);
    const text = textOf(r);
    expect(text).toContain('Result of lookup_order (HTTP 200)');
    expect(text).toContain('"status":"shipped"');
    expect(text).not.toContain(API_KEY);
    expect(text).toContain('••••');
    expect(customer.count('GET /orders/A-100')).toBe(1);

    const log = await api(srv.url, srv.token, 'GET', '/v1/calls?action=lookup_order&limit=5');
    const rec = log.body.calls.find((x: any) => x.arguments?.order_number === 'A-100');
    expect(rec).toMatchObject({ channel: 'mcp', actor: 'mcp-token:Desktop client', ok: true, status: 200 });
    expect(JSON.stringify(rec)).not.toContain(API_KEY);
  });

  test('`requires` is enforced across the calls of one session, and invalid arguments are refused', async () => {
    const c = await client(token.token);
    const first = await c.callTool({ name: 'refund_status', arguments: { order_number: 'A-7' } });
    expect(first.isError).toBe(true);
    expect(textOf(first)).toContain('lookup_order must succeed earlier');
    expect(customer.countPrefix('GET /refunds')).toBe(0);

    const bad = await c.callTool({ name: 'lookup_order', arguments: { order_number: 42 } });
    expect(bad.isError).toBe(true);
    expect(textOf(bad)).toContain('missing_variables');

    expect((await c.callTool({ name: 'lookup_order', arguments: { order_number: 'A-7' } })).isError).toBe(false);
    const after = await c.callTool({ name: 'refund_status', arguments: { order_number: 'A-7' } });
    expect(after.isError).toBe(false);
    expect(textOf(after)).toContain('approved');

    // Another client connection is another conversation: verify-first starts again.
    const other = await client(token.token);
    expect((await other.callTool({ name: 'refund_status', arguments: { order_number: 'A-7' } })).isError).toBe(true);
    expect(customer.count('GET /refunds/A-7')).toBe(1);
  });

  test('an unknown tool is an error result, not a crash', async () => {
    const c = await client(token.token);
    const r = await c.callTool({ name: 'drop_tables', arguments: {} });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toContain('unknown tool');
  });
});

describe('writes', () => {
  test('a write is asked through elicitation with the rendered request; accept runs it once', async () => {
    const asker: Asker = { asked: [], answer: 'accept' };
    const c = await client(token.token, asker);
    const r = await c.callTool({ name: 'cancel_order', arguments: { order_number: 'B-1' } });
    expect(asker.asked).toHaveLength(1);
    const q = asker.asked[0]! as { message: string };
    expect(q.message).toContain(`POST ${customer.base}/orders/B-1/cancel`);
    expect(q.message).toContain('{"order":"B-1"}');
    expect(r.isError).toBe(false);
    expect(textOf(r)).toContain('Confirmed by the user and done');
    expect(customer.count('POST /orders/B-1/cancel')).toBe(1);
    expect(customer.seen.find((s) => s.path === '/orders/B-1/cancel')!.headers['idempotency-key']).toBeTruthy();

    const log = await api(srv.url, srv.token, 'GET', '/v1/calls?action=cancel_order&limit=20');
    const mine = log.body.calls.filter((x: any) => x.arguments?.order_number === 'B-1');
    expect(mine.map((x: any) => x.errorType ?? 'ran').sort()).toEqual(['needs_confirmation', 'ran']);
    expect(mine.every((x: any) => x.channel === 'mcp')).toBe(true);
    const conv = await api(srv.url, srv.token, 'GET', `/v1/conversations/${mine[0].conversationId}`);
    expect(conv.body.channel).toBe('mcp');
    expect(conv.body.proposals.map((p: any) => p.status)).toEqual(['done']);
  });

  test('decline: nothing is sent, the proposal is declined, the result says so', async () => {
    const asker: Asker = { asked: [], answer: 'decline' };
    const c = await client(token.token, asker);
    const r = await c.callTool({ name: 'cancel_order', arguments: { order_number: 'B-2' } });
    expect(asker.asked).toHaveLength(1);
    expect(r.isError).toBe(true);
    expect(textOf(r)).toContain('declined');
    expect(customer.countPrefix('POST /orders/B-2')).toBe(0);
    const log = await api(srv.url, srv.token, 'GET', '/v1/calls?action=cancel_order&limit=20');
    const rec = log.body.calls.find((x: any) => x.arguments?.order_number === 'B-2');
    const conv = await api(srv.url, srv.token, 'GET', `/v1/conversations/${rec.conversationId}`);
    expect(conv.body.proposals.map((p: any) => p.status)).toEqual(['declined']);
  });

  test('a client without elicitation gets a tool error that says why; nothing is sent', async () => {
    const c = await client(token.token);
    const r = await c.callTool({ name: 'cancel_order', arguments: { order_number: 'B-3' } });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toContain('needs the user\'s confirmation, which this MCP client cannot give');
    expect(customer.countPrefix('POST /orders/B-3')).toBe(0);
    // Asked again, it is refused again (not "already waiting"): the first one was declined.
    const again = await c.callTool({ name: 'cancel_order', arguments: { order_number: 'B-3' } });
    expect(textOf(again)).toContain('cannot give');
    expect(customer.countPrefix('POST /orders/B-3')).toBe(0);
  });

  test("an answer to another caller's question is ignored: only the asked client decides", async () => {
    const bobJwt = await userJwt({ sub: 'bob', verified: true }, { expiresIn: '5m' });
    let forged: Response | null = null;
    // While Alice's client is being asked, Bob answers "accept" to her question's id.
    const asker: Asker = {
      asked: [],
      answer: 'decline',
      before: async (id) => {
        forged = await fetch(endpoint, {
          method: 'POST',
          headers: { authorization: `Bearer ${bobJwt}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-06-18' },
          body: JSON.stringify({ jsonrpc: '2.0', id, result: { action: 'accept', content: {} } }),
        });
      },
    };
    const alice = await client(token.token, asker);
    const r = await alice.callTool({ name: 'cancel_order', arguments: { order_number: 'B-4' } });
    expect(asker.asked).toHaveLength(1);
    expect(forged!.status).toBe(202);
    expect(r.isError).toBe(true);
    expect(textOf(r)).toContain('declined');
    expect(customer.countPrefix('POST /orders/B-4')).toBe(0);
  });
});

describe('credentials', () => {
  async function initialize(credential: string | null, path = endpoint) {
    return fetch(path, {
      method: 'POST',
      headers: { ...(credential ? { authorization: `Bearer ${credential}` } : {}), 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } }),
    });
  }

  test('a revoked token is a 401 with WWW-Authenticate, and the SDK client cannot connect', async () => {
    const t = await mcpToken(srv.url, srv.token, 'Soon revoked');
    expect((await initialize(t.token)).status).toBe(200);
    expect((await api(srv.url, srv.token, 'DELETE', `/v1/tokens/${t.id}`)).status).toBe(204);
    const res = await initialize(t.token);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer /);
    const body = await res.json();
    expect(JSON.stringify(body)).not.toMatch(/revoked|expired|signature/i);
    await expect(connect(endpoint, t.token)).rejects.toThrow(/unauthorized/);
  });

  test.each([
    ['no credential', async () => null],
    ['a garbage token', async () => 'hmt_not-a-real-token'],
    ['the admin token', async () => srv.token],
    ['a sidebar token', async () => (await api(srv.url, srv.token, 'POST', '/v1/tokens', { name: 'sb', scope: 'sidebar' })).body.token],
    ['an expired user JWT', async () => userJwt({ sub: 'u1', verified: true }, { expiresIn: Math.floor(Date.now() / 1000) - 3600 })],
    ['a user JWT without exp', async () => userJwt({ sub: 'u1', verified: true })],
    ['a user JWT signed with another secret', async () => userJwt({ sub: 'u1', verified: true }, { secret: 'another-secret-that-is-long-enough-0123456789', expiresIn: '5m' })],
    ['a user JWT without sub', async () => userJwt({ verified: true }, { expiresIn: '5m' })],
  ])('%s: 401 with WWW-Authenticate', async (_label, credential) => {
    const res = await initialize(await credential());
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm="mcp"/);
  });

  test("a token of this tenant on another tenant's path is a 401", async () => {
    const res = await initialize(token.token, `${srv.url}/mcp/00000000-0000-4000-8000-000000000000`);
    expect(res.status).toBe(401);
  });

  test('the user-JWT secret is write-only: masked on read, kept on save, and too short a secret is refused', async () => {
    const s = await api(srv.url, srv.token, 'GET', '/v1/settings');
    expect(s.body.mcp.userJwtSecret).toMatch(/^••••/);
    expect(JSON.stringify(s.body)).not.toContain(JWT_SECRET);
    expect((await api(srv.url, srv.token, 'PUT', '/v1/settings', { mcp: s.body.mcp })).status).toBe(200);
    expect((await initialize(await userJwt({ sub: 'u9', verified: true }, { expiresIn: '5m' }))).status).toBe(200);
    const short = await api(srv.url, srv.token, 'PUT', '/v1/settings', { mcp: { userJwtSecret: 'short' } });
    expect(short.status).toBe(400);
    expect(JSON.stringify(short.body)).toContain('mcp.userJwtSecret');
  });

  test('GET and DELETE answer 405 to a valid caller (no server stream, no session to end)', async () => {
    for (const method of ['GET', 'DELETE']) {
      const res = await fetch(endpoint, { method, headers: { authorization: `Bearer ${token.token}`, accept: 'text/event-stream' } });
      expect(res.status).toBe(405);
      expect(res.headers.get('allow')).toBe('POST');
    }
  });
});

test('the MCP conversations are listed under channel mcp', async () => {
  const r = await api(srv.url, srv.token, 'GET', '/v1/conversations?channel=mcp&limit=50');
  expect(r.status).toBe(200);
  const list = r.body.conversations ?? r.body.items;
  expect(list.length).toBeGreaterThan(0);
  expect(list.every((c: any) => c.channel === 'mcp')).toBe(true);
});
