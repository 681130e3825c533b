import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { startFakeIntercom, type FakeIntercom } from '../intercom/fake-intercom';
import { api, startTestServer, type TestServer } from '../support/server';

const OPERATOR = 'operator-token-for-tests-0123456789';
const BEARER = 'sk_live_bearer_SECRET_4242';
const PASSWORD = 'basic-PASSWORD-secret-99';
const HEADER_SECRET = 'hdr-SECRET-value-7777';
const ZD_TOKEN = 'zendesk-API-token-secret-1';
const IC_TOKEN = 'intercom-ACCESS-token-secret-2';
const SECRETS = [BEARER, PASSWORD, HEADER_SECRET, ZD_TOKEN, IC_TOKEN];

let s: TestServer;
/** Answers GET /me for IC_TOKEN with the app id the settings claim (the id must be proven). */
let intercom: FakeIntercom;
let customer: http.Server;
let customerUrl: string;
const received: { method: string; url: string; headers: http.IncomingHttpHeaders; body: string }[] = [];

function action(overrides: Record<string, unknown> = {}) {
  return {
    name: 'lookup_order',
    description: 'Look up an order when the customer asks where it is',
    method: 'GET',
    url: `${customerUrl}/orders/{{order_number}}`,
    auth: { type: 'bearer', token: BEARER },
    headers: [
      { key: 'Accept', value: 'application/json' },
      { key: 'X-Api-Key', value: HEADER_SECRET },
    ],
    variables: [{ name: 'order_number', type: 'string', description: 'The order number', example: 'ORD-1' }],
    response: { fields: ['status', 'eta'], maxChars: 4000 },
    ...overrides,
  };
}

beforeAll(async () => {
  customer = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString() });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'shipped', eta: '2026-12-01', internal: 'hidden' }));
    });
  });
  await new Promise<void>((r) => customer.listen(0, '127.0.0.1', r));
  customerUrl = `http://127.0.0.1:${(customer.address() as AddressInfo).port}`;
  intercom = await startFakeIntercom(IC_TOKEN, 'abc123');
  s = await startTestServer({ OPERATOR_TOKEN: OPERATOR });
});

afterAll(async () => {
  await s.close();
  await intercom.close();
  customer.closeAllConnections();
  await new Promise<void>((r) => customer.close(() => r()));
});

describe('boot and health', () => {
  test('the default tenant exists and its token file is 0600', () => {
    const file = path.join(s.dataDir, 'admin-token');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(s.token).toMatch(/^hat_/);
  });
  test('healthz and metrics', async () => {
    expect((await api(s.url, null, 'GET', '/healthz')).body).toEqual({ ok: true, store: 'sqlite' });
    await api(s.url, s.token, 'GET', '/v1/actions');
    const m = await api(s.url, null, 'GET', '/metrics');
    expect(m.text).toContain('http_requests_total');
    expect(m.text).toContain('action_call_duration_seconds');
  });
});

describe('auth', () => {
  test('missing or wrong token: 401', async () => {
    expect((await api(s.url, null, 'GET', '/v1/actions')).status).toBe(401);
    const r = await api(s.url, 'hat_wrong', 'GET', '/v1/settings');
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe('unauthorized');
  });
  test('tenant creation needs the operator token', async () => {
    expect((await api(s.url, null, 'POST', '/v1/tenants', { name: 'x' })).status).toBe(401);
    expect((await api(s.url, 'nope', 'POST', '/v1/tenants', { name: 'x' })).status).toBe(401);
    expect((await api(s.url, OPERATOR, 'POST', '/v1/tenants', { name: '' })).status).toBe(400);
    const r = await api(s.url, OPERATOR, 'POST', '/v1/tenants', { name: 'Acme' });
    expect(r.status).toBe(201);
    expect(r.body).toEqual({ id: expect.any(String), name: 'Acme', adminToken: expect.stringMatching(/^hat_/) });
    expect((await api(s.url, r.body.adminToken, 'GET', '/v1/actions')).body).toEqual({ actions: [] });
  });
  test('tenant creation is off without OPERATOR_TOKEN', async () => {
    const t = await startTestServer();
    try {
      expect((await api(t.url, 'anything', 'POST', '/v1/tenants', { name: 'x' })).status).toBe(403);
    } finally {
      await t.close();
    }
  });
});

describe('actions', () => {
  let id: string;
  test('create masks secrets; GET can be PUT back unchanged and keeps them', async () => {
    const c = await api(s.url, s.token, 'POST', '/v1/actions', action());
    expect(c.status).toBe(201);
    id = c.body.id;
    expect(c.body.auth).toEqual({ type: 'bearer', token: '••••4242' });
    expect(c.body.headers).toEqual([
      { key: 'Accept', value: 'application/json' },
      { key: 'X-Api-Key', value: '••••7777' },
    ]);
    expect(c.body.confirm).toBe(false);
    const g = await api(s.url, s.token, 'GET', `/v1/actions/${id}`);
    const p = await api(s.url, s.token, 'PUT', `/v1/actions/${id}`, g.body);
    expect(p.status).toBe(200);
    expect(p.body.version).toBe(2);
    // The stored secrets were kept: the call carries the original values.
    received.length = 0;
    const t = await api(s.url, s.token, 'POST', `/v1/actions/${id}/test`, { variables: { order_number: 'A/1?x' } });
    expect(t.status).toBe(200);
    expect(t.body.ok).toBe(true);
    expect(received[0]!.headers.authorization).toBe(`Bearer ${BEARER}`);
    expect(received[0]!.headers['x-api-key']).toBe(HEADER_SECRET);
    expect(received[0]!.url).toBe('/orders/A%2F1%3Fx');
    expect(t.body.response.status).toBe(200);
    expect(t.body.modelView).toContain('shipped');
    expect(t.body.modelView).not.toContain('hidden');
    expect(JSON.stringify(t.body)).not.toContain(BEARER);
    expect(t.body.performed).toBe(false);
  });

  test('an omitted secret is kept, a new one replaces it', async () => {
    const g = await api(s.url, s.token, 'GET', `/v1/actions/${id}`);
    const body = { ...g.body, auth: { type: 'bearer' } };
    expect((await api(s.url, s.token, 'PUT', `/v1/actions/${id}`, body)).status).toBe(200);
    received.length = 0;
    await api(s.url, s.token, 'POST', `/v1/actions/${id}/test`, { variables: { order_number: '1' } });
    expect(received[0]!.headers.authorization).toBe(`Bearer ${BEARER}`);
    const next = await api(s.url, s.token, 'PUT', `/v1/actions/${id}`, { ...g.body, auth: { type: 'bearer', token: 'new-token-abcdef' } });
    expect(next.body.auth.token).toBe('••••cdef');
    received.length = 0;
    await api(s.url, s.token, 'POST', `/v1/actions/${id}/test`, { variables: { order_number: '1' } });
    expect(received[0]!.headers.authorization).toBe('Bearer new-token-abcdef');
    await api(s.url, s.token, 'PUT', `/v1/actions/${id}`, { ...g.body, auth: { type: 'bearer', token: BEARER } });
  });

  test('a masked secret for a new auth type is a 400', async () => {
    const r = await api(s.url, s.token, 'POST', '/v1/actions', action({ name: 'other', auth: { type: 'basic', username: 'u', password: '••••abcd' } }));
    expect(r.status).toBe(400);
    expect(r.body.error.details).toEqual([{ path: 'auth.password', message: expect.stringContaining('type the secret') }]);
  });

  test('duplicate name: 409, on create and on rename', async () => {
    expect((await api(s.url, s.token, 'POST', '/v1/actions', action())).status).toBe(409);
    const other = await api(s.url, s.token, 'POST', '/v1/actions', action({ name: 'second_action' }));
    expect(other.status).toBe(201);
    const r = await api(s.url, s.token, 'PUT', `/v1/actions/${other.body.id}`, { ...other.body, name: 'lookup_order' });
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe('conflict');
    expect((await api(s.url, s.token, 'DELETE', `/v1/actions/${other.body.id}`)).status).toBe(204);
  });

  test('bad input: each problem with its field path; nothing stored', async () => {
    const before = (await api(s.url, s.token, 'GET', '/v1/actions')).body.actions.length;
    const cases: [Record<string, unknown>, string][] = [
      [{ name: '1bad' }, 'name'],
      [{ description: 'short' }, 'description'],
      [{ url: 'https://x.example/{{nope}}' }, 'url'],
      [{ url: 'ftp://x.example/' }, 'url'],
      [{ method: 'FETCH' }, 'method'],
      [{ auth: { type: 'oauth' } }, 'auth.type'],
      [{ method: 'POST', body: '{"a": {{order_number}' }, 'body'],
      [{ timeoutMs: '10' }, 'timeoutMs'],
      [{ extra: 1 }, ''],
      [{ variables: [{ name: 'order_number', type: 'string', description: 'a' }, { name: 'order_number', type: 'string', description: 'b' }] }, 'variables.1.name'],
      [{ variables: [{ name: 'order_number', type: 'money', description: 'a' }] }, 'variables.0.type'],
    ];
    for (const [patch, field] of cases) {
      const r = await api(s.url, s.token, 'POST', '/v1/actions', action({ name: 'bad_one', ...patch }));
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('validation_failed');
      expect(r.body.error.details.map((d: { path: string }) => d.path)).toContain(field);
      expect(r.text).not.toMatch(/at .*\.ts:\d+/);
    }
    expect((await api(s.url, s.token, 'GET', '/v1/actions')).body.actions.length).toBe(before);
  });

  test('malformed JSON: 400; body over 256 KiB: 413', async () => {
    const r = await api(s.url, s.token, 'POST', '/v1/actions', '{"name": ');
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('malformed_json');
    const big = await api(s.url, s.token, 'POST', '/v1/actions', action({ description: 'x'.repeat(300 * 1024) }));
    expect(big.status).toBe(413);
  });

  test('unknown id: 404', async () => {
    expect((await api(s.url, s.token, 'GET', '/v1/actions/nope')).status).toBe(404);
    expect((await api(s.url, s.token, 'PUT', '/v1/actions/nope', action())).status).toBe(404);
    expect((await api(s.url, s.token, 'DELETE', '/v1/actions/nope')).status).toBe(404);
    expect((await api(s.url, s.token, 'POST', '/v1/actions/nope/test', {})).status).toBe(404);
  });

  test('test before saving, and a write method says it really called', async () => {
    received.length = 0;
    const r = await api(s.url, s.token, 'POST', '/v1/actions/test', {
      action: action({ name: 'create_ticket', method: 'POST', body: '{"order": "{{order_number}}", "n": {{qty}}}', variables: [
        { name: 'order_number', type: 'string', description: 'The order' },
        { name: 'qty', type: 'integer', description: 'How many' },
      ] }),
      variables: { order_number: 'A1', qty: 3 },
    });
    expect(r.status).toBe(200);
    expect(r.body.performed).toBe(true);
    expect(r.body.warning).toMatch(/really sent a POST/);
    expect(JSON.parse(received[0]!.body)).toEqual({ order: 'A1', n: 3 });
    expect(r.body.request.headers.authorization ?? r.body.request.headers.Authorization).toMatch(/••••/);
    expect(JSON.stringify(r.body)).not.toContain(BEARER);
    // Nothing was saved.
    const list = (await api(s.url, s.token, 'GET', '/v1/actions')).body.actions;
    expect(list.map((a: { name: string }) => a.name)).not.toContain('create_ticket');
  });
});

describe('user data api and settings', () => {
  test('user data api round-trip, masked, test by email', async () => {
    const empty = await api(s.url, s.token, 'GET', '/v1/user-data-api');
    expect(empty.body.enabled).toBe(false);
    const put = await api(s.url, s.token, 'PUT', '/v1/user-data-api', {
      enabled: true,
      url: `${customerUrl}/customers?email={{contact.email}}`,
      auth: { type: 'basic', username: 'svc', password: PASSWORD },
    });
    expect(put.status).toBe(200);
    expect(put.body.auth.password).toBe('••••t-99');
    expect((await api(s.url, s.token, 'PUT', '/v1/user-data-api', { ...put.body, url: 'https://x/{{order}}' })).status).toBe(400);
    received.length = 0;
    const t = await api(s.url, s.token, 'POST', '/v1/user-data-api/test', { email: 'ann@example.com' });
    expect(t.body.ok).toBe(true);
    expect(received[0]!.url).toBe('/customers?email=ann%40example.com');
    expect(received[0]!.headers.authorization).toBe('Basic ' + Buffer.from(`svc:${PASSWORD}`).toString('base64'));
    expect((await api(s.url, s.token, 'POST', '/v1/user-data-api/test', { email: 'nope' })).status).toBe(400);
  });

  test('settings: masked, kept when omitted or masked, groups merged', async () => {
    const put = await api(s.url, s.token, 'PUT', '/v1/settings', {
      instructions: 'Be brief.',
      zendesk: { subdomain: 'acme', email: 'bot@acme.com', apiToken: ZD_TOKEN, webhookSecret: 'whsec-zendesk-123456' },
      intercom: { appId: 'abc123', accessToken: IC_TOKEN, clientSecret: 'intercom-client-secret', adminId: '42', baseUrl: intercom.base },
    });
    expect(put.status).toBe(200);
    expect(put.body.zendesk.apiToken).toBe('••••et-1');
    expect(put.body.intercom.accessToken).toBe('••••et-2');
    const again = await api(s.url, s.token, 'PUT', '/v1/settings', { instructions: 'Be kind.' });
    expect(again.body.zendesk.subdomain).toBe('acme');
    expect(again.body.zendesk.apiToken).toBe('••••et-1');
    const roundTrip = await api(s.url, s.token, 'PUT', '/v1/settings', again.body);
    expect(roundTrip.status).toBe(200);
    expect(roundTrip.body).toEqual(again.body);
    const bad = await api(s.url, s.token, 'PUT', '/v1/settings', { zendesk: { subdomain: 'acme.zendesk.com' }, bogus: 1 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['', 'zendesk.subdomain']);
  });

  test('an Intercom workspace belongs to one tenant: an unproven claim is 400, a proven second claim 409', async () => {
    const t = await api(s.url, OPERATOR, 'POST', '/v1/tenants', { name: 'Other' });
    const unproven = await api(s.url, t.body.adminToken, 'PUT', '/v1/settings', { intercom: { appId: 'abc123' } });
    expect(unproven.status).toBe(400);
    expect(unproven.body.error.details).toEqual([{ path: 'intercom.accessToken', message: 'an access token is needed to prove the app id' }]);
    const r = await api(s.url, t.body.adminToken, 'PUT', '/v1/settings', { intercom: { appId: 'abc123', accessToken: IC_TOKEN, baseUrl: intercom.base } });
    expect(r.status).toBe(409);
  });
});

describe('audit', () => {
  test('every change is recorded, secrets as "changed"', async () => {
    const r = await api(s.url, s.token, 'GET', '/v1/audit?limit=500');
    const entries = r.body.entries as { entity: string; op: string; changes: { path: string; from?: unknown; to?: unknown }[] }[];
    expect(entries.some((e) => e.entity === 'action' && e.op === 'create')).toBe(true);
    expect(entries.some((e) => e.entity === 'action' && e.op === 'delete')).toBe(true);
    expect(entries.some((e) => e.entity === 'user_data_api')).toBe(true);
    expect(entries.some((e) => e.entity === 'settings' && e.changes.some((c) => c.path === 'instructions' && c.to === 'Be kind.'))).toBe(true);
    const tokenChange = entries.find((e) => e.changes.some((c) => c.path === 'auth.token'));
    expect(tokenChange!.changes.find((c) => c.path === 'auth.token')).toEqual({ path: 'auth.token', to: 'changed' });
    for (const sec of SECRETS) expect(r.text).not.toContain(sec);
    expect((await api(s.url, s.token, 'GET', '/v1/audit?limit=0')).status).toBe(400);
  });
});

describe('tenant isolation', () => {
  test("another tenant's ids answer 404 on every route", async () => {
    const mine = (await api(s.url, s.token, 'GET', '/v1/actions')).body.actions[0];
    const other = await api(s.url, OPERATOR, 'POST', '/v1/tenants', { name: 'Intruder' });
    const tok = other.body.adminToken;
    expect((await api(s.url, tok, 'GET', `/v1/actions/${mine.id}`)).status).toBe(404);
    expect((await api(s.url, tok, 'PUT', `/v1/actions/${mine.id}`, action())).status).toBe(404);
    expect((await api(s.url, tok, 'DELETE', `/v1/actions/${mine.id}`)).status).toBe(404);
    expect((await api(s.url, tok, 'POST', `/v1/actions/${mine.id}/test`, {})).status).toBe(404);
    expect((await api(s.url, tok, 'POST', '/v1/actions/test', { action: action(), actionId: mine.id })).status).toBe(404);
    expect((await api(s.url, tok, 'GET', '/v1/actions')).body.actions).toEqual([]);
    expect((await api(s.url, tok, 'GET', '/v1/calls')).body.calls).toEqual([]);
    expect((await api(s.url, tok, 'GET', '/v1/audit')).body.entries).toEqual([]);
    expect((await api(s.url, tok, 'GET', '/v1/user-data-api')).body.enabled).toBe(false);
    expect((await api(s.url, tok, 'GET', '/v1/settings')).body.zendesk.subdomain).toBeNull();
    // Still there for its owner.
    expect((await api(s.url, s.token, 'GET', `/v1/actions/${mine.id}`)).status).toBe(200);
  });
});

describe('call log', () => {
  test('test calls are logged with masked headers and filterable', async () => {
    const r = await api(s.url, s.token, 'GET', '/v1/calls?action=lookup_order&status=ok&limit=2');
    expect(r.body.calls.length).toBe(2);
    expect(r.body.calls[0]).toMatchObject({ action: 'lookup_order', ok: true, status: 200, method: 'GET' });
    expect(JSON.stringify(r.body)).not.toContain(BEARER);
    expect(JSON.stringify(r.body)).not.toContain(HEADER_SECRET);
    expect((await api(s.url, s.token, 'GET', '/v1/calls?status=timeout')).body.calls).toEqual([]);
    expect((await api(s.url, s.token, 'GET', '/v1/calls?limit=abc')).status).toBe(400);
  });
});

describe('secrets at rest and in logs', () => {
  test('no secret in the SQLite files or the captured logs', async () => {
    for (const f of fs.readdirSync(s.dataDir).filter((f) => f.startsWith('store.sqlite'))) {
      const bytes = fs.readFileSync(path.join(s.dataDir, f)).toString('latin1');
      for (const sec of SECRETS) expect(bytes).not.toContain(sec);
    }
    const logs = s.logs.join('');
    expect(logs.length).toBeGreaterThan(0);
    for (const sec of [...SECRETS, s.token]) expect(logs).not.toContain(sec);
  });
});
