import { api, startTestServer, type TestServer } from '../support/server';
import { createConnectedAction, createConnection, customerApi, runAction, tenantIdOf, type StandIn } from './helpers';

/** Connections over real HTTP: CRUD, the API receiving the connection's auth, edits, deletes, secrets. */
describe('connections', () => {
  let t: TestServer;
  let apiA: StandIn;
  let apiB: StandIn;
  const KEY = 'conn-key-9f8e7d6c5b4a';

  beforeAll(async () => {
    t = await startTestServer();
    apiA = await customerApi((req) => req.headers['x-api-key'] === KEY || req.headers.authorization === `Bearer ${KEY}`);
    apiB = await customerApi();
  });
  afterAll(async () => {
    await t.close();
    await apiA.close();
    await apiB.close();
  });
  beforeEach(() => {
    apiA.seen.length = 0;
    apiB.seen.length = 0;
  });

  test('CRUD: 201 with id, secrets masked on every way out, GET can be PUT back unchanged, audit and config version', async () => {
    const tenantId = await tenantIdOf(t);
    const version = await t.server.store.configVersion(tenantId);
    const c = await createConnection(t, { name: 'Orders API', baseUrl: `${apiA.base}/v1/`, auth: { type: 'header', name: 'X-Api-Key', value: KEY }, headers: [{ key: 'Accept', value: 'application/json' }] });
    expect(c).toEqual({
      id: expect.any(String),
      name: 'Orders API',
      baseUrl: `${apiA.base}/v1`,
      auth: { type: 'header', name: 'X-Api-Key', value: `••••${KEY.slice(-4)}` },
      headers: [{ key: 'Accept', value: 'application/json' }],
      timeoutMs: 10000,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const got = await api(t.url, t.token, 'GET', `/v1/connections/${c.id}`);
    expect(got.body).toEqual(c);
    const list = await api(t.url, t.token, 'GET', '/v1/connections');
    expect(list.body.connections.map((x: { id: string }) => x.id)).toContain(c.id);
    expect(list.text).not.toContain(KEY);
    // What GET returned goes back unchanged: the masked secret is kept.
    const put = await api(t.url, t.token, 'PUT', `/v1/connections/${c.id}`, got.body);
    expect(put.status).toBe(200);
    expect((await t.server.store.getConnection(tenantId, c.id))?.auth).toEqual({ type: 'header', name: 'X-Api-Key', value: KEY });
    const audit = await t.server.store.listAudit(tenantId, 5);
    expect(audit.slice(0, 2).map((e) => [e.entity, e.op, e.entityId])).toEqual([
      ['connection', 'update', c.id],
      ['connection', 'create', c.id],
    ]);
    expect(JSON.stringify(audit)).not.toContain(KEY);
    expect(audit[1]?.changes).toContainEqual({ path: 'auth.value', to: 'changed' });
    expect(await t.server.store.configVersion(tenantId)).toBe(version + 2);
    expect((await api(t.url, t.token, 'GET', '/v1/connections/nope')).status).toBe(404);
  });

  test('bad input is a 400 naming the field', async () => {
    const bad = async (body: unknown) => (await api(t.url, t.token, 'POST', '/v1/connections', body)).body.error;
    expect((await bad({ name: 'x', baseUrl: 'not a url' })).details).toEqual([{ path: 'baseUrl', message: expect.stringContaining('not a valid URL') }]);
    expect((await bad({ name: 'x', baseUrl: 'https://{{host}}.example.com' })).details[0].path).toBe('baseUrl');
    expect((await bad({ name: 'x', baseUrl: 'https://api.example.com?x=1' })).details[0].path).toBe('baseUrl');
    expect((await bad({ name: 'x', baseUrl: 'https://api.example.com', auth: { type: 'oauth2_client_credentials', tokenUrl: 'ftp://x', clientId: 'a', clientSecret: 'b' } })).details[0].path).toBe('auth.tokenUrl');
    expect((await bad({ name: 'x', baseUrl: 'https://api.example.com', timeoutMs: 999_999 })).details[0].path).toBe('timeoutMs');
    expect((await bad({ name: 'x', baseUrl: 'https://api.example.com', extra: 1 })).details[0].message).toMatch(/extra/);
  });

  test("the API receives the connection's auth and headers on the action's path; an action header of the same name wins", async () => {
    const c = await createConnection(t, {
      name: 'Orders',
      baseUrl: `${apiA.base}/api`,
      auth: { type: 'bearer', token: KEY },
      headers: [{ key: 'X-Tenant', value: 'acme' }, { key: 'X-Trace', value: 'from-connection' }],
    });
    const a = await createConnectedAction(t, c.id, 'lookup_order_auth', { headers: [{ key: 'X-Trace', value: 'from-action' }] });
    expect(a).toMatchObject({ connectionId: c.id, url: '/orders/{{order_number}}', auth: { type: 'none' } });
    const r = await runAction(t, a.id);
    expect(r.body).toMatchObject({ ok: true, response: { status: 200 } });
    expect(apiA.seen).toHaveLength(1);
    expect(apiA.seen[0]).toMatchObject({ method: 'GET', url: '/api/orders/A-1' });
    expect(apiA.seen[0]!.headers).toMatchObject({ authorization: `Bearer ${KEY}`, 'x-tenant': 'acme', 'x-trace': 'from-action' });
    // The echo shows the full URL with the credential masked.
    expect(r.body.request.url).toBe(`${apiA.base}/api/orders/A-1`);
    expect(r.text).not.toContain(KEY);
    const calls = await api(t.url, t.token, 'GET', '/v1/calls?action=lookup_order_auth');
    expect(calls.text).not.toContain(KEY);
  });

  test('an edit of the connection reaches every action on it', async () => {
    const c = await createConnection(t, { name: 'Edit me', baseUrl: `${apiA.base}/v1`, auth: { type: 'header', name: 'X-Api-Key', value: KEY } });
    const one = await createConnectedAction(t, c.id, 'edit_one');
    const two = await createConnectedAction(t, c.id, 'edit_two', { url: '/customers/{{order_number}}' });
    const got = (await api(t.url, t.token, 'GET', `/v1/connections/${c.id}`)).body;
    const put = await api(t.url, t.token, 'PUT', `/v1/connections/${c.id}`, { ...got, baseUrl: `${apiA.base}/v2`, headers: [{ key: 'X-Edited', value: 'yes' }] });
    expect(put.status).toBe(200);
    await runAction(t, one.id);
    await runAction(t, two.id);
    expect(apiA.seen.map((s) => [s.url, s.headers['x-edited'], s.headers['x-api-key']])).toEqual([
      ['/v2/orders/A-1', 'yes', KEY],
      ['/v2/customers/A-1', 'yes', KEY],
    ]);
  });

  test('delete of a connection in use is a 409 listing the actions; once unused it is deleted', async () => {
    const c = await createConnection(t, { name: 'In use', baseUrl: apiA.base });
    const one = await createConnectedAction(t, c.id, 'used_one');
    const two = await createConnectedAction(t, c.id, 'used_two');
    const del = await api(t.url, t.token, 'DELETE', `/v1/connections/${c.id}`);
    expect(del.status).toBe(409);
    expect(del.body.error.code).toBe('conflict');
    expect(del.body.error.message).toContain('used_one, used_two');
    expect(del.body.error.details).toEqual([
      { path: 'actions.0', message: `used_one (${one.id}) uses this connection` },
      { path: 'actions.1', message: `used_two (${two.id}) uses this connection` },
    ]);
    await api(t.url, t.token, 'DELETE', `/v1/actions/${one.id}`);
    await api(t.url, t.token, 'DELETE', `/v1/actions/${two.id}`);
    expect((await api(t.url, t.token, 'DELETE', `/v1/connections/${c.id}`)).status).toBe(204);
    expect((await api(t.url, t.token, 'GET', `/v1/connections/${c.id}`)).status).toBe(404);
    expect((await api(t.url, t.token, 'DELETE', `/v1/connections/${c.id}`)).status).toBe(404);
  });

  test('actions: a path needs an existing connection; on a connection the URL is a path and auth is the connection\'s', async () => {
    const c = await createConnection(t, { name: 'Rules', baseUrl: apiA.base });
    const post = (body: Record<string, unknown>) =>
      api(t.url, t.token, 'POST', '/v1/actions', { name: 'rule_check', description: 'Checks the rules of actions on connections', method: 'GET', ...body });
    let r = await post({ connectionId: 'no-such-connection', url: '/x' });
    expect(r.status).toBe(400);
    expect(r.body.error.details).toEqual([{ path: 'connectionId', message: 'no connection with this id' }]);
    r = await post({ connectionId: c.id, url: 'https://api.example.com/x' });
    expect(r.body.error.details).toContainEqual({ path: 'url', message: expect.stringContaining('a path starting with "/"') });
    r = await post({ connectionId: c.id, url: '/x', auth: { type: 'bearer', token: 'own-token-123' } });
    expect(r.body.error.details).toContainEqual({ path: 'auth', message: expect.stringContaining("uses the connection's auth") });
    r = await post({ url: '/x' });
    expect(r.body.error.details).toContainEqual({ path: 'url', message: expect.stringContaining('a path needs a connection') });
    // A full URL with its own auth stays valid.
    r = await post({ url: `${apiB.base}/x`, auth: { type: 'bearer', token: 'own-token-123' } });
    expect(r.status).toBe(201);
    await api(t.url, t.token, 'DELETE', `/v1/actions/${r.body.id}`);
    // Test before saving resolves the connection too.
    const tested = await api(t.url, t.token, 'POST', '/v1/actions/test', {
      action: { name: 'draft', description: 'A draft action on a connection', method: 'GET', connectionId: c.id, url: '/draft' },
    });
    expect(tested.body).toMatchObject({ ok: false, response: { status: 401 } });
    expect(apiA.seen.at(-1)?.url).toBe('/draft');
  });

  test('a kept secret follows the connection only on the same origin: another host needs it typed again, and is never contacted', async () => {
    const c = await createConnection(t, { name: 'Moving', baseUrl: `${apiA.base}/v1`, auth: { type: 'bearer', token: KEY } });
    const a = await createConnectedAction(t, c.id, 'moving_lookup');
    const got = (await api(t.url, t.token, 'GET', `/v1/connections/${c.id}`)).body;
    // Same origin, another path: kept.
    expect((await api(t.url, t.token, 'PUT', `/v1/connections/${c.id}`, { ...got, baseUrl: `${apiA.base}/v9` })).status).toBe(200);
    // Another origin with the masked secret: refused, naming the field.
    const moved = await api(t.url, t.token, 'PUT', `/v1/connections/${c.id}`, { ...got, baseUrl: apiB.base });
    expect(moved.status).toBe(400);
    expect(moved.body.error).toMatchObject({ code: 'secret_required', details: [{ path: 'auth.token', message: expect.any(String) }] });
    // Omitted is the same as masked.
    const omitted = await api(t.url, t.token, 'PUT', `/v1/connections/${c.id}`, { name: 'Moving', baseUrl: apiB.base, auth: { type: 'bearer' } });
    expect(omitted.status).toBe(400);
    expect(omitted.body.error.details).toEqual([{ path: 'auth.token', message: expect.any(String) }]);
    const r = await runAction(t, a.id);
    expect(r.body.ok).toBe(true);
    expect(apiA.seen.map((s) => s.url)).toEqual(['/v9/orders/A-1']);
    expect(apiB.seen).toEqual([]);
    // Typed again for the new host: accepted.
    expect((await api(t.url, t.token, 'PUT', `/v1/connections/${c.id}`, { ...got, baseUrl: apiB.base, auth: { type: 'bearer', token: 'new-host-token-1' } })).status).toBe(200);
  });

  test("an action's own secret header does not move with its connection to another origin", async () => {
    const c = await createConnection(t, { name: 'Holder', baseUrl: apiA.base });
    await createConnectedAction(t, c.id, 'holder_lookup', { headers: [{ key: 'X-Api-Key', value: KEY }] });
    const got = (await api(t.url, t.token, 'GET', `/v1/connections/${c.id}`)).body;
    const moved = await api(t.url, t.token, 'PUT', `/v1/connections/${c.id}`, { ...got, baseUrl: apiB.base });
    expect(moved.status).toBe(400);
    expect(moved.body.error).toMatchObject({ code: 'secret_required', details: [{ path: 'actions.holder_lookup' }] });
    // Moving the action itself to another connection with its masked secret: also refused.
    const other = await createConnection(t, { name: 'Elsewhere', baseUrl: apiB.base });
    const action = (await api(t.url, t.token, 'GET', '/v1/actions')).body.actions.find((x: { name: string }) => x.name === 'holder_lookup');
    const put = await api(t.url, t.token, 'PUT', `/v1/actions/${action.id}`, { ...action, connectionId: other.id });
    expect(put.body.error).toMatchObject({ code: 'secret_required', details: [{ path: 'headers.0.value' }] });
  });

  test('POST /v1/connections/:id/test calls a path of the connection with its auth', async () => {
    const c = await createConnection(t, { name: 'Probe', baseUrl: `${apiA.base}/base`, auth: { type: 'header', name: 'X-Api-Key', value: KEY } });
    const r = await api(t.url, t.token, 'POST', `/v1/connections/${c.id}/test`, { path: '/health' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ ok: true, request: { method: 'GET', url: `${apiA.base}/base/health` }, response: { status: 200 }, durationMs: expect.any(Number) });
    expect(apiA.seen.at(-1)).toMatchObject({ url: '/base/health', headers: { 'x-api-key': KEY } });
    expect(r.text).not.toContain(KEY);
    expect((await api(t.url, t.token, 'POST', `/v1/connections/${c.id}/test`, { path: 'health' })).body.error.details).toEqual([{ path: 'path', message: 'must start with "/"' }]);
    expect((await api(t.url, t.token, 'POST', '/v1/connections/nope/test', {})).status).toBe(404);
  });

  test('nothing secret reaches the logs', () => {
    expect(t.logs.join('')).not.toContain(KEY);
  });
});
