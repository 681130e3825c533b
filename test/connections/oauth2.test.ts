import fs from 'node:fs';
import { api, startTestServer, type TestServer } from '../support/server';
import { createConnectedAction, createConnection, customerApi, runAction, tokenEndpoint, type StandIn } from './helpers';

/** OAuth2 client credentials against a local token endpoint stand-in, over real HTTP. */
describe('oauth2_client_credentials connections', () => {
  const client = { id: 'helpdesk-client', secret: 'cs-7c1e0b9a2d4f6e8a' };
  let t: TestServer;
  let idp: Awaited<ReturnType<typeof tokenEndpoint>>;
  let orders: StandIn;
  /** Tokens the customer API no longer accepts (revoked early). */
  const revoked = new Set<string>();
  /** The server's clock runs `skew` ms ahead of the real one. */
  let skew = 0;

  beforeAll(async () => {
    idp = await tokenEndpoint(client, { expiresIn: 3600 });
    orders = await customerApi((req) => {
      const token = req.headers.authorization?.replace(/^Bearer /, '') ?? '';
      return idp.issued.includes(token) && !revoked.has(token);
    });
    t = await startTestServer({}, { now: () => Date.now() + skew });
  });
  afterAll(async () => {
    await t.close();
    await idp.close();
    await orders.close();
  });

  const oauthAuth = (over: Record<string, unknown> = {}) => ({ type: 'oauth2_client_credentials', tokenUrl: idp.tokenUrl, clientId: client.id, clientSecret: client.secret, scope: 'orders:read', ...over });

  test('one token fetch for many calls, concurrent or not; the API gets it as a bearer token', async () => {
    const c = await createConnection(t, { name: 'OAuth orders', baseUrl: orders.base, auth: oauthAuth() });
    const a = await createConnectedAction(t, c.id, 'oauth_lookup');
    const before = idp.seen.length;
    const results = await Promise.all(Array.from({ length: 6 }, () => runAction(t, a.id)));
    for (let i = 0; i < 3; i++) results.push(await runAction(t, a.id));
    expect(results.map((r) => r.body.ok)).toEqual(Array(9).fill(true));
    expect(idp.seen.length - before).toBe(1);
    const token = idp.issued.at(-1)!;
    expect(orders.seen.slice(-9).every((s) => s.headers.authorization === `Bearer ${token}`)).toBe(true);
    // The grant: client_secret_basic by default, with the scope.
    const grant = idp.grants.at(-1)!;
    expect(grant.auth).toBe('basic');
    expect(Object.fromEntries(grant.form)).toEqual({ grant_type: 'client_credentials', scope: 'orders:read' });
    for (const r of results) {
      expect(r.text).not.toContain(token);
      expect(r.text).not.toContain(client.secret);
    }
  });

  test('the client secret goes in the body when the admin picks it; audience is sent', async () => {
    const c = await createConnection(t, { name: 'OAuth body', baseUrl: orders.base, auth: oauthAuth({ clientAuth: 'body', audience: 'https://orders.example.com' }) });
    const a = await createConnectedAction(t, c.id, 'oauth_body_lookup');
    expect((await runAction(t, a.id)).body.ok).toBe(true);
    const grant = idp.grants.at(-1)!;
    expect(grant.auth).toBe('body');
    expect(Object.fromEntries(grant.form)).toMatchObject({ client_id: client.id, client_secret: client.secret, audience: 'https://orders.example.com' });
  });

  test('a token is replaced shortly before it expires (60 s before expires_in)', async () => {
    const c = await createConnection(t, { name: 'OAuth expiry', baseUrl: orders.base, auth: oauthAuth({ scope: 'expiry' }) });
    const a = await createConnectedAction(t, c.id, 'oauth_expiry_lookup');
    const start = idp.seen.length;
    await runAction(t, a.id);
    const first = idp.issued.at(-1)!;
    skew += (3600 - 61) * 1000;
    await runAction(t, a.id);
    expect(idp.seen.length - start).toBe(1);
    skew += 2000;
    await runAction(t, a.id);
    expect(idp.seen.length - start).toBe(2);
    const second = idp.issued.at(-1)!;
    expect(second).not.toBe(first);
    expect(orders.seen.slice(-3).map((s) => s.headers.authorization)).toEqual([`Bearer ${first}`, `Bearer ${first}`, `Bearer ${second}`]);
  });

  test('a 401 refreshes the token once and retries the call once', async () => {
    const c = await createConnection(t, { name: 'OAuth revoked', baseUrl: orders.base, auth: oauthAuth({ scope: 'revoked' }) });
    const a = await createConnectedAction(t, c.id, 'oauth_revoked_lookup', { method: 'POST', body: '{"n": "{{order_number}}"}' });
    await runAction(t, a.id);
    const old = idp.issued.at(-1)!;
    revoked.add(old);
    const fetches = idp.seen.length;
    const calls = orders.seen.length;
    const r = await runAction(t, a.id);
    expect(r.body).toMatchObject({ ok: true, response: { status: 200 } });
    expect(idp.seen.length - fetches).toBe(1);
    const fresh = idp.issued.at(-1)!;
    expect(orders.seen.slice(calls).map((s) => [s.method, s.headers.authorization, s.body])).toEqual([
      ['POST', `Bearer ${old}`, '{"n":"A-1"}'],
      ['POST', `Bearer ${fresh}`, '{"n":"A-1"}'],
    ]);
    // An API that refuses every token: one refresh, one retry, then the 401 is the answer.
    const deny = await customerApi(() => false);
    const d = await createConnection(t, { name: 'OAuth denied', baseUrl: deny.base, auth: oauthAuth({ scope: 'denied' }) });
    const b = await createConnectedAction(t, d.id, 'oauth_denied_lookup');
    const f2 = idp.seen.length;
    const denied = await runAction(t, b.id);
    expect(denied.body).toMatchObject({ ok: false, response: { status: 401 }, error: { type: 'http_4xx' } });
    expect(idp.seen.length - f2).toBe(2);
    expect(deny.seen).toHaveLength(2);
    await deny.close();
  });

  test('a refused client is a clear error; nothing secret in it', async () => {
    const c = await createConnection(t, { name: 'OAuth wrong', baseUrl: orders.base, auth: oauthAuth({ clientSecret: 'wrong-secret-5e6f7a8b' }) });
    const a = await createConnectedAction(t, c.id, 'oauth_wrong_lookup');
    const calls = orders.seen.length;
    const r = await runAction(t, a.id);
    expect(r.body).toMatchObject({ ok: false, error: { type: 'http_4xx', message: expect.stringContaining('token endpoint refused (401 invalid_client') } });
    expect(orders.seen.length).toBe(calls);
    expect(r.text).not.toContain('wrong-secret-5e6f7a8b');
  });

  test('the token is shared with another instance through the store (same DATA_DIR)', async () => {
    const c = await createConnection(t, { name: 'OAuth shared', baseUrl: orders.base, auth: oauthAuth({ scope: 'shared' }) });
    const a = await createConnectedAction(t, c.id, 'oauth_shared_lookup');
    await runAction(t, a.id);
    const fetches = idp.seen.length;
    const other = await startTestServer({ DATA_DIR: t.dataDir }, { now: () => Date.now() + skew });
    try {
      const r = await runAction(other, a.id);
      expect(r.body.ok).toBe(true);
      expect(idp.seen.length).toBe(fetches);
      expect(orders.seen.at(-1)?.headers.authorization).toBe(`Bearer ${idp.issued.at(-1)}`);
    } finally {
      await other.close();
    }
  });

  test('the client secret and tokens are nowhere in API answers, logs or the database file', async () => {
    const answers = [
      await api(t.url, t.token, 'GET', '/v1/connections'),
      await api(t.url, t.token, 'GET', '/v1/calls?limit=100'),
      await api(t.url, t.token, 'GET', '/v1/actions'),
    ];
    const logs = t.logs.join('');
    const files = fs
      .readdirSync(t.dataDir)
      .filter((f) => f.startsWith('store.sqlite'))
      .map((f) => fs.readFileSync(`${t.dataDir}/${f}`).toString('latin1'))
      .join('');
    expect(idp.issued.length).toBeGreaterThan(3);
    for (const secret of [client.secret, ...idp.issued]) {
      for (const a of answers) expect(a.text).not.toContain(secret);
      expect(logs).not.toContain(secret);
      expect(files).not.toContain(secret);
    }
    expect(answers[0]!.body.connections[0].auth.clientSecret).toMatch(/^••••/);
  });
});
